//! Sync benchmarks.
//!
//! - Catch-up between two nodes of 100k names whose namespaces differ in 10, 100 and 1,000
//!   names: round trips, bytes each way and time, beside the size of sending the whole
//!   namespace (target at 10 differences: at most 30 KB and at most 2x tree depth round trips).
//! - Live propagation: registrations per second through a chain of 5 nodes.
//!
//! Counts (round trips, bytes) are printed by the bench itself; criterion measures time.
//! `cargo bench --bench sync`.

#[path = "common.rs"]
mod common;

use std::time::Duration;

use common::*;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use vns::entry::Entry;
use vns::namespace::{Limits, Namespace};
use vns::sync::{Message, Outbound, SyncConfig, SyncNode};

const BASE: u32 = 100_000;
const DIFFS: [u32; 3] = [10, 100, 1_000];

/// A lossless, instantaneous network driven in waves: every frame in flight is delivered,
/// the replies form the next wave. A request and its reply take one wave each.
struct Wire {
    nodes: Vec<SyncNode>,
    /// (from, to, frame)
    inflight: Vec<(usize, usize, Vec<u8>)>,
    now: u64,
}

/// What one catch-up cost.
#[derive(Debug, Default)]
struct Cost {
    /// Waves in which node 0 sent catch-up requests: its round trips.
    round_trips: u32,
    /// Bytes node 0 sent / received.
    bytes_out: u64,
    bytes_in: u64,
}

impl Wire {
    fn new(nodes: Vec<SyncNode>, now: u64) -> Wire {
        Wire { nodes, inflight: Vec::new(), now }
    }

    fn route(&mut self, from: usize, out: Vec<Outbound>) {
        for o in out {
            if let Outbound::Send { peer, bytes } = o {
                self.inflight.push((from, peer as usize, bytes));
            }
        }
    }

    /// Connects `a` and `b` (each knows the other by its index).
    fn link(&mut self, a: usize, b: usize) {
        let now = self.now;
        let out = self.nodes[a].connect(b as u64, now);
        self.route(a, out);
        let out = self.nodes[b].connect(a as u64, now);
        self.route(b, out);
    }

    /// Delivers waves until nothing is in flight; counts node 0's request waves.
    fn settle(&mut self) -> u32 {
        let mut request_waves = 0;
        while !self.inflight.is_empty() {
            let wave = std::mem::take(&mut self.inflight);
            let requested = wave.iter().any(|(from, _, bytes)| {
                *from == 0
                    && matches!(
                        Message::decode(bytes),
                        Ok(Message::GetNodes { .. } | Message::GetEntries { .. })
                    )
            });
            request_waves += requested as u32;
            for (from, to, bytes) in wave {
                let now = self.now;
                let out = self.nodes[to].receive(from as u64, &bytes, now);
                self.route(to, out);
            }
        }
        request_waves
    }
}

fn sync_node(ns: Namespace) -> SyncNode {
    SyncNode::new(ns, SyncConfig::default())
}

fn restored(entries: &[Entry]) -> Namespace {
    let mut ns = Namespace::with_limits(params(), Limits { registrations_per_hour: u32::MAX });
    for e in entries {
        ns.restore(e.clone());
    }
    ns.merkle_root();
    ns
}

/// Node 0 holds the base; node 1 holds the base plus `extra`. Runs the handshake and both
/// catch-ups to the end.
fn catch_up(base: Namespace, with_extra: Namespace) -> (Cost, Wire) {
    let mut wire = Wire::new(vec![sync_node(base), sync_node(with_extra)], T0 + 1);
    wire.link(0, 1);
    let round_trips = wire.settle();
    let totals = &wire.nodes[0].counters().totals;
    let cost = Cost { round_trips, bytes_out: totals.bytes_out, bytes_in: totals.bytes_in };
    (cost, wire)
}

fn catchup(c: &mut Criterion) {
    eprintln!("generating {BASE} signed registrations (once)...");
    let all: Vec<Entry> =
        registrations(BASE + DIFFS[2]).into_iter().map(|(_, entry)| entry).collect();
    let (base_entries, extra) = all.split_at(BASE as usize);
    let mut base = restored(base_entries);
    let whole: usize = base_entries.iter().map(|e| e.encode().len()).sum();
    let depth = base.tree().depth();
    println!(
        "sync/catchup: {BASE} names, tree depth {depth}, {} tree nodes; whole namespace as \
         entries = {} bytes ({:.1} MB)",
        base.tree().node_count(),
        whole,
        whole as f64 / 1e6
    );
    let mut group = c.benchmark_group("catchup");
    group.sample_size(10).measurement_time(Duration::from_secs(10));
    for diff in DIFFS {
        let mut other = base.clone();
        for e in &extra[..diff as usize] {
            other.restore(e.clone());
        }
        other.merkle_root();
        // One measured run for the counts, checked for a real outcome.
        let (cost, mut wire) = catch_up(base.clone(), other.clone());
        let (r0, r1) = (wire.nodes[0].merkle_root(), wire.nodes[1].merkle_root());
        assert_eq!(r0, r1, "catch-up converged");
        assert_eq!(wire.nodes[0].namespace().len(), (BASE + diff) as usize);
        println!(
            "sync/catchup diff={diff:>5}: round trips (node 0) = {} (2x depth = {}), bytes \
             node0->node1 = {}, node1->node0 = {}, total = {} ({:.2}% of the whole namespace)",
            cost.round_trips,
            2 * depth,
            cost.bytes_out,
            cost.bytes_in,
            cost.bytes_out + cost.bytes_in,
            100.0 * (cost.bytes_out + cost.bytes_in) as f64 / whole as f64
        );
        group.bench_function(format!("100k_diff_{diff}"), |b| {
            b.iter_batched(
                || (base.clone(), other.clone()),
                |(x, y)| catch_up(x, y),
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

fn propagation(c: &mut Criterion) {
    const OPS: u32 = 1_000;
    let regs: Vec<Entry> = registrations(OPS).into_iter().map(|(_, e)| e).collect();
    let empty = restored(&[]);
    let mut group = c.benchmark_group("propagation");
    group.sample_size(10).measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(OPS as u64));
    let run = |regs: &[Entry]| {
        let mut wire = Wire::new((0..5).map(|_| sync_node(empty.clone())).collect(), T0 + 1);
        for i in 0..4 {
            wire.link(i, i + 1);
        }
        wire.settle();
        for e in regs {
            let now = wire.now;
            let out = wire.nodes[0].submit(e.clone(), now).unwrap().out;
            wire.route(0, out);
        }
        wire.settle();
        wire
    };
    let mut wire = run(&regs);
    assert_eq!(wire.nodes[4].namespace().len(), OPS as usize);
    assert_eq!(wire.nodes[0].merkle_root(), wire.nodes[4].merkle_root());
    group.bench_function("chain_of_5_registrations", |b| b.iter(|| run(&regs)));
    group.finish();
}

criterion_group!(benches, catchup, propagation);
criterion_main!(benches);
