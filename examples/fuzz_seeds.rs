//! Writes the fuzz targets' seed corpus from inputs VNS itself produces: every hex value of the
//! known-answer vectors (`tests/vectors/*.json`), entries of every op kind (valid, refused and
//! replayed against the `namespace_apply` fixture), records of every type, every sync message,
//! tree nodes of a small and a larger tree, and names as typed and as CBOR.
//!
//! `cargo run --example fuzz_seeds -- fuzz/corpus` adds the seeds to `fuzz/corpus/TARGET/`
//! (each file named by its hash, so running it twice changes nothing); `scripts/fuzz.sh --seed`
//! does this and then minimises the corpus with `cargo fuzz cmin`. Every seed is run through
//! its target first, so a seed that breaks a property stops the program.

// The shared target bodies; the generator runs every target, but not every item is used here.
#[allow(dead_code)]
#[path = "../fuzz/src/lib.rs"]
mod fuzz_targets;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use fuzz_targets::fixture::{self, key, params, CONTESTED, MIN, NOW, T0};
use fuzz_targets::TARGETS;
use serde_bytes::{ByteArray, ByteBuf};
use vns::block::{cid_of, to_cbor};
use vns::build;
use vns::entry::Entry;
use vns::name::Name;
use vns::record::{Record, MAX_RECORDS, MAX_TTL, MAX_TXT_BYTES, MIN_TTL};
use vns::sync::{Message, SyncError};
use vns::tree::{empty_root, Tree};

