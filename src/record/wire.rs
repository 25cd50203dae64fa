//! The DAG-CBOR form of a record, `{ "type", "value", "ttl" }`, and its strict decoding.

use super::{clip, Record, RecordError};

/// The canonical map form, used for both directions.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WireRecord {
    #[serde(rename = "type", deserialize_with = "crate::block::text")]
    pub(super) kind: String,
    #[serde(deserialize_with = "crate::block::text")]
    pub(super) value: String,
    pub(super) ttl: u32,
}

/// Serialises as `{ "type", "value", "ttl" }` with the canonical value string.
impl serde::Serialize for Record {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        WireRecord { kind: self.kind().to_owned(), value: self.data.to_string(), ttl: self.ttl }
            .serialize(serializer)
    }
}

/// Deserialises strictly: the record must be valid and already canonical (upper-case type,
/// canonical value), so one record set has exactly one encoding and one hash.
impl<'de> serde::Deserialize<'de> for Record {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Record, D::Error> {
        WireRecord::deserialize(deserializer)?.into_record().map_err(serde::de::Error::custom)
    }
}

impl WireRecord {
    /// The record, if it is valid and already canonical (upper-case type, canonical value).
    pub(crate) fn into_record(self) -> Result<Record, RecordError> {
        let record = Record::parse(&self.kind, &self.value, Some(self.ttl))?;
        let canonical = record.data.to_string();
        if self.kind != record.kind() || self.value != canonical {
            return Err(RecordError::NotCanonical {
                kind: clip(&self.kind),
                value: clip(&self.value),
                canonical,
            });
        }
        Ok(record)
    }
}
