//! Core benchmarks, each beside its baseline measured in the same run:
//! - validate-and-apply of registrations and updates vs raw Ed25519 verification of the same
//!   signed messages (target: overhead at most 25%); an update applied from a peer's bytes
//!   (decoded once, then carried), and what one encoding of an update costs;
//! - `resolve` at 100k and 1M names vs a `HashMap<String, Vec<Record>>` lookup (target: 2x);
//! - the steps of the package's uncached `resolve` answer at 100k names (`resolve_steps/`):
//!   parsing the typed name, the lookup, the entry's CID and its text, the records' text and
//!   the owner's peer id (beside `bs58` encoding the same 38 bytes);
//! - building the tree of 100k sorted names at once (`Tree::from_sorted`, target ≤ 0.5 s) vs
//!   inserting the same names one at a time (`cargo bench --bench core -- tree/`).
//!
//! `bash scripts/bench.sh` runs this and prints the ratios from criterion's medians.

#[path = "common.rs"]
mod common;

use std::collections::HashMap;
use std::hint::black_box;

use common::*;
use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BatchSize, BenchmarkGroup, Criterion, SamplingMode,
};
use ed25519_dalek::{Signature, VerifyingKey};
use vns::build;
use vns::entry::{EncodedEntry, Entry};
use vns::namespace::Namespace;
use vns::op::SignedOp;
use vns::record::Record;
use vns::tree::Tree;

fn raw_verify(public: &[u8; 32], message: &[u8], sig: &[u8; 64]) -> bool {
    let key = VerifyingKey::from_bytes(public).unwrap();
    key.verify_strict(message, &Signature::from_bytes(sig)).is_ok()
}

/// The baseline of an apply benchmark: raw Ed25519 verification of the same signed ops, with
/// the messages prepared outside the timed routine.
fn bench_baseline_verify<'a>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    id: &str,
    signed: impl Iterator<Item = &'a SignedOp>,
) {
    let messages: Vec<_> =
        signed.map(|s| (*s.op.signer.as_bytes(), s.op.signing_message(), *s.sig)).collect();
    let mut i = 0;
    group.bench_function(id, |b| {
        b.iter(|| {
            i = (i + 1) % messages.len();
            let (k, m, s) = &messages[i];
            assert!(raw_verify(black_box(k), black_box(m), black_box(s)));
        })
    });
}

fn apply(c: &mut Criterion) {
    let regs = registrations(512);
    let mut group = c.benchmark_group("apply");
    // Registrations: one signature and one proof-of-work check each. Encoded in the untimed
    // setup: the encoding is timed on its own (`update_one_encoding`).
    let mut i = 0;
    group.bench_function("register", |b| {
        b.iter_batched(
            || {
                i = (i + 1) % regs.len();
                (Namespace::new(params()), EncodedEntry::new(regs[i].1.clone()))
            },
            |(mut ns, entry)| ns.apply(entry, T0 + 1).unwrap(),
            BatchSize::SmallInput,
        )
    });
    let signed = regs.iter().map(|(_, e)| &e.ops[0]);
    bench_baseline_verify(&mut group, "register_baseline_ed25519_verify", signed);

    // Updates: the registration is already held, so only the update's signature is new.
    let mut ns = Namespace::new(params());
    let updates: Vec<_> = regs
        .iter()
        .map(|(key, e)| {
            ns.apply(e.clone(), T0 + 1).unwrap();
            build::update(e, key, two_records(9), T0 + 2).unwrap()
        })
        .collect();
    // Encoded before timing, as `apply` receives them from a peer's decoder or from `build`
    // (one encoding each, timed on its own below).
    let encoded: Vec<EncodedEntry> = updates.iter().cloned().map(EncodedEntry::new).collect();
    let mut i = 0;
    // The setup (not timed) puts the registration back, so each round applies the update to
    // the held registration; the routine times `apply` alone.
    let ns = std::cell::RefCell::new(ns);
    group.bench_function("update", |b| {
        b.iter_batched(
            || {
                i = (i + 1) % updates.len();
                ns.borrow_mut().restore(regs[i].1.clone());
                encoded[i].clone()
            },
            |u| ns.borrow_mut().apply(u, T0 + 3).unwrap(),
            // One setup per round: a batch longer than `updates` would repeat a name, and
            // the repeat would be a duplicate, not an update.
            BatchSize::PerIteration,
        )
    });
    let signed = updates.iter().map(|e| e.head());
    bench_baseline_verify(&mut group, "update_baseline_ed25519_verify", signed);

    // The same updates as a peer sends them: bytes decoded once (the decoder's one canonical
    // encoding included), then applied; the bytes and CID are carried, never encoded again.
    let frames: Vec<Vec<u8>> = updates.iter().map(Entry::encode).collect();
    let mut i = 0;
    group.bench_function("update_from_peer_bytes", |b| {
        b.iter_batched(
            || {
                i = (i + 1) % frames.len();
                ns.borrow_mut().restore(regs[i].1.clone());
                &frames[i]
            },
            |bytes| {
                let entry = EncodedEntry::decode(bytes).unwrap();
                ns.borrow_mut().apply(entry, T0 + 3).unwrap()
            },
            BatchSize::PerIteration,
        )
    });
    // What each encoding the peer path no longer does costs: one canonical encoding of an
    // update and its BLAKE3 CID.
    let mut i = 0;
    group.bench_function("update_one_encoding", |b| {
        b.iter(|| {
            i = (i + 1) % updates.len();
            black_box(updates[i].to_block())
        })
    });
    group.finish();
}

