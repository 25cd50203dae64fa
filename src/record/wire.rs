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
        if self.kind != record.kind() || !displays_as(&record.data, &self.value) {
            return Err(RecordError::NotCanonical {
                kind: clip(&self.kind),
                value: clip(&self.value),
                canonical: record.data.to_string(),
            });
        }
        Ok(record)
    }
}

/// Whether `value` displays as exactly `text`, compared piece by piece as it is written: every
/// record of every entry a node loads is checked this way, and making the canonical string
/// only to compare it cost an allocation per record.
fn displays_as(value: &impl std::fmt::Display, text: &str) -> bool {
    use std::fmt::Write;
    /// What of the expected text the pieces written so far have not matched yet.
    struct Rest<'a>(&'a str);
    impl Write for Rest<'_> {
        fn write_str(&mut self, piece: &str) -> std::fmt::Result {
            self.0 = self.0.strip_prefix(piece).ok_or(std::fmt::Error)?;
            Ok(())
        }
    }
    let mut rest = Rest(text);
    write!(rest, "{value}").is_ok() && rest.0.is_empty()
}

#[cfg(test)]
mod tests {
    use super::displays_as;

    #[test]
    fn displays_as_is_an_exact_comparison() {
        let ip: std::net::Ipv4Addr = "192.0.2.1".parse().unwrap();
        assert!(displays_as(&ip, "192.0.2.1"));
        for other in ["192.0.2.10", "192.0.2.", "192.0.2.01", "", "x192.0.2.1"] {
            assert!(!displays_as(&ip, other), "{other}");
        }
    }
}
