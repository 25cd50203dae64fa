//! `docs/protocol.md` against the code: the network-parameter and limit tables are generated
//! from the constants (and checked as fresh), and the documented key orders are those the
//! encoder writes.
//!
//! Regenerate the tables: `VNS_BLESS=1 cargo test --test protocol_doc`.

use std::fmt;
use std::path::Path;

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use vns::identity::Keypair;
use vns::name::Name;
use vns::op::{Op, OpKind, OP_VERSION};
use vns::params::{NetworkParams, DAY_MS};
use vns::{entry, record, sync};

const DOC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/protocol.md");
const BEGIN: &str = "<!-- network parameters: generated from src/params.rs by `VNS_BLESS=1 cargo test --test protocol_doc` -->\n";
const END: &str = "<!-- end of network parameters -->";

/// `31536000000` as `31,536,000,000`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn duration(ms: u64) -> String {
    let human = if ms % DAY_MS == 0 {
        format!("{} days", ms / DAY_MS)
    } else {
        format!("{} minutes", ms / 60_000)
    };
    format!("{} ({human})", thousands(ms))
}

fn tables() -> String {
    let (main, test) = (NetworkParams::default(), NetworkParams::testing());
    let row = |name: &str, m: String, t: String| {
        let t = if t == m { "same".to_string() } else { t };
        format!("| {name} | {m} | {t} |\n")
    };
    let reserved = |_: &NetworkParams| {
        vns::name::RESERVED.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
    };
    let mut out = String::from(
        "\n| parameter | `main` (`NetworkParams::default`) | `testing` (`NetworkParams::testing`) |\n|---|---|---|\n",
    );
    out += &row(
        "`network` (name in the id)",
        format!("`{}`", main.network),
        format!("`{}`", test.network),
    );
    out += &row(
        "`pow_difficulty`",
        format!("{} bits", main.pow_difficulty),
        format!("{} bits", test.pow_difficulty),
    );
    for (name, get) in [
        (
            "`registration_period_ms`",
            (|p: &NetworkParams| p.registration_period_ms) as fn(&NetworkParams) -> u64,
        ),
        ("`grace_period_ms`", |p| p.grace_period_ms),
        ("`max_future_skew_ms`", |p| p.max_future_skew_ms),
        ("`settlement_window_ms`", |p| p.settlement_window_ms),
    ] {
        out += &row(name, duration(get(&main)), duration(get(&test)));
    }
    out += &row("reserved names", reserved(&main), reserved(&test));
    out += "\nLimits fixed by the format, the same on every network and not part of the id:\n\n";
    out += "| limit | value | constant |\n|---|---|---|\n";
    let limits: [(&str, String, &str); 17] = [
        ("records per name", record::MAX_RECORDS.to_string(), "record::MAX_RECORDS"),
        ("TXT value", format!("{} bytes", record::MAX_TXT_BYTES), "record::MAX_TXT_BYTES"),
        (
            "FS or SYNC value",
            format!("{} bytes", record::MAX_VALUE_BYTES),
            "record::MAX_VALUE_BYTES",
        ),
        (
            "TTL",
            format!("{} to {} s", record::MIN_TTL, thousands(record::MAX_TTL.into())),
            "record::MIN_TTL, MAX_TTL",
        ),
        (
            "TTL a client writes when none is given",
            format!("{} s", record::DEFAULT_TTL),
            "record::DEFAULT_TTL",
        ),
        (
            "encoded record set",
            format!("{} bytes", thousands(record::MAX_RECORDS_BYTES as u64)),
            "record::MAX_RECORDS_BYTES",
        ),
        (
            "encoded entry",
            format!("{} bytes", thousands(entry::MAX_ENTRY_BYTES as u64)),
            "entry::MAX_ENTRY_BYTES",
        ),
        ("ops per entry", entry::MAX_CHAIN_OPS.to_string(), "entry::MAX_CHAIN_OPS"),
        ("op format version `v`", OP_VERSION.to_string(), "op::OP_VERSION"),
        ("sync protocol version `v`", sync::PROTOCOL_VERSION.to_string(), "sync::PROTOCOL_VERSION"),
        (
            "frame",
            format!("{} bytes", thousands(sync::MAX_FRAME_BYTES as u64)),
            "sync::MAX_FRAME_BYTES",
        ),
        (
            "entries per `ops` or `entries`",
            sync::MAX_ENTRIES_PER_FRAME.to_string(),
            "sync::MAX_ENTRIES_PER_FRAME",
        ),
        (
            "CIDs per `get_nodes`, blocks per `nodes`",
            sync::MAX_NODES_PER_FRAME.to_string(),
            "sync::MAX_NODES_PER_FRAME",
        ),
        (
            "names per `get_entries`",
            sync::MAX_NAMES_PER_REQUEST.to_string(),
            "sync::MAX_NAMES_PER_REQUEST",
        ),
        (
            "names per `get_proofs`, answers per `proofs`",
            sync::MAX_NAMES_PER_PROOF_REQUEST.to_string(),
            "sync::MAX_NAMES_PER_PROOF_REQUEST",
        ),
        ("blocks per proof", sync::MAX_PROOF_BLOCKS.to_string(), "sync::MAX_PROOF_BLOCKS"),
        ("names per `watch`", sync::MAX_WATCHED_NAMES.to_string(), "sync::MAX_WATCHED_NAMES"),
    ];
    for (what, value, constant) in limits {
        out += &format!("| {what} | {value} | `{constant}` |\n");
    }
    out.push('\n');
    out
}

