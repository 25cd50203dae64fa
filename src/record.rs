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

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use cid::multibase::{self, Base};
use cid::Cid;
use multihash::Multihash;

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

/// Why a record or record set was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// The type is not one of [`KINDS`].
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
    /// TXT value longer than [`MAX_TXT_BYTES`].
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
    /// FS or SYNC value longer than [`MAX_VALUE_BYTES`].
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
    /// More than [`MAX_RECORDS`] records.
    #[error("{count} records, at most {max} are allowed")]
    TooMany {
        /// Number of records.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// Encoded record set larger than [`MAX_RECORDS_BYTES`].
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
fn clip(s: &str) -> String {
    s.chars().take(64).collect()
}

/// The data of one record. Boxed payloads keep the enum at 24 bytes.
///
/// ```
/// use vns::record::RecordData;
/// let data = RecordData::parse("aaaa", "2001:DB8:0:0::1").unwrap();
/// assert_eq!(data.kind(), "AAAA");
/// assert_eq!(data.to_string(), "2001:db8::1");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RecordData {
    /// An IPv4 address.
    A(Ipv4Addr),
    /// An IPv6 address.
    Aaaa(Ipv6Addr),
    /// Free text: at most 255 bytes, no control or bidi-override characters.
    Txt(Box<str>),
    /// Content to serve for the name, as a CIDv1.
    Fs(Box<Cid>),
    /// A peer endpoint: a `ws://`/`wss://` URL or a multiaddr, in canonical form.
    Sync(Box<str>),
}

impl RecordData {
    /// Parses a value of type `kind` (case-insensitive) into canonical data.
    ///
    /// ```
    /// use vns::record::RecordData;
    /// assert_eq!(RecordData::parse("a", "10.0.0.1").unwrap().kind(), "A");
    /// assert_eq!(RecordData::parse("a", "10.0.0").unwrap_err().code(), "record.bad_ipv4");
    /// ```
    pub fn parse(kind: &str, value: &str) -> Result<RecordData, RecordError> {
        let kind = KINDS
            .into_iter()
            .find(|k| k.eq_ignore_ascii_case(kind))
            .ok_or_else(|| RecordError::UnknownType { kind: clip(kind) })?;
        if value.is_empty() {
            return Err(RecordError::EmptyValue { kind });
        }
        match kind {
            "A" => value
                .parse()
                .map(RecordData::A)
                .map_err(|_| RecordError::BadIpv4 { value: clip(value) }),
            "AAAA" => value
                .parse()
                .map(RecordData::Aaaa)
                .map_err(|_| RecordError::BadIpv6 { value: clip(value) }),
            "TXT" => {
                check_txt(value)?;
                Ok(RecordData::Txt(value.into()))
            }
            "FS" => parse_fs(value).map(|cid| RecordData::Fs(Box::new(cid))),
            _ => parse_sync(value).map(|s| RecordData::Sync(s.into_boxed_str())),
        }
    }

    /// The type name: `A`, `AAAA`, `TXT`, `FS` or `SYNC`.
    ///
    /// ```
    /// # use vns::record::RecordData;
    /// assert_eq!(RecordData::Txt("hi".into()).kind(), "TXT");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            RecordData::A(_) => "A",
            RecordData::Aaaa(_) => "AAAA",
            RecordData::Txt(_) => "TXT",
            RecordData::Fs(_) => "FS",
            RecordData::Sync(_) => "SYNC",
        }
    }

    /// Checks data built directly (the variants are public) against the rules
    /// [`RecordData::parse`] enforces, including canonical form.
    ///
    /// ```
    /// # use vns::record::RecordData;
    /// assert!(RecordData::Txt("ok".into()).validate().is_ok());
    /// assert!(RecordData::Txt("bad\n".into()).validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<(), RecordError> {
        let value = self.to_string();
        let parsed = RecordData::parse(self.kind(), &value)?;
        if &parsed != self {
            return Err(RecordError::NotCanonical {
                kind: self.kind().to_owned(),
                value: clip(&value),
                canonical: parsed.to_string(),
            });
        }
        Ok(())
    }
}

impl fmt::Display for RecordData {
    /// The canonical value string.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordData::A(ip) => ip.fmt(f),
            RecordData::Aaaa(ip) => ip.fmt(f),
            RecordData::Txt(text) => f.write_str(text),
            RecordData::Fs(cid) => cid.fmt(f),
            RecordData::Sync(endpoint) => f.write_str(endpoint),
        }
    }
}

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