fn resolve(c: &mut Criterion) {
    let mut group = c.benchmark_group("resolve");
    for n in [100_000u32, 1_000_000] {
        let entries = unsigned_copies(n);
        let mut ns = Namespace::new(params());
        let mut map: HashMap<String, Vec<Record>> = HashMap::new();
        for e in entries {
            map.insert(e.name().to_string(), e.records.clone());
            ns.restore(e);
        }
        // A serving node has saved what it restored: the encoded blocks went to storage and
        // are no longer on its heap (held here, they would about double the heap lookups walk).
        drop(ns.take_unsaved_blocks());
        let probes: Vec<_> = (0..1024).map(|i| label((i * 7919) % n)).collect();
        let mut i = 0;
        group.bench_function(format!("vns_{n}"), |b| {
            b.iter(|| {
                i = (i + 1) % probes.len();
                black_box(ns.resolve(black_box(&probes[i]), T0 + 1).unwrap().records.len())
            })
        });
        let probes: Vec<String> = probes.iter().map(|p| p.to_string()).collect();
        let mut i = 0;
        group.bench_function(format!("baseline_hashmap_{n}"), |b| {
            b.iter(|| {
                i = (i + 1) % probes.len();
                black_box(map.get(black_box(probes[i].as_str())).unwrap().len())
            })
        });
    }
    group.finish();
}

/// What the wasm `VnsNode.resolve` does before handing the answer to JS, one step at a time.
fn resolve_steps(c: &mut Criterion) {
    let mut group = c.benchmark_group("resolve_steps");
    let n = 100_000u32;
    let mut ns = Namespace::new(params());
    for e in unsigned_copies(n) {
        ns.restore(e);
    }
    drop(ns.take_unsaved_blocks()); // saved, as in `resolve` above
    let typed: Vec<String> = (0..1024).map(|i| format!("name{:07}", (i * 7919) % n)).collect();
    let names: Vec<_> = typed.iter().map(|t| vns::name::Name::parse(t).unwrap()).collect();
    let now = T0 + 1;
    let mut i = 0;
    let mut next = || {
        i = (i + 1) % typed.len();
        i
    };
    group.bench_function("parse_name", |b| {
        b.iter(|| black_box(vns::name::Name::parse(black_box(&typed[next()])).unwrap()))
    });
    group.bench_function("lookup", |b| {
        b.iter(|| black_box(ns.resolve(black_box(&names[next()]), now).unwrap().seq))
    });
    group.bench_function("entry_cid", |b| b.iter(|| black_box(ns.cid(black_box(&names[next()])))));
    let cid = ns.cid(&names[0]).unwrap();
    group.bench_function("entry_cid_text", |b| b.iter(|| black_box(black_box(cid).to_string())));
    let answer = ns.resolve(&names[0], now).unwrap();
    let (records, owner) = (answer.records, answer.owner);
    group.bench_function("records_text", |b| {
        b.iter(|| {
            black_box(records).iter().map(|r| black_box(r.data.to_string()).len()).sum::<usize>()
        })
    });
    group.bench_function("owner_peer_id", |b| b.iter(|| black_box(black_box(owner).to_peer_id())));
    let id_bytes = bs58::decode(owner.to_peer_id()).into_vec().unwrap();
    group.bench_function("owner_peer_id_baseline_bs58", |b| {
        b.iter(|| black_box(bs58::encode(black_box(&id_bytes)).into_string()))
    });
    group.bench_function("whole_answer", |b| {
        b.iter(|| {
            let name = vns::name::Name::parse(black_box(&typed[next()])).unwrap();
            let r = ns.resolve(&name, now).unwrap();
            let texts: Vec<String> = r.records.iter().map(|r| r.data.to_string()).collect();
            let entry = ns.cid(r.name).map(|cid| cid.to_string());
            black_box((texts, r.owner.to_peer_id(), entry, r.expires, r.seq))
        })
    });
    group.finish();
}

fn tree_build(c: &mut Criterion) {
    let mut group = c.benchmark_group("tree");
    // One round of the baseline takes seconds: the fewest samples criterion takes, each of
    // one round (flat sampling) rather than 1, 2, .. 10 rounds.
    group.sample_size(10).sampling_mode(SamplingMode::Flat);
    let n = 100_000;
    let sorted: Vec<(String, cid::Cid)> = (0..n)
        .map(|i| (label(i).to_string(), vns::block::cid_of(format!("entry {i}").as_bytes())))
        .collect();
    group.bench_function("build_100k_sorted", |b| {
        b.iter_batched(
            || sorted.clone(),
            |entries| Tree::from_sorted(entries).unwrap().root(),
            BatchSize::LargeInput,
        )
    });
    group.bench_function("build_100k_baseline_one_insert_at_a_time", |b| {
        b.iter(|| {
            let mut tree = Tree::new();
            for (key, value) in &sorted {
                tree.insert(key, *value);
            }
            tree.root()
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(3));
    targets = apply, resolve, resolve_steps, tree_build
}
criterion_main!(benches);
