//! Known-answer tests: fixed keys and timestamps must produce the committed bytes and hashes
//! in `tests/vectors/`, so other implementations can check themselves against them. Each
//! file's vectors carry their inputs; every one is rebuilt from them and compared byte for
//! byte, and each file must be exactly what its generator writes (see `docs/protocol.md`,
//! "Test vectors").
//!
//! Regenerate (after a deliberate format change only) with
//! `VNS_BLESS=1 cargo test --test vectors --test codes --test protocol_doc`.

mod common;
#[path = "vectors/entries.rs"]
mod entries;
#[path = "vectors/kit.rs"]
mod kit;
#[path = "vectors/network.rs"]
mod network;
#[path = "vectors/ops.rs"]
mod ops;
#[path = "vectors/pow.rs"]
mod pow_vectors;
#[path = "vectors/records.rs"]
mod records;
#[path = "vectors/state.rs"]
mod state;
#[path = "vectors/sync.rs"]
mod sync;
#[path = "vectors/tree.rs"]
mod tree;

use std::collections::BTreeMap;

use common::*;
use vns::block::Block;
use vns::build;
use vns::entry::Entry;
use vns::op::SignedOp;
use vns::pow;

/// One name's life on the testing network, the source of the op, entry, sync and state
/// vectors: registered by key 1, updated, renewed, transferred to key 2, updated by key 2.
struct Chain {
    /// Each op, labelled, with the secret byte of the key that signed it.
    ops: Vec<(&'static str, SignedOp, u8)>,
    /// The entry after each op.
    entries: Vec<(&'static str, Entry)>,
}

fn chain() -> Chain {
    let p = params();
    let (alice, bob) = (key(1), key(2));
    let n = name("alice");
    let records = vec![a("192.0.2.1"), txt("hello")];
    let registered = build::register(&p, &alice, &n, records, T0).unwrap();
    let updated = build::update(&registered, &alice, vec![txt("updated")], T0 + MIN).unwrap();
    let renewed = build::renew(&updated, &alice, &p, T0 + 30 * vns::params::DAY_MS);
    let transferred =
        build::transfer(&renewed, &alice, bob.public(), T0 + 31 * vns::params::DAY_MS);
    let bobs =
        build::update(&transferred, &bob, vec![a("198.51.100.7")], T0 + 32 * vns::params::DAY_MS)
            .unwrap();
    let head = |e: &Entry| e.head().clone();
    Chain {
        ops: vec![
            ("register (key 1)", head(&registered), 1),
            ("update (key 1)", head(&updated), 1),
            ("renew (key 1)", head(&renewed), 1),
            ("transfer to key 2 (key 1)", head(&transferred), 1),
            ("update (key 2)", head(&bobs), 2),
        ],
        entries: vec![
            ("registered", registered),
            ("updated", updated),
            ("renewed: the update is dropped, the renewal kept", renewed),
            ("transferred", transferred),
            ("updated by the new owner", bobs),
        ],
    }
}

/// Another name, registered by key 3 (its internationalised form).
fn other() -> Entry {
    build::register(&params(), &key(3), &name("münchen"), vec![txt("grüße")], T0 + MIN).unwrap()
}

fn compute() -> BTreeMap<String, String> {
    let p = params();
    let alice = key(1);
    let bob = key(2);
    let n = name("alice");
    let records = vec![
        a("192.0.2.1"),
        txt("hello"),
        vns::record::Record::parse("AAAA", "2001:db8::1", Some(600)).unwrap(),
    ];
    let v1 = build::register(&p, &alice, &n, records, T0).unwrap();
    let v2 = build::transfer(&v1, &alice, bob.public(), T0 + MIN);
    let v3 = build::update(&v2, &bob, vec![txt("bob was here")], T0 + 2 * MIN).unwrap();
    let nonce = v1.ops[0].op.nonce.unwrap();

    let mut out = BTreeMap::new();
    let mut put = |k: &str, v: String| {
        out.insert(k.to_string(), v);
    };
    put("params.network_id", hex::encode(p.network_id()));
    put("params.main_network_id", hex::encode(vns::params::NetworkParams::default().network_id()));
    put("key1.secret", hex::encode([1u8; 32]));
    put("key1.public", hex::encode(alice.public().as_bytes()));
    put("key1.peer_id", alice.public().to_peer_id());
    put("key2.peer_id", bob.public().to_peer_id());
    put("pow.nonce", nonce.to_string());
    put("pow.hash", hex::encode(pow::pow_hash(&n, &alice.public(), T0, nonce)));
    put("records.hash", hex::encode(v1.ops[0].op.records.as_bytes()));
    for (label, entry) in [("v1_register", &v1), ("v2_transfer", &v2), ("v3_update", &v3)] {
        let head = entry.head();
        put(&format!("{label}.op_cbor"), hex::encode(head.op.encode()));
        put(&format!("{label}.op_hash"), head.op.hash().to_string());
        put(&format!("{label}.signature"), hex::encode(*head.sig));
        let block: Block = entry.to_block();
        put(&format!("{label}.entry_cid"), block.cid.to_string());
        put(&format!("{label}.entry_cbor"), hex::encode(&block.bytes));
    }
    out
}

#[test]
fn known_answers_match_the_committed_vectors() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/core.json");
    let computed = compute();
    if std::env::var_os("VNS_BLESS").is_some() {
        std::fs::write(path, serde_json::to_string_pretty(&computed).unwrap() + "\n").unwrap();
    }
    let committed: BTreeMap<String, String> =
        serde_json::from_str(&std::fs::read_to_string(path).expect("vectors file")).unwrap();
    for (k, v) in &committed {
        assert_eq!(computed.get(k), Some(v), "vector {k} changed");
    }
    assert_eq!(committed.len(), computed.len(), "vector set changed");
}

#[test]
fn committed_entries_verify_and_decode() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/core.json");
    let committed: BTreeMap<String, String> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for label in ["v1_register", "v2_transfer", "v3_update"] {
        let bytes = hex::decode(&committed[&format!("{label}.entry_cbor")]).unwrap();
        let entry = vns::entry::Entry::decode(&bytes).unwrap();
        vns::rules::verify_entry(&entry, &params()).unwrap();
        assert_eq!(entry.to_block().cid.to_string(), committed[&format!("{label}.entry_cid")]);
    }
}
