//! A resolve answer as lines of text, the form the wasm binding hands to JS in one piece.
//!
//! Building the answer object from wasm key by key took two crossings per key and a UTF-8
//! decode per value, most of an uncached `resolve`'s time in Node; parsing a JSON text took
//! the engine longer than splitting lines and writing the object as a literal (measured in
//! Node 20: 2.0 against 0.8 µs). So the binding passes this text, decoded once, to a small
//! JS function that splits it.

use std::fmt::Write;

use cid::Cid;

use super::Resolved;
use crate::block::push_cid_text;
use crate::record::RecordData;

/// What separates the fields of [`Resolved::to_lines`].
pub(crate) const ANSWER_SEPARATOR: char = '\n';

impl Resolved<'_> {
    /// The answer's text fields, one per line: the name, the owner's peer id, the entry's CID
    /// text (an empty line for none), then each record's type, value and TTL. `None` when a
    /// value holds a line break itself (TXT values cannot; the caller then builds the answer
    /// field by field).
    ///
    /// ```
    /// use vns::{build, identity::Keypair, name::Name, namespace::Namespace, record::Record};
    /// let params = vns::params::NetworkParams::testing();
    /// let (key, name) = (Keypair::from_secret(&[4; 32]), Name::parse("alice").unwrap());
    /// let records = vec![Record::parse("TXT", "hello", Some(60)).unwrap()];
    /// let mut ns = Namespace::new(params.clone());
    /// ns.register(build::register(&params, &key, &name, records, 1_000).unwrap(), 1_000).unwrap();
    /// let lines = ns.resolve(&name, 1_000).unwrap().to_lines(None).unwrap();
    /// let owner = key.public().to_peer_id();
    /// assert_eq!(lines, format!("alice.vfs\n{owner}\n\nTXT\nhello\n60"));
    /// ```
    pub fn to_lines(&self, entry: Option<&Cid>) -> Option<String> {
        let mut out = String::with_capacity(128 + 64 * self.records.len());
        out.push_str(self.name.as_str());
        out.push(ANSWER_SEPARATOR);
        self.owner.push_peer_id(&mut out);
        out.push(ANSWER_SEPARATOR);
        if let Some(cid) = entry {
            push_cid_text(cid, &mut out);
        }
        for record in self.records {
            out.push(ANSWER_SEPARATOR);
            out.push_str(record.kind());
            out.push(ANSWER_SEPARATOR);
            match &record.data {
                RecordData::Txt(text) | RecordData::Sync(text) => {
                    if text.contains(ANSWER_SEPARATOR) {
                        return None;
                    }
                    out.push_str(text);
                }
                RecordData::Fs(cid) => push_cid_text(cid, &mut out),
                // Writing to a String cannot fail.
                data => {
                    let _ = write!(out, "{data}");
                }
            }
            let _ = write!(out, "{ANSWER_SEPARATOR}{}", record.ttl);
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::cid_of;
    use crate::identity::Keypair;
    use crate::name::Name;
    use crate::record::Record;

    /// Every record type and awkward text, read back line by line as the JS side does.
    #[test]
    fn the_lines_read_back_as_the_fields() {
        let owner = Keypair::from_secret(&[9; 32]).public();
        let name = Name::parse("münchen").unwrap();
        let records = vec![
            Record::parse("A", "192.0.2.1", None).unwrap(),
            Record::parse("AAAA", "2001:DB8::1", Some(60)).unwrap(),
            Record::parse("TXT", "quote \" backslash \\ ünïcödé 🦀 \u{2028}", Some(1)).unwrap(),
            Record::parse("FS", "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N", None).unwrap(),
            Record::parse("SYNC", "wss://node.example.com/vns", None).unwrap(),
        ];
        let resolved = Resolved { name: &name, records: &records, owner, expires: 7, seq: 42 };
        let cid = cid_of(b"entry");
        for entry in [Some(&cid), None] {
            let lines = resolved.to_lines(entry).unwrap();
            let fields: Vec<&str> = lines.split(ANSWER_SEPARATOR).collect();
            let entry_text = entry.map(|c| c.to_string()).unwrap_or_default();
            assert_eq!(fields[..3], ["xn--mnchen-3ya.vfs", &owner.to_peer_id(), &entry_text]);
            let read: Vec<(String, String, u32)> = fields[3..]
                .chunks(3)
                .map(|r| (r[0].to_owned(), r[1].to_owned(), r[2].parse().unwrap()))
                .collect();
            let expected: Vec<_> =
                records.iter().map(|r| (r.kind().to_owned(), r.data.to_string(), r.ttl)).collect();
            assert_eq!(read, expected);
        }
        let bare = Resolved { records: &[], ..resolved.clone() };
        assert_eq!(bare.to_lines(None).unwrap().split(ANSWER_SEPARATOR).count(), 3);
    }

    #[test]
    fn a_value_holding_the_separator_is_left_to_the_caller() {
        let owner = Keypair::from_secret(&[9; 32]).public();
        let name = Name::parse("alice").unwrap();
        // Not a valid record (parsing refuses the line break); built directly to show the
        // writer never splits a value in two.
        let records = [Record { data: RecordData::Sync("ws://a\nTXT".into()), ttl: 60 }];
        let resolved = Resolved { name: &name, records: &records, owner, expires: 7, seq: 1 };
        assert_eq!(resolved.to_lines(None), None);
    }
}
