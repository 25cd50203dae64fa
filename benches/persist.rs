//! Persistence benchmarks:
//! - blocks and bytes written for one change at 1k, 100k and 1M names, beside the seed
//!   design (rewrite every entry plus a manifest) computed for the same n
//!   (target: grows with log n; at 1M at most 10 blocks and 20 KB);
//! - save and load of 100k names through the memory blockstore (criterion medians), beside
//!   raw puts of the same blocks and a BLAKE3 check of every stored block.
//!
//! `VNS_PERSIST_MAX=100000` skips the 1M row (it needs ~2 GB and a minute to build).

#[path = "common.rs"]
mod common;

use common::*;
use criterion::{criterion_group, BatchSize, Criterion};
use pollster::block_on;
use vns::blockstore::{Blockstore, MemoryBlockstore};
use vns::namespace::{Limits, Namespace};
use vns::persist;

fn namespace(n: u32) -> Namespace {
    let mut ns = Namespace::new(params());
    for e in unsigned_copies(n) {
        ns.restore(e);
    }
    ns
}

/// What the seed design writes for one change: every entry again, plus a manifest listing
/// every name and entry hash.
fn seed_cost(ns: &Namespace) -> (usize, usize) {
    let entries: usize = ns.entries().map(|e| e.encode().len()).sum();
    let manifest: Vec<(String, [u8; 32])> =
        ns.entries().map(|e| (e.name().to_string(), vns::block::hash(&e.encode()))).collect();
    let manifest_bytes = vns::block::to_cbor(&manifest).unwrap().len();
    (ns.len() + 1, entries + manifest_bytes)
}

fn one_change_report() {
    let max: u32 =
        std::env::var("VNS_PERSIST_MAX").ok().and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    println!("| names | depth | blocks for one change | bytes | seed design blocks | seed design bytes |");
    println!("|---|---|---|---|---|---|");
    for n in [1_000u32, 100_000, 1_000_000].into_iter().filter(|&n| n <= max) {
        let mut ns = namespace(n);
        let store = MemoryBlockstore::new();
        block_on(persist::save(&mut ns, &store, &[])).unwrap();
        // Median over several single-name changes spread across the key space.
        let mut rows: Vec<(usize, usize)> = (0..9u32)
            .map(|i| {
                let mut e = ns.get(&label(i * (n / 9))).unwrap().clone();
                e.records = two_records(i + 7);
                ns.restore(e);
                let r = block_on(persist::save(&mut ns, &store, &[])).unwrap();
                (r.blocks, r.bytes)
            })
            .collect();
        rows.sort();
        let (blocks, bytes) = rows[rows.len() / 2];
        let depth = ns.tree().depth();
        let (seed_blocks, seed_bytes) = seed_cost(&ns);
        println!("| {n} | {depth} | {blocks} | {bytes} | {seed_blocks} | {seed_bytes} |");
    }
}

fn save_load(c: &mut Criterion) {
    let mut group = c.benchmark_group("persist");
    group.sample_size(10);
    let n = 100_000;
    let mut ns = namespace(n);
    // Build the tree once outside the measurement (its cost is reported separately below):
    // a save then writes the 100k entry blocks and the tree nodes, and swaps the root.
    let t = std::time::Instant::now();
    ns.merkle_root();
    println!("namespace/flush_100k_restored: {:.2} s", t.elapsed().as_secs_f64());
    group.bench_function("save_100k_memory", |b| {
        b.iter_batched(
            || (ns.clone(), MemoryBlockstore::new()),
            |(mut ns, store)| block_on(persist::save(&mut ns, &store, &[])).unwrap(),
            BatchSize::LargeInput,
        )
    });
    // Baseline: the same blocks put into a fresh store, without VNS collecting them.
    let blocks = ns.clone().take_unsaved_blocks();
    group.bench_function("save_100k_baseline_raw_puts", |b| {
        b.iter_batched(
            || (blocks.clone(), MemoryBlockstore::new()),
            |(blocks, store)| block_on(store.put_many(&blocks)).unwrap(),
            BatchSize::LargeInput,
        )
    });
    let store = MemoryBlockstore::new();
    let mut saved = ns.clone();
    block_on(persist::save(&mut saved, &store, &[])).unwrap();
    group.bench_function("load_100k_memory", |b| {
        b.iter(|| block_on(persist::load(&store, params(), Limits::default())).unwrap().len())
    });
    // Baseline: the floor of a verified load, reading every stored block and checking it
    // against its CID (BLAKE3), with no decoding and no index.
    group.bench_function("load_100k_baseline_hash_check", |b| {
        b.iter(|| {
            let all = block_on(store.get_all()).unwrap().unwrap();
            all.iter().filter(|(cid, bytes)| cid.hash().digest() == vns::block::hash(bytes)).count()
        })
    });
    group.finish();
}

criterion_group!(benches, save_load);

fn main() {
    one_change_report();
    benches();
    Criterion::default().configure_from_args().final_summary();
}