/// Bidi embedding/override/isolate controls: they make displayed text read differently from its
/// bytes ("Trojan Source"), which is spoofing in a record people read.
fn is_bidi_control(ch: char) -> bool {
    matches!(ch, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// TXT rules: ≤ 255 bytes, no control characters at all (tab and newline included: a record is
/// one line of text shown in UIs and logs, and control bytes there enable injection), no bidi
/// overrides.
fn check_txt(value: &str) -> Result<(), RecordError> {
    if value.len() > MAX_TXT_BYTES {
        return Err(RecordError::TxtTooLong { len: value.len(), max: MAX_TXT_BYTES });
    }
    if let Some((position, ch)) =
        value.chars().enumerate().find(|(_, c)| c.is_control() || is_bidi_control(*c))
    {
        return Err(RecordError::TxtControlChar { code: u32::from(ch), position });
    }
    Ok(())
}

/// Parses a CID string exactly: unlike `Cid::try_from(&str)` it refuses trailing bytes after
/// the CID and text before `/ipfs/`, so nothing in the input is silently dropped.
pub(crate) fn parse_cid_exact(value: &str) -> Result<Cid, String> {
    let bytes = if cid::Version::is_v0_str(value) {
        Base::Base58Btc.decode(value).map_err(|e| e.to_string())?
    } else {
        multibase::decode(value).map_err(|e| e.to_string())?.1
    };
    let mut rest = bytes.as_slice();
    let cid = Cid::read_bytes(&mut rest).map_err(|e| e.to_string())?;
    if !rest.is_empty() {
        return Err(format!("{} trailing bytes after the CID", rest.len()));
    }
    Ok(cid)
}

/// FS values are stored as CIDv1: CIDv0 names the same content (dag-pb, SHA-256), and upgrading
/// gives every content one spelling, printed in base32 (case-insensitive, subdomain-gateway safe).
fn parse_fs(value: &str) -> Result<Cid, RecordError> {
    if value.len() > MAX_VALUE_BYTES {
        return Err(RecordError::ValueTooLong {
            kind: "FS",
            len: value.len(),
            max: MAX_VALUE_BYTES,
        });
    }
    let bad = |reason: String| RecordError::BadCid { value: clip(value), reason };
    parse_cid_exact(value).and_then(|cid| cid.into_v1().map_err(|e| e.to_string())).map_err(bad)
}

/// Parses a SYNC endpoint into its canonical string.
fn parse_sync(value: &str) -> Result<String, RecordError> {
    if value.len() > MAX_VALUE_BYTES {
        return Err(RecordError::ValueTooLong {
            kind: "SYNC",
            len: value.len(),
            max: MAX_VALUE_BYTES,
        });
    }
    let bad = |reason: String| RecordError::BadSync { value: clip(value), reason };
    // Printable ASCII only: URLs and multiaddrs percent-encode everything else, and whitespace
    // or control bytes in an endpoint are always a mistake or an attack.
    if let Some(ch) = value.chars().find(|c| !matches!(c, '!'..='~')) {
        return Err(bad(format!("character {ch:?} is not allowed")));
    }
    if value.starts_with('/') {
        canonical_multiaddr(value).map_err(bad)
    } else {
        canonical_ws_url(value).map_err(bad)
    }
}

/// Checks a DNS host name (ASCII, labels of `a-z 0-9 -`) and returns it lower-cased.
fn canonical_hostname(host: &str) -> Result<String, String> {
    let host = host.to_ascii_lowercase();
    if host.is_empty() || host.len() > 253 {
        return Err("host name must be 1 to 253 characters".into());
    }
    for label in host.split('.') {
        let ok_chars = label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if label.is_empty() || label.len() > 63 || !ok_chars {
            return Err(format!("host label {label:?} is not a DNS label"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!("host label {label:?} starts or ends with '-'"));
        }
    }
    // A numeric last label means an IPv4 literal; accept only the strict dotted form so that
    // spellings like `127.1` or `0x7f.0.0.1` cannot stand for the same address.
    if host.rsplit('.').next().is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit())) {
        return host
            .parse::<Ipv4Addr>()
            .map(|ip| ip.to_string())
            .map_err(|_| format!("{host:?} is not a valid IPv4 address"));
    }
    Ok(host)
}

fn parse_port(port: &str) -> Result<u16, String> {
    // Digits only: `u16::from_str` would also take a leading `+`.
    if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("port {port:?} is not a number"));
    }
    match port.parse::<u16>() {
        Ok(p) if p != 0 => Ok(p),
        _ => Err(format!("port {port:?} is not in 1..=65535")),
    }
}

