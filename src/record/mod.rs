//! Records: what a name resolves to (addresses, text, a content CID, a sync endpoint).
//!
//! Every record has exactly one canonical encoding, a DAG-CBOR map
//! `{ "type": "A", "value": "1.2.3.4", "ttl": 3600 }` with the value as its canonical string, so
//! any IPFS tool can read it and two nodes always hash the same record set to the same bytes.
//! [`Record::parse`] normalises user input into that form; decoding accepts only that form.
//!
//! ```
//! use vns::record::{records_hash, validate_records, Record};
//! let records = vec![
//!     Record::parse("a", "192.0.2.1", None).unwrap(),
//!     Record::parse("FS", "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG", Some(60)).unwrap(),
//! ];
//! // CIDv0 input is stored as the equivalent CIDv1 in base32.
//! assert_eq!(records[1].to_string(), "bafybeie5nqv6kd3qnfjupgvz34woh3oksc3iau6abmyajn7qvtf6d2ho34");
//! validate_records(&records).unwrap();
//! let bytes = vns::block::to_cbor(&records).unwrap();
//! let back: Vec<Record> = vns::block::from_cbor(&bytes).unwrap();
//! assert_eq!(back, records);
//! assert_eq!(records_hash(&back), records_hash(&records));
//! ```

mod data;
mod endpoint;
mod error;
mod wire;

use std::fmt;

pub(crate) use data::parse_cid_exact;
pub use data::RecordData;
use error::clip;
pub use error::RecordError;
pub(crate) use wire::WireRecord;

/// Most records one name may hold.
pub const MAX_RECORDS: usize = 20;

/// Longest TXT value, in UTF-8 bytes (one DNS character-string, so TXT can be bridged to DNS).
pub const MAX_TXT_BYTES: usize = 255;

/// Longest FS (CID) or SYNC (URL / multiaddr) input, in bytes. Real values are far shorter (a
/// CIDv1 with a 64-byte digest is ~115 characters); the cap bounds parsing work.
pub const MAX_VALUE_BYTES: usize = 255;

/// TTL used when the owner gives none: one hour, the common DNS default.
pub const DEFAULT_TTL: u32 = 3600;

/// Shortest TTL in seconds. Zero ("do not cache") is refused: VNS answers come from a local
/// replica, so zero would only make gateways and caches hammer nodes for no fresher data.
pub const MIN_TTL: u32 = 1;

/// Longest TTL in seconds: 7 days, the cap common DNS resolvers apply anyway (RFC 8767 §4);
/// longer would only let stale answers outlive an owner's change.
pub const MAX_TTL: u32 = 7 * 24 * 60 * 60;

/// Largest encoded (DAG-CBOR) size of one name's whole record set, in bytes.
///
/// 20 maximal TXT records would encode to about 5.6 KB, so this cap binds before the count
/// does (at most 14 full TXT records fit). 4 KiB sits between Handshake's 512 B resource limit
/// and IPNS's 10 KiB record limit, and keeps one entry small enough for a sync frame and for a
/// memory budget of a million names.
pub const MAX_RECORDS_BYTES: usize = 4096;

/// The record types, as written in the `type` field.
pub const KINDS: [&str; 5] = ["A", "AAAA", "TXT", "FS", "SYNC"];

/// One record: data and the time in seconds a resolver may cache it.
///
/// ```
/// use vns::record::{Record, DEFAULT_TTL};
/// let r = Record::parse("txt", "hello", None).unwrap();
/// assert_eq!((r.kind(), r.to_string().as_str(), r.ttl), ("TXT", "hello", DEFAULT_TTL));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Record {
    /// What the name resolves to.
    pub data: RecordData,
    /// Cache lifetime in seconds, [`MIN_TTL`]..=[`MAX_TTL`].
    pub ttl: u32,
}

