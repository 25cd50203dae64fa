//! `records.json`: one record of every type from what a user types to its canonical map and
//! bytes, and record sets with their bytes and the hash every op signs.

use serde::{Deserialize, Serialize};
use vns::block::{from_cbor, to_cbor};
use vns::record::{records_hash, validate_records, Record};

use super::kit::{hex, VectorFile};

/// What a user typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Typed {
    #[serde(rename = "type")]
    kind: String,
    value: String,
    ttl: Option<u32>,
}

/// A record in canonical form, as encoded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Canonical {
    #[serde(rename = "type")]
    pub kind: String,
    pub value: String,
    pub ttl: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordOut {
    canonical: Canonical,
    cbor: String,
}

/// A record set, in the owner's order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetIn {
    records: Vec<Canonical>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetOut {
    cbor: String,
    hash: String,
}

pub fn canonical(r: &Record) -> Canonical {
    Canonical { kind: r.kind().to_string(), value: r.data.to_string(), ttl: r.ttl }
}

/// Parses a canonical record, which must already be in canonical form.
pub fn record(c: &Canonical) -> Record {
    let r = Record::parse(&c.kind, &c.value, Some(c.ttl)).unwrap();
    assert_eq!(&canonical(&r), c, "not canonical");
    r
}

fn build_record(t: &Typed) -> RecordOut {
    let r = Record::parse(&t.kind, &t.value, t.ttl).unwrap();
    let bytes = to_cbor(&r).unwrap();
    assert_eq!(from_cbor::<Record>(&bytes).unwrap(), r, "the bytes decode back");
    RecordOut { canonical: canonical(&r), cbor: hex(bytes) }
}

fn build_set(set: &SetIn) -> SetOut {
    let records: Vec<Record> = set.records.iter().map(record).collect();
    validate_records(&records).unwrap();
    let bytes = to_cbor(&records).unwrap();
    assert_eq!(vns::block::hash(&bytes), records_hash(&records));
    SetOut { cbor: hex(bytes), hash: hex(records_hash(&records)) }
}

fn typed(kind: &str, value: &str, ttl: Option<u32>) -> Typed {
    Typed { kind: kind.into(), value: value.into(), ttl }
}

fn c(kind: &str, value: &str, ttl: u32) -> Canonical {
    Canonical { kind: kind.into(), value: value.into(), ttl }
}

#[test]
fn record_vectors() {
    let mut file = VectorFile::open("records.json");
    file.section(
        "records",
        vec![
            ("A, default TTL", typed("A", "192.0.2.1", None)),
            ("A, lower-case type", typed("a", "198.51.100.7", Some(60))),
            ("AAAA, upper case and zero groups", typed("AAAA", "2001:DB8:0:0:0:0:0:1", Some(600))),
            ("TXT", typed("TXT", "hello, world", None)),
            ("TXT, non-ASCII", typed("TXT", "grüße ✓", Some(1))),
            (
                "FS, CIDv0 upgraded",
                typed("FS", "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG", None),
            ),
            (
                "FS, CIDv1",
                typed(
                    "FS",
                    "bafyr4iawrthw2wqs7y4oldtbowp5ovnuas7shfhzczogsay3nbzknq4pu4",
                    Some(604_800),
                ),
            ),
            ("SYNC, URL with default port", typed("SYNC", "WSS://Node.Example.com:443/vns", None)),
            ("SYNC, multiaddr", typed("SYNC", "/ip4/192.0.2.1/tcp/7420/ws", None)),
        ],
        build_record,
    );
    let several =
        vec![c("TXT", "hello", 3600), c("A", "192.0.2.1", 3600), c("AAAA", "2001:db8::1", 600)];
    // The first two swapped: the same records make another set in another order.
    let reordered = vec![several[1].clone(), several[0].clone(), several[2].clone()];
    file.section(
        "sets",
        vec![
            ("empty", SetIn { records: vec![] }),
            ("one A", SetIn { records: vec![c("A", "192.0.2.1", 3600)] }),
            ("several, in the owner's order", SetIn { records: several.clone() }),
            ("the same, another order (another set)", SetIn { records: reordered }),
        ],
        build_set,
    );
    file.finish();
}