/// `ws://` or `wss://` URL: lower-case scheme and host, no credentials, no fragment (RFC 6455
/// forbids them), default port dropped.
fn canonical_ws_url(value: &str) -> Result<String, String> {
    let (scheme, rest) = value.split_once("://").ok_or("missing scheme")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "ws" => 80,
        "wss" => 443,
        _ => return Err(format!("scheme {scheme:?} is not ws or wss")),
    };
    if rest.contains('#') {
        return Err("WebSocket URLs cannot have a fragment".into());
    }
    let split = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(split);
    if authority.contains('@') {
        // Credentials in a public record leak, and `good.com@evil.com` misleads readers.
        return Err("credentials (user@) are not allowed".into());
    }
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let (ip, after) = bracketed.split_once(']').ok_or("unclosed '[' in host")?;
        let ip: Ipv6Addr = ip.parse().map_err(|_| format!("{ip:?} is not an IPv6 address"))?;
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':').ok_or("garbage after ']'")?),
        };
        (format!("[{ip}]"), port)
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (canonical_hostname(host)?, Some(port)),
            None => (canonical_hostname(authority)?, None),
        }
    };
    let port = match port.map(parse_port).transpose()? {
        Some(p) if p != default_port => format!(":{p}"),
        _ => String::new(),
    };
    Ok(format!("{scheme}://{host}{port}{path}"))
}

/// Multiaddr protocols accepted in SYNC records and whether they take a value.
const MULTIADDR_PROTOCOLS: [(&str, bool); 14] = [
    ("ip4", true),
    ("ip6", true),
    ("dns", true),
    ("dns4", true),
    ("dns6", true),
    ("tcp", true),
    ("udp", true),
    ("ws", false),
    ("wss", false),
    ("tls", false),
    ("quic-v1", false),
    ("webrtc-direct", false),
    ("certhash", true),
    ("p2p", true),
];

/// A multiaddr from the known protocol set: it must start with an address (ip4/ip6/dns*), may
/// end with `/p2p/<peer id>`, uses each protocol once, and values are checked and re-printed.
fn canonical_multiaddr(value: &str) -> Result<String, String> {
    let mut parts = value.split('/').skip(1);
    let mut out: Vec<String> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    while let Some(protocol) = parts.next() {
        if protocol.is_empty() {
            return Err("empty component (stray '/')".into());
        }
        let takes_value = MULTIADDR_PROTOCOLS
            .iter()
            .find(|(p, _)| *p == protocol)
            .map(|(_, v)| *v)
            .ok_or_else(|| format!("unsupported protocol {:?}", clip(protocol)))?;
        if seen.contains(&protocol) {
            return Err(format!("protocol {protocol:?} appears twice"));
        }
        if seen.contains(&"p2p") {
            return Err("/p2p/<peer id> must come last".into());
        }
        if seen.is_empty() && !matches!(protocol, "ip4" | "ip6" | "dns" | "dns4" | "dns6") {
            return Err("must start with /ip4, /ip6, /dns, /dns4 or /dns6".into());
        }
        seen.push(protocol);
        out.push(protocol.to_owned());
        if !takes_value {
            continue;
        }
        let v =
            parts.next().filter(|v| !v.is_empty()).ok_or(format!("{protocol} needs a value"))?;
        out.push(canonical_multiaddr_value(protocol, v)?);
    }
    Ok(out.iter().fold(String::new(), |acc, part| acc + "/" + part))
}

