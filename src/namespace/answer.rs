//! A resolve answer as JSON text, the shape the package and the HTTP API give it.
//!
//! The wasm binding hands this text to the engine's `JSON.parse`: one string and one call
//! across the boundary, where building the object key by key took two crossings per key and
//! a UTF-8 decode per value, most of an uncached `resolve`'s time in Node.

use std::fmt::Write;

use cid::Cid;

use super::Resolved;
use crate::block::push_cid_text;
use crate::record::RecordData;

impl Resolved<'_> {
    /// `{"name","records":[{"type","value","ttl"}],"owner","expires","seq","entry"}`, keys
    /// in that order; `entry` is the CID text of the answering entry's block, or `null`.
    ///
    /// ```
    /// use vns::{build, identity::Keypair, name::Name, namespace::Namespace, record::Record};
    /// let params = vns::params::NetworkParams::testing();
    /// let (key, name) = (Keypair::from_secret(&[4; 32]), Name::parse("alice").unwrap());
    /// let records = vec![Record::parse("TXT", "say \"hi\"", Some(60)).unwrap()];
    /// let mut ns = Namespace::new(params.clone());
    /// ns.register(build::register(&params, &key, &name, records, 1_000).unwrap(), 1_000).unwrap();
    /// let json = ns.resolve(&name, 1_000).unwrap().to_json(None);
    /// assert!(json.starts_with(r#"{"name":"alice.vfs","records":[{"type":"TXT","value":"say \"hi\"","ttl":60}]"#));
    /// assert!(json.ends_with(r#","seq":0,"entry":null}"#));
    /// ```
    pub fn to_json(&self, entry: Option<&Cid>) -> String {
        let mut out = String::with_capacity(160 + 64 * self.records.len());
        out.push_str("{\"name\":");
        push_json_string(self.name.as_str(), &mut out);
        out.push_str(",\"records\":[");
        for (i, record) in self.records.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str("{\"type\":\"");
            // Record types are upper-case ASCII letters.
            out.push_str(record.kind());
            out.push_str("\",\"value\":");
            push_record_value(&record.data, &mut out);
            // Writing to a String cannot fail.
            let _ = write!(out, ",\"ttl\":{}}}", record.ttl);
        }
        out.push_str("],\"owner\":\"");
        // A peer id is base58 text: nothing to escape.
        self.owner.push_peer_id(&mut out);
        let _ = write!(out, "\",\"expires\":{},\"seq\":{},\"entry\":", self.expires, self.seq);
        match entry {
            Some(cid) => {
                out.push('"');
                push_cid_text(cid, &mut out);
                out.push('"');
            }
            None => out.push_str("null"),
        }
        out.push('}');
        out
    }
}

/// A record's canonical value as a JSON string.
fn push_record_value(data: &RecordData, out: &mut String) {
    match data {
        RecordData::Txt(text) | RecordData::Sync(text) => push_json_string(text, out),
        RecordData::Fs(cid) => {
            out.push('"');
            push_cid_text(cid, out);
            out.push('"');
        }
        // Addresses print as ASCII digits, dots, colons and hex letters.
        RecordData::A(_) | RecordData::Aaaa(_) => {
            let _ = write!(out, "\"{data}\"");
        }
    }
}

/// `text` as a JSON string (RFC 8259): quotes, backslashes and control characters escaped,
/// everything else as is.
fn push_json_string(text: &str, out: &mut String) {
    out.push('"');
    let mut rest = text;
    while let Some(at) = rest.find(|c: char| c == '"' || c == '\\' || c < ' ') {
        out.push_str(&rest[..at]);
        let ch = rest[at..].chars().next().unwrap_or_default();
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            _ => {
                let _ = write!(out, "\\u{:04x}", u32::from(ch));
            }
        }
        rest = &rest[at + ch.len_utf8()..];
    }
    out.push_str(rest);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::cid_of;
    use crate::identity::Keypair;
    use crate::name::Name;
    use crate::record::Record;

    fn json_string(text: &str) -> String {
        let mut out = String::new();
        push_json_string(text, &mut out);
        out
    }

    #[test]
    fn strings_escape_what_json_requires_and_nothing_else() {
        for text in
            ["", "plain", "say \"hi\"", "back\\slash", "ünïcödé ✓ 🦀", "\u{2028}", "a\u{1}\n\t"]
        {
            let parsed: String = serde_json::from_str(&json_string(text)).unwrap();
            assert_eq!(parsed, text);
        }
        assert_eq!(json_string("a\"b\\c\u{1f}d"), r#""a\"b\\c\u001fd""#);
        assert_eq!(json_string("🦀"), "\"🦀\"");
    }

    /// Every record type, with values that need escaping, against the same answer built
    /// field by field as a JSON value (so key order is compared too).
    #[test]
    fn the_answer_reads_as_its_fields() {
        let owner = Keypair::from_secret(&[9; 32]).public();
        let name = Name::parse("münchen").unwrap();
        let records = vec![
            Record::parse("A", "192.0.2.1", None).unwrap(),
            Record::parse("AAAA", "2001:DB8::1", Some(60)).unwrap(),
            Record::parse("TXT", "quote \" backslash \\ ünïcödé 🦀", Some(1)).unwrap(),
            Record::parse("FS", "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N", None).unwrap(),
            Record::parse("SYNC", "wss://node.example.com/vns", None).unwrap(),
        ];
        let resolved = Resolved {
            name: &name,
            records: &records,
            owner,
            expires: 9_007_199_254_740_991,
            seq: 42,
        };
        let entry = cid_of(b"entry");
        for entry in [Some(&entry), None] {
            let records: Vec<_> = records
                .iter()
                .map(|r| {
                    serde_json::json!({ "type": r.kind(), "value": r.data.to_string(), "ttl": r.ttl })
                })
                .collect();
            let expected = serde_json::json!({
                "name": "xn--mnchen-3ya.vfs",
                "records": records,
                "owner": owner.to_peer_id(),
                "expires": 9_007_199_254_740_991u64,
                "seq": 42,
                "entry": entry.map(|cid| cid.to_string()),
            });
            let json = resolved.to_json(entry);
            let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
            assert_eq!(parsed, expected);
            // Key order, which a parsed value does not keep: the keys appear in the text in
            // the order of the answer's type (no value here spells a key).
            let at = |key: &str| json.find(&format!("\"{key}\":")).unwrap();
            let keys =
                ["name", "records", "type", "value", "ttl", "owner", "expires", "seq", "entry"];
            assert!(keys.windows(2).all(|w| at(w[0]) < at(w[1])), "{json}");
            assert!(json.contains(r#"{"type":"A","value":"192.0.2.1","ttl":3600},{"type":"AAAA""#));
        }
    }
}