impl Record {
    /// Parses user input: `kind` is case-insensitive, `ttl` defaults to [`DEFAULT_TTL`].
    /// Values are not trimmed (spaces are meaningful in TXT).
    ///
    /// ```
    /// use vns::record::Record;
    /// let r = Record::parse("SYNC", "WSS://Node.Example.com:443/vns", Some(300)).unwrap();
    /// assert_eq!(r.to_string(), "wss://node.example.com/vns");
    /// assert_eq!(Record::parse("A", "1.2.3.4", Some(0)).unwrap_err().code(), "record.ttl_out_of_range");
    /// ```
    pub fn parse(kind: &str, value: &str, ttl: Option<u32>) -> Result<Record, RecordError> {
        let ttl = ttl.unwrap_or(DEFAULT_TTL);
        check_ttl(ttl)?;
        Ok(Record { data: RecordData::parse(kind, value)?, ttl })
    }

    /// The type name (see [`RecordData::kind`]).
    ///
    /// ```
    /// # use vns::record::Record;
    /// assert_eq!(Record::parse("aaaa", "::1", None).unwrap().kind(), "AAAA");
    /// ```
    pub fn kind(&self) -> &'static str {
        self.data.kind()
    }

    /// Checks a record built directly (its fields are public): TTL bounds and canonical data.
    ///
    /// ```
    /// use vns::record::{Record, RecordData};
    /// let r = Record { data: RecordData::Txt("hi".into()), ttl: 0 };
    /// assert_eq!(r.validate().unwrap_err().code(), "record.ttl_out_of_range");
    /// ```
    pub fn validate(&self) -> Result<(), RecordError> {
        check_ttl(self.ttl)?;
        self.data.validate()
    }
}

impl fmt::Display for Record {
    /// The canonical value string.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.data.fmt(f)
    }
}

fn check_ttl(ttl: u32) -> Result<(), RecordError> {
    if (MIN_TTL..=MAX_TTL).contains(&ttl) {
        Ok(())
    } else {
        Err(RecordError::TtlOutOfRange { ttl })
    }
}

/// Checks a whole record set: count, each record's TTL and canonical data, no duplicate
/// type+value (whatever the TTL), and encoded size. Record order is the owner's choice and is
/// kept (it is signed as given).
///
/// ```
/// use vns::record::{validate_records, Record};
/// let a = Record::parse("A", "192.0.2.1", None).unwrap();
/// assert!(validate_records(&[a.clone()]).is_ok());
/// assert_eq!(validate_records(&[a.clone(), a]).unwrap_err().code(), "record.duplicate");
/// ```
pub fn validate_records(records: &[Record]) -> Result<(), RecordError> {
    if records.len() > MAX_RECORDS {
        return Err(RecordError::TooMany { count: records.len(), max: MAX_RECORDS });
    }
    for (i, record) in records.iter().enumerate() {
        record.validate()?;
        if records[..i].iter().any(|earlier| earlier.data == record.data) {
            return Err(RecordError::Duplicate {
                kind: record.kind(),
                value: clip(&record.data.to_string()),
            });
        }
    }
    let bytes = crate::block::to_cbor(records).map_err(|e| RecordError::Encode(e.to_string()))?;
    if bytes.len() > MAX_RECORDS_BYTES {
        return Err(RecordError::TooLarge { bytes: bytes.len(), max: MAX_RECORDS_BYTES });
    }
    Ok(())
}

/// BLAKE3 of the canonical DAG-CBOR encoding of `records` (what an owner signs over).
///
/// ```
/// use vns::record::{records_hash, Record};
/// let r = Record::parse("TXT", "hi", None).unwrap();
/// assert_ne!(records_hash(&[r]), records_hash(&[]));
/// ```
pub fn records_hash(records: &[Record]) -> [u8; 32] {
    // Encoding strings and integers into a Vec cannot fail; a failure would be a bug in the
    // encoder, not bad input.
    let bytes = crate::block::to_cbor(records).expect("records always encode");
    crate::block::hash(&bytes)
}

#[cfg(test)]
mod tests;