/// Seeds per target name.
#[derive(Default)]
struct Seeds(BTreeMap<&'static str, Vec<Vec<u8>>>);

impl Seeds {
    fn add(&mut self, target: &'static str, bytes: impl Into<Vec<u8>>) {
        self.0.entry(target).or_default().push(bytes.into());
    }

    /// An entry goes to both targets that decode entries.
    fn entry(&mut self, entry: &Entry) {
        self.add("entry", entry.encode());
        self.add("namespace_apply", entry.encode());
    }
}

/// Every string value of a JSON document that is even-length hex (bytes of a vector).
fn hex_values(value: &serde_json::Value, out: &mut Vec<Vec<u8>>) {
    match value {
        serde_json::Value::String(s) if s.len() >= 2 => out.extend(hex::decode(s).ok()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| hex_values(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| hex_values(v, out)),
        _ => {}
    }
}

/// The vectors' bytes are offered to every target that decodes CBOR.
fn vectors(seeds: &mut Seeds, dir: &Path) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("tests/vectors")
        .map(|e| e.expect("readable folder").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable vector file");
        let json: serde_json::Value = serde_json::from_str(&text).expect("vector files are JSON");
        let mut values = Vec::new();
        hex_values(&json, &mut values);
        for bytes in values {
            for target in TARGETS.iter().map(|t| t.name).filter(|&t| t != "name_parse") {
                seeds.add(target, bytes.clone());
            }
        }
    }
}

/// Entries of every op kind against the fixture: replays of what it holds, the next version
/// of each held name by its owner and by a stranger, new, late, early, future and reserved
/// registrations, and a long chain.
fn entries(seeds: &mut Seeds) -> Vec<Entry> {
    let params = params();
    let stranger = key(9);
    let held: Vec<Entry> = fixture::get().namespace.entries().cloned().collect();
    let mut all = Vec::new();
    for current in &held {
        let owner = (1..=4).map(key).find(|k| k.public() == current.owner()).expect("fixture key");
        all.push(current.clone());
        all.push(build::update(current, &owner, vec![], NOW).expect("valid update"));
        all.push(build::renew(current, &owner, &params, NOW));
        all.push(build::transfer(current, &owner, stranger.public(), NOW));
        all.push(build::update(current, &stranger, vec![], NOW).expect("well-formed update"));
    }
    let register = |k: u8, label: &str, ts| {
        let name = Name::parse(label).expect("valid name");
        build::register(&params, &key(k), &name, fixture::every_record_type(), ts).expect("valid")
    };
    all.push(register(5, "frank", NOW));
    all.push(register(5, "ghost", NOW + params.max_future_skew_ms + 1));
    all.push(register(6, CONTESTED, NOW - 10 * MIN));
    all.push(register(6, "alice", NOW));
    all.push(register(6, "root", NOW));
    // A lineage passed back and forth: a long chain of transfers and renewals.
    let mut chain = register(7, "hotpotato", T0);
    for i in 0..20 {
        let (from, to) = if i % 2 == 0 { (key(7), key(8)) } else { (key(8), key(7)) };
        chain = build::transfer(&chain, &from, to.public(), T0 + (2 * i + 1) * MIN);
        chain = build::renew(&chain, &to, &params, T0 + (2 * i + 2) * MIN);
    }
    all.push(chain);
    all.iter().for_each(|e| seeds.entry(e));
    all
}

/// Record sets as they appear in entries: each type alone, all together, the bounds.
fn records(seeds: &mut Seeds) {
    let every = fixture::every_record_type();
    let mut sets: Vec<Vec<Record>> = every.iter().map(|r| vec![r.clone()]).collect();
    sets.push(vec![]);
    sets.push(every.clone());
    let txt = |text: &str, ttl| Record::parse("TXT", text, Some(ttl)).expect("valid TXT");
    sets.push(vec![txt(&"t".repeat(MAX_TXT_BYTES), MIN_TTL), txt("ünïcode ✓", MAX_TTL)]);
    sets.push((0..MAX_RECORDS).map(|i| txt(&format!("record {i}"), 60)).collect());
    for set in sets {
        seeds.add("records", to_cbor(&set).expect("records encode"));
    }
}

/// Tree nodes of the fixture's small tree and of a 2,000-name tree, and the empty root.
fn tree_blocks(seeds: &mut Seeds) -> (Tree, Vec<Vec<u8>>) {
    let mut small = fixture::get().namespace.clone();
    let small = small.tree();
    let mut large = Tree::new();
    for i in 0..2000u32 {
        large.insert(&format!("name{i:04}.vfs"), cid_of(&i.to_be_bytes()));
    }
    let mut blocks = Vec::new();
    for tree in [small, &large] {
        for cid in tree.reachable_cids() {
            blocks.push(tree.block(&cid).expect("reachable nodes are held"));
        }
    }
    blocks.push(Tree::new().block(&empty_root()).expect("the empty root"));
    blocks.iter().for_each(|b| seeds.add("tree_node", b.clone()));
    (large, blocks)
}

/// Every sync message, as a frame.
fn frames(seeds: &mut Seeds, entries: &[Entry], tree: &Tree, blocks: &[Vec<u8>]) {
    let root = tree.root();
    let names: Vec<Name> = entries.iter().map(|e| e.name().clone()).take(48).collect();
    let messages = [
        Message::Hello { network: ByteArray::new(params().network_id()), root, clock: 1 << 40 },
        Message::Ops { entries: entries[..4].iter().cloned().map(Into::into).collect() },
        Message::Root { root },
        Message::GetNodes { id: 1, cids: tree.reachable_cids().take(8).collect() },
        Message::Nodes {
            id: 1,
            root,
            blocks: blocks.iter().take(8).cloned().map(ByteBuf::from).collect(),
        },
        Message::GetEntries { id: 2, names },
        Message::Entries { id: 2, entries: entries.iter().cloned().map(Into::into).collect() },
        Message::Bye { code: "sync.shutdown".into(), reason: "the node stops".into() },
        Message::bye(&SyncError::Malformed("ünïcode in a reason".repeat(100))),
    ];
    messages.iter().for_each(|m| seeds.add("sync_frame", m.encode()));
}

/// Names as typed (valid, Unicode, reserved and refused) and as CBOR (canonical or not).
fn names(seeds: &mut Seeds) {
    let typed = [
        "alice",
        "ALICE.VFS",
        " bob.vfs\t",
        "münchen",
        "xn--mnchen-3ya.vfs",
        "root",
        "a-b_c9",
        "ab",
        "-abc",
        "abc-",
        "alice.com",
        "a.b.vfs",
        "alice.",
        "ＡＢＣ",
        "ﬁle",
        "\u{212a}ey",
        "so\u{ad}ft",
        "xn--zz",
        "日本語",
        "",
    ];
    for text in typed {
        seeds.add("name_parse", text.as_bytes());
        seeds.add("name_cbor", to_cbor(text).expect("strings encode"));
        if let Ok(name) = Name::parse(text) {
            seeds.add("name_cbor", to_cbor(&name).expect("names encode"));
        }
    }
    seeds.add("name_parse", "a".repeat(64));
}

fn main() {
    let out = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "fuzz/corpus".into()));
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seeds = Seeds::default();
    vectors(&mut seeds, &root.join("tests/vectors"));
    let entries = entries(&mut seeds);
    records(&mut seeds);
    let (tree, blocks) = tree_blocks(&mut seeds);
    frames(&mut seeds, &entries, &tree, &blocks);
    names(&mut seeds);
    for target in TARGETS {
        let list = seeds.0.get(target.name).map(Vec::as_slice).unwrap_or_default();
        assert!(!list.is_empty(), "no seed for {}", target.name);
        let dir = out.join(target.name);
        std::fs::create_dir_all(&dir).expect("create the corpus folder");
        for bytes in list {
            (target.run)(bytes);
            let file = hex::encode(&vns::block::hash(bytes)[..20]);
            std::fs::write(dir.join(file), bytes).expect("write a seed");
        }
        println!("{}: {} seeds in {}", target.name, list.len(), dir.display());
    }
}