#[test]
fn parameter_and_limit_tables_are_fresh() {
    let doc = std::fs::read_to_string(DOC).unwrap();
    let start = doc.find(BEGIN).expect("markers in docs/protocol.md") + BEGIN.len();
    let end = start + doc[start..].find(END).expect("end marker");
    let expected = format!("{}{}{}", &doc[..start], tables(), &doc[end..]);
    if std::env::var_os("VNS_BLESS").is_some() {
        std::fs::write(Path::new(DOC), &expected).unwrap();
    } else {
        assert!(doc == expected, "the tables in docs/protocol.md are stale: `VNS_BLESS=1 cargo test --test protocol_doc`");
    }
}

/// The keys of a CBOR map, in the order they are written.
struct KeyOrder(Vec<String>);

impl<'de> Deserialize<'de> for KeyOrder {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Keys;
        impl<'de> Visitor<'de> for Keys {
            type Value = KeyOrder;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<KeyOrder, A::Error> {
                let mut keys = Vec::new();
                while let Some((key, IgnoredAny)) = map.next_entry::<String, IgnoredAny>()? {
                    keys.push(key);
                }
                Ok(KeyOrder(keys))
            }
        }
        d.deserialize_map(Keys)
    }
}

fn written_keys(bytes: &[u8]) -> Vec<String> {
    serde_ipld_dagcbor::from_slice::<KeyOrder>(bytes).unwrap().0
}

/// The backticked words of the doc's sentence starting with `lead`, up to its first period.
fn documented(doc: &str, lead: &str) -> Vec<String> {
    let at =
        doc.find(lead).unwrap_or_else(|| panic!("docs/protocol.md says {lead:?}")) + lead.len();
    let sentence = &doc[at..at + doc[at..].find(". ").unwrap()];
    sentence.split('`').skip(1).step_by(2).map(str::to_string).collect()
}

