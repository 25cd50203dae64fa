//! Resolves names in a namespace of N names, for counting what one `resolve` costs in
//! instructions and cache misses (figures that do not move with the machine's load):
//!
//! ```sh
//! cargo build --profile bench --example resolve_probe   # the criterion benches' profile
//! valgrind --tool=callgrind --cache-sim=yes --toggle-collect=resolve_probe::probe \
//!     target/release/examples/resolve_probe 100000 100000
//! ```
//!
//! Arguments: the number of names (default 100,000), of resolves (default 100,000), and
//! `saved` to hand the restored entries' blocks to storage first, as a node that has saved
//! them holds its names (without it, the namespace is filled as `cargo bench --bench core`'s
//! `resolve/` benches fill it: the same entries, restored in the same order). Probes go in
//! the benches' order; only [`probe`] is collected, so the filling is left out of the
//! counts. The probing's wall time per resolve is printed too (a noisy figure).

#[path = "../benches/common.rs"]
mod common;

use std::hint::black_box;

use vns::name::Name;
use vns::namespace::Namespace;

/// Resolves each of `probes` once; kept out of line so a profiler can collect it alone.
#[inline(never)]
fn probe(ns: &Namespace, probes: &[Name], count: usize) -> usize {
    let mut records = 0;
    for i in 0..count {
        let name = &probes[(i + 1) % probes.len()];
        records += ns.resolve(black_box(name), common::T0 + 1).unwrap().records.len();
    }
    records
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let count_at =
        |i: usize, default: u32| args.get(i).map_or(default, |a| a.parse().expect("a count"));
    let (n, count) = (count_at(0, 100_000), count_at(1, 100_000) as usize);
    let saved = args.get(2).is_some_and(|a| a == "saved");
    let mut ns = Namespace::new(common::params());
    for entry in common::unsigned_copies(n) {
        ns.restore(entry);
    }
    if saved {
        drop(ns.take_unsaved_blocks());
    }
    let probes: Vec<Name> = (0..1024).map(|i| common::label((i * 7919) % n)).collect();
    let start = std::time::Instant::now();
    let records = black_box(probe(&ns, &probes, count));
    let ns_each = start.elapsed().as_nanos() as f64 / count as f64;
    println!("{count} resolves over {n} names: {records} records, {ns_each:.1} ns each");
}
