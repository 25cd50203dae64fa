//! The data of one record: its type and canonical value, parsed from user input.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use cid::Cid;

use super::endpoint::parse_sync;
use super::{clip, RecordError, KINDS, MAX_TXT_BYTES, MAX_VALUE_BYTES};

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

/// Parses a CID string exactly (see [`crate::block::parse_cid_text`]).
pub(crate) fn parse_cid_exact(value: &str) -> Result<Cid, String> {
    crate::block::parse_cid_text(value)
}

/// The length cap of FS and SYNC input ([`MAX_VALUE_BYTES`]), checked before any parsing.
pub(super) fn check_value_len(kind: &'static str, value: &str) -> Result<(), RecordError> {
    if value.len() > MAX_VALUE_BYTES {
        return Err(RecordError::ValueTooLong { kind, len: value.len(), max: MAX_VALUE_BYTES });
    }
    Ok(())
}

/// FS values are stored as CIDv1: CIDv0 names the same content (dag-pb, SHA-256), and upgrading
/// gives every content one spelling, printed in base32 (case-insensitive, subdomain-gateway safe).
fn parse_fs(value: &str) -> Result<Cid, RecordError> {
    check_value_len("FS", value)?;
    let bad = |reason: String| RecordError::BadCid { value: clip(value), reason };
    parse_cid_exact(value).and_then(|cid| cid.into_v1().map_err(|e| e.to_string())).map_err(bad)
}
