//! Why a record or record set was refused, with a stable code per reason.

use super::{MAX_TTL, MIN_TTL};

/// Why a record or record set was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// The type is not one of [`KINDS`](super::KINDS).
    #[error("unknown record type {kind:?} (expected A, AAAA, TXT, FS or SYNC)")]
    UnknownType {
        /// The type received (clipped).
        kind: String,
    },
    /// An empty value.
    #[error("{kind} record has an empty value")]
    EmptyValue {
        /// The record type.
        kind: &'static str,
    },
    /// Not a dotted-quad IPv4 address.
    #[error("A record value {value:?} is not an IPv4 address like 192.0.2.1")]
    BadIpv4 {
        /// The value (clipped).
        value: String,
    },
    /// Not an IPv6 address.
    #[error("AAAA record value {value:?} is not an IPv6 address like 2001:db8::1")]
    BadIpv6 {
        /// The value (clipped).
        value: String,
    },
    /// TXT value longer than [`MAX_TXT_BYTES`](super::MAX_TXT_BYTES).
    #[error("TXT record is {len} bytes, at most {max} are allowed")]
    TxtTooLong {
        /// Length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// TXT value containing a control or bidi-override character.
    #[error("TXT record has control character U+{code:04X} at position {position}")]
    TxtControlChar {
        /// The code point.
        code: u32,
        /// Its position in characters.
        position: usize,
    },
    /// FS or SYNC value longer than [`MAX_VALUE_BYTES`](super::MAX_VALUE_BYTES).
    #[error("{kind} record value is {len} bytes, at most {max} are allowed")]
    ValueTooLong {
        /// The record type.
        kind: &'static str,
        /// Length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// FS value that is not a CID.
    #[error("FS record value {value:?} is not a CID: {reason}")]
    BadCid {
        /// The value (clipped).
        value: String,
        /// What was wrong.
        reason: String,
    },
    /// SYNC value that is neither a ws/wss URL nor a supported multiaddr.
    #[error("SYNC record value {value:?} is not a ws:// or wss:// URL or a multiaddr: {reason}")]
    BadSync {
        /// The value (clipped).
        value: String,
        /// What was wrong.
        reason: String,
    },
    /// TTL outside [`MIN_TTL`]..=[`MAX_TTL`].
    #[error("TTL {ttl} is outside {MIN_TTL}..={MAX_TTL} seconds")]
    TtlOutOfRange {
        /// The TTL.
        ttl: u32,
    },
    /// A stored or received record that is valid but not in canonical form.
    #[error("{kind} record {value:?} is not canonical (expected {canonical:?})")]
    NotCanonical {
        /// The record type (clipped).
        kind: String,
        /// The value received (clipped).
        value: String,
        /// Its canonical form.
        canonical: String,
    },
    /// More than [`MAX_RECORDS`](super::MAX_RECORDS) records.
    #[error("{count} records, at most {max} are allowed")]
    TooMany {
        /// Number of records.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// Encoded record set larger than [`MAX_RECORDS_BYTES`](super::MAX_RECORDS_BYTES).
    #[error("records encode to {bytes} bytes, at most {max} are allowed")]
    TooLarge {
        /// Encoded size.
        bytes: usize,
        /// The limit.
        max: usize,
    },
    /// The same type and value twice.
    #[error("duplicate {kind} record {value:?}")]
    Duplicate {
        /// The record type.
        kind: &'static str,
        /// The value (clipped).
        value: String,
    },
    /// The record set could not be encoded (should not happen).
    #[error("records could not be encoded: {0}")]
    Encode(String),
}

impl RecordError {
    /// Stable machine-readable code, e.g. `record.txt_too_long`.
    ///
    /// ```
    /// use vns::record::Record;
    /// assert_eq!(Record::parse("MX", "x", None).unwrap_err().code(), "record.unknown_type");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            RecordError::UnknownType { .. } => "record.unknown_type",
            RecordError::EmptyValue { .. } => "record.empty_value",
            RecordError::BadIpv4 { .. } => "record.bad_ipv4",
            RecordError::BadIpv6 { .. } => "record.bad_ipv6",
            RecordError::TxtTooLong { .. } => "record.txt_too_long",
            RecordError::TxtControlChar { .. } => "record.txt_control_char",
            RecordError::ValueTooLong { .. } => "record.value_too_long",
            RecordError::BadCid { .. } => "record.bad_cid",
            RecordError::BadSync { .. } => "record.bad_sync",
            RecordError::TtlOutOfRange { .. } => "record.ttl_out_of_range",
            RecordError::NotCanonical { .. } => "record.not_canonical",
            RecordError::TooMany { .. } => "record.too_many",
            RecordError::TooLarge { .. } => "record.too_large",
            RecordError::Duplicate { .. } => "record.duplicate",
            RecordError::Encode(_) => "record.encode",
        }
    }
}

/// At most 64 characters of external input, for error messages.
pub(crate) fn clip(s: &str) -> String {
    s.chars().take(64).collect()
}