#[test]
fn documented_key_orders_are_the_encoded_ones() {
    let doc = std::fs::read_to_string(DOC).unwrap();
    let key = Keypair::from_secret(&[1; 32]);
    // An op with every field, though no valid op has both a nonce and a new owner.
    let op = Op {
        v: OP_VERSION,
        kind: OpKind::Transfer,
        name: Name::parse("alice").unwrap(),
        seq: 1,
        ts: 2,
        signer: key.public(),
        lineage: Some(Box::new([1; 32].into())),
        prev: Some(Box::new([2; 32].into())),
        records: [3; 32].into(),
        expires: 4,
        nonce: Some(5),
        new_owner: Some(Keypair::from_secret(&[2; 32]).public()),
    };
    assert_eq!(written_keys(&op.encode()), documented(&doc, "In key order the fields are written"));
    let signed = op.sign(&key);
    assert_eq!(written_keys(&vns::block::to_cbor(&signed).unwrap()), ["op", "sig"]);
    let entry = entry::Entry { ops: vec![signed], records: vec![] };
    assert_eq!(written_keys(&entry.encode()), ["ops", "records"]);
    let record = record::Record::parse("A", "192.0.2.1", None).unwrap();
    assert_eq!(written_keys(&vns::block::to_cbor(&record).unwrap()), ["ttl", "type", "value"]);
    assert!(
        doc.contains("`{ \"ttl\": uint, \"type\": text, \"value\": text }` (in that key\norder)")
    );
    // A tree node: `e` before `l`, and each element of `e` written `k`, `p`, `t`, `v`.
    let mut tree = vns::tree::Tree::new();
    tree.insert("alice.vfs", vns::block::cid_of(b"a"));
    let node = tree.block(&tree.root()).unwrap();
    assert_eq!(written_keys(&node), ["e", "l"]);
    #[derive(serde::Deserialize)]
    struct NodeKeys {
        e: Vec<KeyOrder>,
    }
    let inner: NodeKeys = serde_ipld_dagcbor::from_slice(&node).unwrap();
    assert_eq!(inner.e[0].0, ["k", "p", "t", "v"]);
    assert!(doc.contains("`{\"e\": [{\"k\": bytes, \"p\": uint, \"t\": link|null,\n  \"v\": link}], \"l\": link|null}` (keys in this order"));
    let queue = vns::sync::DeltaQueue::new(1).encode();
    assert_eq!(written_keys(&queue), ["v", "dropped", "entries", "replayed"]);
    assert!(doc.contains(
        "`{ \"v\": 1,\n  \"dropped\": uint, \"entries\": [entry], \"replayed\": uint }`"
    ));
    let record = vns::sync::QueueRecord { chunks: vec![], dropped: 0, replayed: 0 }.encode();
    assert_eq!(written_keys(&record), ["v", "chunks", "dropped", "replayed"]);
    assert!(doc.contains(
        "`{ \"v\": uint (2), \"chunks\": [link], \"dropped\": uint, \"replayed\": uint }`"
    ));
    let chunk = vns::sync::QueueChunk { n: 0, entries: vec![] }.encode();
    assert_eq!(written_keys(&chunk.bytes), ["n", "entries"]);
    assert!(doc.contains("`{ \"n\": uint,\n  \"entries\": [entry] }` (keys in this order)"));
}

/// The bytes of the hex dump in the first ```text block after `lead`: on each line, the hex
/// before the first run of two spaces (the rest is commentary).
fn dump_after(doc: &str, lead: &str) -> Vec<u8> {
    let at = doc.find(lead).unwrap_or_else(|| panic!("docs/protocol.md says {lead:?}"));
    let start = at + doc[at..].find("```text\n").unwrap() + "```text\n".len();
    let block = &doc[start..start + doc[start..].find("```").unwrap()];
    let hex: String =
        block.lines().map(|line| line.split("  ").next().unwrap().replace(' ', "")).collect();
    hex::decode(hex).unwrap()
}

#[test]
fn documented_byte_dumps_are_what_the_code_hashes() {
    let doc = std::fs::read_to_string(DOC).unwrap();
    let id_input = dump_after(&doc, "The main network's id input, byte by byte");
    let main_id = NetworkParams::default().network_id();
    assert_eq!(vns::block::hash(&id_input), main_id);
    assert!(doc.contains(&hex::encode(main_id)), "the document names the main network id");

    let pow_input = dump_after(&doc, "For `alice.vfs`, the key of secret `01…01`");
    let (name, owner) = (Name::parse("alice").unwrap(), Keypair::from_secret(&[1; 32]).public());
    let hash = vns::pow::pow_hash(&name, &owner, 1_793_491_200_000, 8);
    assert_eq!(vns::block::hash(&pow_input), hash);
    assert!(doc.contains(&format!(
        "Its hash `{}` has {} leading zero",
        hex::encode(hash),
        vns::pow::leading_zero_bits(&hash)
    )));
}