fn canonical_multiaddr_value(protocol: &str, v: &str) -> Result<String, String> {
    match protocol {
        "ip4" => v
            .parse::<Ipv4Addr>()
            .map(|ip| ip.to_string())
            .map_err(|_| format!("{v:?} is not an IPv4 address")),
        "ip6" => v
            .parse::<Ipv6Addr>()
            .map(|ip| ip.to_string())
            .map_err(|_| format!("{v:?} is not an IPv6 address")),
        "tcp" | "udp" => parse_port(v).map(|p| p.to_string()),
        "certhash" => {
            // libp2p writes certificate hashes as base64url multibase; requiring exactly that
            // spelling keeps one encoding per address.
            let (_, bytes) = multibase::decode(v).map_err(|e| format!("certhash: {e}"))?;
            Multihash::<64>::from_bytes(&bytes).map_err(|e| format!("certhash: {e}"))?;
            let canonical = multibase::encode(Base::Base64Url, &bytes);
            if canonical != v {
                return Err(format!("certhash must be base64url multibase ({canonical})"));
            }
            Ok(canonical)
        }
        "p2p" => {
            // Any libp2p peer (not only Ed25519) may serve sync, so accept any peer-id
            // multihash: identity-inlined keys or SHA-256 of larger keys.
            let bytes = bs58::decode(v).into_vec().map_err(|_| format!("{v:?} is not base58"))?;
            let mh = Multihash::<64>::from_bytes(&bytes).map_err(|e| format!("p2p: {e}"))?;
            match (mh.code(), mh.size()) {
                (0x00, 1..=42) | (0x12, 32) => Ok(bs58::encode(&bytes).into_string()),
                _ => Err(format!("{v:?} is not a peer id")),
            }
        }
        // dns, dns4, dns6
        _ => canonical_hostname(v),
    }
}

/// The canonical map form, used for both directions.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WireRecord {
    #[serde(rename = "type", deserialize_with = "crate::block::text")]
    kind: String,
    #[serde(deserialize_with = "crate::block::text")]
    value: String,
    ttl: u32,
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
mod tests {
    use super::*;
    use crate::block::{from_cbor, hash, to_cbor};

    const V0: &str = "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG";
    /// `V0` as CIDv1 (dag-pb), base32: computed independently of the cid crate.
    const V1: &str = "bafybeie5nqv6kd3qnfjupgvz34woh3oksc3iau6abmyajn7qvtf6d2ho34";
    const V1_BASE58: &str = "zdj7Wg2Qkk4mYgAkVU1kppfQ2sMGz5zPwERVpeWmxCQLDxVoC";
    const V1_UPPER: &str = "BAFYBEIE5NQV6KD3QNFJUPGVZ34WOH3OKSC3IAU6ABMYAJN7QVTF6D2HO34";
    /// `V1` with one extra zero byte after the CID.
    const V1_TRAILING: &str = "bafybeie5nqv6kd3qnfjupgvz34woh3oksc3iau6abmyajn7qvtf6d2ho34aa";
    const PEER: &str = "12D3KooWRawPbxPtP1eZaJpumGnyWX2DcUyd3RQnydr3eAto4Az7";

    fn ok(kind: &str, value: &str) -> String {
        Record::parse(kind, value, None)
            .unwrap_or_else(|e| panic!("{kind} {value:?}: {e}"))
            .to_string()
    }

    fn code(kind: &str, value: &str) -> &'static str {
        Record::parse(kind, value, None).expect_err(value).code()
    }

    /// Encodes a record map with arbitrary field contents, as a peer could send it.
    fn wire(kind: &str, value: &str, ttl: u32) -> Vec<u8> {
        to_cbor(&WireRecord { kind: kind.into(), value: value.into(), ttl }).unwrap()
    }

    #[test]
    fn record_stays_small() {
        assert!(std::mem::size_of::<Record>() <= 32, "{}", std::mem::size_of::<Record>());
        assert!(std::mem::size_of::<RecordData>() <= 24);
    }

    #[test]
    fn kinds_are_case_insensitive() {
        for kind in ["a", "A"] {
            assert_eq!(Record::parse(kind, "192.0.2.1", None).unwrap().kind(), "A");
        }
        assert_eq!(Record::parse("Aaaa", "::1", None).unwrap().kind(), "AAAA");
        assert_eq!(Record::parse("txt", "x", None).unwrap().kind(), "TXT");
        assert_eq!(Record::parse("fs", V1, None).unwrap().kind(), "FS");
        assert_eq!(Record::parse("sync", "wss://a.example", None).unwrap().kind(), "SYNC");
        for kind in ["MX", "", "CNAME", "A ", "AAAAA"] {
            assert_eq!(code(kind, "x"), "record.unknown_type", "{kind:?}");
        }
    }

    #[test]
    fn empty_values() {
        for kind in KINDS {
            assert_eq!(code(kind, ""), "record.empty_value", "{kind}");
        }
    }

    #[test]
    fn ipv4() {
        assert_eq!(ok("A", "192.0.2.1"), "192.0.2.1");
        assert_eq!(ok("A", "0.0.0.0"), "0.0.0.0");
        for bad in ["1.2.3", "256.1.1.1", "01.2.3.4", " 1.2.3.4", "1.2.3.4 ", "0x7f.0.0.1", "::1"] {
            assert_eq!(code("A", bad), "record.bad_ipv4", "{bad:?}");
        }
    }

    #[test]
    fn ipv6_is_canonicalised() {
        assert_eq!(ok("AAAA", "2001:DB8:0:0:0:0:0:1"), "2001:db8::1");
        assert_eq!(ok("AAAA", "::ffff:192.0.2.1"), "::ffff:192.0.2.1");
        for bad in ["2001:db8::1::2", "1.2.3.4", "[::1]", "2001:db8::g"] {
            assert_eq!(code("AAAA", bad), "record.bad_ipv6", "{bad:?}");
        }
    }

    #[test]
    fn txt_rules() {
        assert_eq!(ok("TXT", "hello world"), "hello world");
        assert_eq!(ok("TXT", "  spaces kept  "), "  spaces kept  ");
        assert_eq!(ok("TXT", "ünïcödé ✓"), "ünïcödé ✓");
        let max = "x".repeat(MAX_TXT_BYTES);
        assert_eq!(ok("TXT", &max), max);
        assert_eq!(code("TXT", &"x".repeat(MAX_TXT_BYTES + 1)), "record.txt_too_long");
        // The limit is in bytes: 128 two-byte characters are 256 bytes.
        assert_eq!(code("TXT", &"é".repeat(128)), "record.txt_too_long");
        for bad in ["a\nb", "a\tb", "a\rb", "\0", "a\u{7f}", "a\u{85}", "a\u{202E}b", "\u{2066}"] {
            assert_eq!(code("TXT", bad), "record.txt_control_char", "{bad:?}");
        }
        let err = Record::parse("TXT", "ab\ncd", None).unwrap_err();
        assert_eq!(err, RecordError::TxtControlChar { code: 0x0a, position: 2 });
    }

    #[test]
    fn fs_cids_are_canonicalised() {
        assert_eq!(ok("FS", V0), V1);
        assert_eq!(ok("FS", V1), V1);
        assert_eq!(ok("FS", V1_BASE58), V1);
        assert_eq!(ok("FS", V1_UPPER), V1);
        // The block CIDs VNS itself makes are valid FS values too.
        let block = crate::block::cid_of(b"x").to_string();
        assert_eq!(ok("FS", &block), block);
    }

    #[test]
    fn fs_rejections() {
        for bad in [
            "Qm",
            "hello",
            "bafy",
            V1_TRAILING,
            "/ipfs/QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG",
        ] {
            assert_eq!(code("FS", bad), "record.bad_cid", "{bad:?}");
        }
        let prefixed = format!("x/ipfs/{V1}");
        assert_eq!(code("FS", &prefixed), "record.bad_cid");
        assert_eq!(code("FS", &format!("b{}", "a".repeat(300))), "record.value_too_long");
    }

    #[test]
    fn sync_urls() {
        assert_eq!(ok("SYNC", "wss://node.example.com/vns"), "wss://node.example.com/vns");
        assert_eq!(ok("SYNC", "WSS://Node.Example.COM/Path"), "wss://node.example.com/Path");
        assert_eq!(ok("SYNC", "ws://127.0.0.1:8080"), "ws://127.0.0.1:8080");
        assert_eq!(ok("SYNC", "ws://host.example:80/x"), "ws://host.example/x");
        assert_eq!(ok("SYNC", "wss://host.example:0443"), "wss://host.example");
        assert_eq!(ok("SYNC", "wss://[2001:DB8::1]:9000/s?x=1"), "wss://[2001:db8::1]:9000/s?x=1");
        assert_eq!(ok("SYNC", "wss://localhost?token=a"), "wss://localhost?token=a");
        let bad = [
            "http://node.example.com",
            "node.example.com",
            "wss://",
            "wss:///path",
            "wss://user@node.example.com",
            "wss://good.example@evil.example",
            "wss://node.example.com/#frag",
            "wss://node example.com",
            "wss://node.example.com/a b",
            "wss://nöde.example",
            "wss://node.example.com:",
            "wss://node.example.com:0",
            "wss://node.example.com:65536",
            "wss://node.example.com:+80",
            "wss://-node.example",
            "wss://node..example",
            "wss://node.example.",
            "wss://127.1",
            "wss://[::1",
            "wss://[::1]x",
            "wss://[zz]",
            "wss://a_b.example",
        ];
        for bad in bad {
            assert_eq!(code("SYNC", bad), "record.bad_sync", "{bad:?}");
        }
        let long = format!("wss://{}.example", "a".repeat(MAX_VALUE_BYTES));
        assert_eq!(code("SYNC", &long), "record.value_too_long");
    }

    #[test]
    fn sync_multiaddrs() {
        let good = [
            "/ip4/1.2.3.4/tcp/4001/ws",
            "/ip6/::1/tcp/443/wss",
            "/dns4/node.example.com/tcp/443/wss",
            "/dns/node.example.com/tcp/443/tls/ws",
            "/dns6/node.example.com/udp/4001/quic-v1",
            "/ip4/1.2.3.4/udp/9090/webrtc-direct/certhash/uEiAtcRZCtyawRAFifKn7rDL1yFMPsZA8xNsCJYcXkhpIgQ",
        ];
        for addr in good {
            assert_eq!(ok("SYNC", addr), addr);
        }
        let with_peer = format!("/dns4/node.example.com/tcp/443/wss/p2p/{PEER}");
        assert_eq!(ok("SYNC", &with_peer), with_peer);
        let rsa_peer = "/ip4/1.2.3.4/tcp/1/p2p/QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N";
        assert_eq!(ok("SYNC", rsa_peer), rsa_peer);
        // Values are re-printed canonically.
        assert_eq!(ok("SYNC", "/ip6/2001:DB8:0::1/tcp/0443/wss"), "/ip6/2001:db8::1/tcp/443/wss");
        assert_eq!(ok("SYNC", "/dns4/Node.Example/tcp/1"), "/dns4/node.example/tcp/1");
        let bad = [
            "/",
            "//ip4/1.2.3.4",
            "/ip4/1.2.3.4/",
            "/ip4/1.2.3.4//tcp/1",
            "/ip4",
            "/ip4/1.2.3",
            "/ip6/1.2.3.4",
            "/tcp/4001",
            "/p2p/12D3KooWRawPbxPtP1eZaJpumGnyWX2DcUyd3RQnydr3eAto4Az7",
            "/ip4/1.2.3.4/tcp/99999",
            "/ip4/1.2.3.4/tcp/0",
            "/ip4/1.2.3.4/tcp/x",
            "/ip4/1.2.3.4/http",
            "/ip4/1.2.3.4/tcp/1/tcp/2",
            "/ip4/1.2.3.4/p2p/QmNotAPeerId/tcp/1",
            "/ip4/1.2.3.4/tcp/1/p2p/0OIl",
            "/ip4/1.2.3.4/tcp/1/p2p/12D3",
            "/dns4/bad_host/tcp/1",
            "/ip4/1.2.3.4/udp/1/webrtc-direct/certhash/zQmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG",
            "/ip4/1.2.3.4/udp/1/webrtc-direct/certhash/uAAAA",
            "/ip4/1.2.3.4/tcp/1 /ws",
        ];
        for bad in bad {
            assert_eq!(code("SYNC", bad), "record.bad_sync", "{bad:?}");
        }
    }

    #[test]
    fn ttl_bounds() {
        assert_eq!(Record::parse("A", "1.2.3.4", None).unwrap().ttl, DEFAULT_TTL);
        assert_eq!(Record::parse("A", "1.2.3.4", Some(MIN_TTL)).unwrap().ttl, MIN_TTL);
        assert_eq!(Record::parse("A", "1.2.3.4", Some(MAX_TTL)).unwrap().ttl, MAX_TTL);
        for ttl in [0, MAX_TTL + 1, u32::MAX] {
            let err = Record::parse("A", "1.2.3.4", Some(ttl)).unwrap_err();
            assert_eq!(err, RecordError::TtlOutOfRange { ttl });
        }
    }

    fn one_of_each() -> Vec<Record> {
        vec![
            Record::parse("A", "192.0.2.1", None).unwrap(),
            Record::parse("AAAA", "2001:db8::1", Some(60)).unwrap(),
            Record::parse("TXT", "hello ✓", Some(1)).unwrap(),
            Record::parse("FS", V0, Some(MAX_TTL)).unwrap(),
            Record::parse("SYNC", "wss://node.example.com/vns", None).unwrap(),
            Record::parse("SYNC", "/ip4/1.2.3.4/tcp/4001/ws", None).unwrap(),
        ]
    }

    #[test]
    fn cbor_round_trip() {
        let records = one_of_each();
        validate_records(&records).unwrap();
        let bytes = to_cbor(&records).unwrap();
        let back: Vec<Record> = from_cbor(&bytes).unwrap();
        assert_eq!(back, records);
        assert_eq!(to_cbor(&back).unwrap(), bytes);
        // The map is DAG-CBOR canonical: keys ordered by length, so "ttl", "type", "value".
        let one = to_cbor(&records[0]).unwrap();
        assert_eq!(one, wire("A", "192.0.2.1", DEFAULT_TTL));
        let ttl_at = one.windows(3).position(|w| w == b"ttl").unwrap();
        let type_at = one.windows(4).position(|w| w == b"type").unwrap();
        assert!(ttl_at < type_at);
    }

    #[test]
    fn non_canonical_encodings_are_rejected_on_decode() {
        let cases = [
            ("a", "192.0.2.1", DEFAULT_TTL),
            ("AAAA", "2001:DB8::1", DEFAULT_TTL),
            ("AAAA", "2001:db8:0:0:0:0:0:1", DEFAULT_TTL),
            ("FS", V0, DEFAULT_TTL),
            ("FS", V1_BASE58, DEFAULT_TTL),
            ("SYNC", "WSS://node.example.com", DEFAULT_TTL),
            ("SYNC", "wss://node.example.com:443", DEFAULT_TTL),
            ("SYNC", "/ip4/1.2.3.4/tcp/0080", DEFAULT_TTL),
        ];
        for (kind, value, ttl) in cases {
            let err = from_cbor::<Record>(&wire(kind, value, ttl)).unwrap_err();
            assert!(err.to_string().contains("not canonical"), "{kind} {value}: {err}");
        }
        // Invalid content is refused with the parse error.
        for (kind, value, ttl) in [("A", "1.2.3", 60), ("MX", "x", 60), ("A", "1.2.3.4", 0)] {
            assert!(from_cbor::<Record>(&wire(kind, value, ttl)).is_err(), "{kind} {value}");
        }
        // Unknown, missing and mistyped fields.
        #[derive(serde::Serialize)]
        struct Extra<'a> {
            #[serde(rename = "type")]
            kind: &'a str,
            value: &'a str,
            ttl: u32,
            extra: u8,
        }
        let extra = to_cbor(&Extra { kind: "A", value: "1.2.3.4", ttl: 60, extra: 1 }).unwrap();
        assert!(from_cbor::<Record>(&extra).is_err());
        #[derive(serde::Serialize)]
        struct Missing<'a> {
            #[serde(rename = "type")]
            kind: &'a str,
            value: &'a str,
        }
        let missing = to_cbor(&Missing { kind: "A", value: "1.2.3.4" }).unwrap();
        assert!(from_cbor::<Record>(&missing).is_err());
        assert!(from_cbor::<Record>(&to_cbor(&("A", "1.2.3.4", 60)).unwrap()).is_err());
    }

    #[test]
    fn record_count_limit() {
        let records: Vec<Record> = (0..=MAX_RECORDS as u8)
            .map(|i| Record::parse("A", &format!("10.0.0.{i}"), None).unwrap())
            .collect();
        validate_records(&records[..MAX_RECORDS]).unwrap();
        let err = validate_records(&records).unwrap_err();
        assert_eq!(err, RecordError::TooMany { count: 21, max: MAX_RECORDS });
        validate_records(&[]).unwrap();
    }

    #[test]
    fn record_set_size_limit() {
        let full = |i: usize| {
            let text = format!("{i:03}{}", "x".repeat(MAX_TXT_BYTES - 3));
            Record::parse("TXT", &text, None).unwrap()
        };
        // The documented figure: 20 maximal TXT records encode to about 5.6 KB.
        let twenty: Vec<Record> = (0..MAX_RECORDS).map(full).collect();
        assert_eq!(to_cbor(&twenty).unwrap().len(), 5601);
        let fits: Vec<Record> = (0..14).map(full).collect();
        validate_records(&fits).unwrap();
        let err = validate_records(&twenty[..15]).unwrap_err();
        assert_eq!(err.code(), "record.too_large");
        assert!(err.to_string().contains("4096"), "{err}");
    }

    #[test]
    fn duplicates_rejected() {
        let a = Record::parse("A", "192.0.2.1", Some(60)).unwrap();
        let same_other_ttl = Record::parse("A", "192.0.2.1", Some(120)).unwrap();
        let err = validate_records(&[a.clone(), same_other_ttl]).unwrap_err();
        assert_eq!(err.code(), "record.duplicate");
        // Same value, different type, is not a duplicate.
        let txt = Record::parse("TXT", "192.0.2.1", Some(60)).unwrap();
        validate_records(&[a, txt]).unwrap();
        // V0 and V1 spellings of one CID are the same record.
        let v0 = Record::parse("FS", V0, None).unwrap();
        let v1 = Record::parse("FS", V1, None).unwrap();
        assert_eq!(validate_records(&[v0, v1]).unwrap_err().code(), "record.duplicate");
    }

    #[test]
    fn directly_built_records_are_validated() {
        let v0: Cid = V0.parse().unwrap();
        let cases = [
            (RecordData::Txt("a\nb".into()), "record.txt_control_char"),
            (RecordData::Txt("".into()), "record.empty_value"),
            (RecordData::Fs(Box::new(v0)), "record.not_canonical"),
            (RecordData::Sync("WSS://x.example".into()), "record.not_canonical"),
            (RecordData::Sync("http://x.example".into()), "record.bad_sync"),
        ];
        for (data, expected) in cases {
            let record = Record { data, ttl: DEFAULT_TTL };
            assert_eq!(record.validate().unwrap_err().code(), expected, "{record:?}");
            assert_eq!(validate_records(&[record]).unwrap_err().code(), expected);
        }
        let zero_ttl = Record { data: RecordData::A(Ipv4Addr::LOCALHOST), ttl: 0 };
        assert_eq!(validate_records(&[zero_ttl]).unwrap_err().code(), "record.ttl_out_of_range");
    }

    #[test]
    fn hash_is_of_the_canonical_encoding() {
        let records = one_of_each();
        assert_eq!(records_hash(&records), hash(&to_cbor(&records).unwrap()));
        let mut reversed = records.clone();
        reversed.reverse();
        assert_ne!(records_hash(&records), records_hash(&reversed));
        let mut changed = records.clone();
        changed[0].ttl += 1;
        assert_ne!(records_hash(&records), records_hash(&changed));
    }

    #[test]
    fn errors_have_codes_and_clip_input() {
        let huge_kind = "Z".repeat(10_000);
        let err = Record::parse(&huge_kind, "x", None).unwrap_err();
        assert!(err.to_string().len() < 200, "{err}");
        assert!(err.code().starts_with("record."));
        assert_eq!(RecordError::Encode("x".into()).code(), "record.encode");
    }

    proptest::proptest! {
        /// Parsing never panics, and whatever it accepts validates and survives an encode/decode
        /// round trip unchanged.
        #[test]
        fn parse_is_total_and_round_trips(
            kind in proptest::sample::select(&KINDS[..]),
            value in "(?s)\\PC{0,40}|[0-9a-fA-F.:/]{1,40}|(wss?|WS)://[a-z0-9.:-]{1,30}",
        ) {
            if let Ok(record) = Record::parse(kind, &value, None) {
                proptest::prop_assert!(record.validate().is_ok());
                let bytes = to_cbor(&record).unwrap();
                proptest::prop_assert_eq!(from_cbor::<Record>(&bytes).unwrap(), record);
            }
        }

        /// Arbitrary bytes never make decoding panic.
        #[test]
        fn decode_is_total(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..64)) {
            let _ = from_cbor::<Vec<Record>>(&bytes);
            let _ = from_cbor::<Record>(&bytes);
        }
    }
}
