//! Flood versus gossip fanout on random sparse graphs, in the deterministic simulation
//! (tests/sim): messages per registration, hops and time to full propagation, and the
//! catch-up traffic after a partition heals.
//!
//! CI runs 50-node versions that assert what must hold. The figures in `BENCHMARKS.md` come
//! from the ignored report (100 and 1,000 nodes by default, `VNS_SIM_SIZES=100,1000`):
//!
//! ```sh
//! cargo test --release --test sim_scale -- --ignored --nocapture
//! ```

#[path = "common/mod.rs"]
mod common;
mod sim;

use std::collections::BTreeMap;

use common::{a, key, name, T0};
use sim::gossip::GossipConfig;
use sim::net::{Count, Kind, NetConfig, Rng, Traffic};
use sim::topology;
use sim::trace::Via;
use sim::Sim;
use vns::build;
use vns::entry::Entry;
use vns::params::NetworkParams;
use vns::sync::SyncConfig;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fanout {
    Flood,
    Gossip,
}

/// A network to measure: `nodes` on a random connected graph where each node dials
/// `extra_links` random peers beyond a spanning tree.
#[derive(Debug, Clone, Copy)]
struct Setup {
    nodes: usize,
    extra_links: usize,
    seed: u64,
}

/// Builds the graph (the same for both fanouts, by seed), connects it and lets handshakes and
/// the first gossip heartbeats finish.
fn network(setup: Setup, fanout: Fanout) -> (Sim, Rng) {
    let params = NetworkParams::testing();
    let mut sim = Sim::new(setup.nodes, setup.seed, T0, params, SyncConfig::default());
    sim.net = NetConfig::wide_area();
    let mut rng = Rng::new(setup.seed);
    let links = topology::random_sparse(setup.nodes, setup.extra_links, &mut rng);
    sim.link_graph(&links);
    if fanout == Fanout::Gossip {
        sim.enable_gossip(GossipConfig::default());
    }
    sim.run(3_000);
    (sim, rng)
}

fn registration(sim: &Sim, label: &str, owner: u8) -> Entry {
    let records = vec![a("192.0.2.7")];
    build::register(&sim.params, &key(100 + owner % 16), &name(label), records, sim.now).unwrap()
}

fn everyone(sim: &Sim) -> impl Iterator<Item = usize> + '_ {
    (0..sim.len()).filter(|&i| sim.alive(i))
}

/// Whether every running node holds every traced entry.
fn all_delivered(sim: &Sim) -> bool {
    sim.trace.flights().all(|f| f.reached(everyone(sim)))
}

fn holds_all(sim: &mut Sim, entries: &[Entry]) -> bool {
    (0..sim.len()).all(|i| {
        let ns = sim.node(i).namespace();
        entries.iter().all(|e| ns.get(e.name()) == Some(e))
    })
}

/// What one batch of registrations cost and how it spread.
#[derive(Debug, Clone, PartialEq)]
struct Propagation {
    registrations: usize,
    traffic: Traffic,
    hops: Vec<u32>,
    /// Time from submission to the last node, per registration.
    full_ms: Vec<u64>,
    via: BTreeMap<Via, u64>,
    delivered: bool,
}

/// Submits `count` registrations, each on a random node, `gap_ms` apart, then runs until
/// every node holds all of them (at most 60 s more).
fn propagate(sim: &mut Sim, rng: &mut Rng, count: usize, gap_ms: u64) -> (Propagation, Vec<Entry>) {
    let before = sim.traffic.clone();
    let first = sim.trace.flights().count();
    let mut entries = Vec::new();
    for i in 0..count {
        let entry = registration(sim, &format!("spread{i:05}"), i as u8);
        let origin = rng.below(sim.len());
        sim.submit(origin, entry.clone()).unwrap();
        entries.push(entry);
        sim.run(gap_ms);
    }
    let mut waited = 0;
    while !all_delivered(sim) && waited < 60_000 {
        sim.run(250);
        waited += 250;
    }
    let nodes: Vec<usize> = everyone(sim).collect();
    let mut report = Propagation {
        registrations: count,
        traffic: sim.traffic.since(&before),
        hops: Vec::new(),
        full_ms: Vec::new(),
        via: BTreeMap::new(),
        delivered: all_delivered(sim),
    };
    for flight in sim.trace.flights().skip(first) {
        report.full_ms.extend(flight.full_propagation(nodes.iter().copied()));
        for arrival in flight.arrivals.iter().flatten().filter(|a| a.via != Via::Origin) {
            report.hops.push(arrival.hops);
            *report.via.entry(arrival.via).or_default() += 1;
        }
    }
    (report, entries)
}

/// What healing a partition cost.
#[derive(Debug, Clone)]
struct Heal {
    minority: usize,
    per_side: usize,
    traffic: Traffic,
    converged_ms: Option<u64>,
    via: BTreeMap<Via, u64>,
}

/// Cuts a connected region of `minority` nodes off, registers `per_side` names on each side,
/// heals, and runs until every root is equal (at most 120 s).
fn partition_and_heal(
    sim: &mut Sim,
    rng: &mut Rng,
    minority: usize,
    per_side: usize,
) -> (Heal, Vec<Entry>) {
    let start = rng.below(sim.len());
    let region = topology::region(&sim.neighbours(), start, minority);
    let rest: Vec<usize> = (0..sim.len()).filter(|i| !region.contains(i)).collect();
    sim.partition(&[&region, &rest]);
    let first = sim.trace.flights().count();
    let mut entries = Vec::new();
    for k in 0..per_side {
        for (side, members) in [("inside", &region), ("outside", &rest)] {
            let entry = registration(sim, &format!("{side}{k:05}"), k as u8);
            sim.submit(members[rng.below(members.len())], entry.clone()).unwrap();
            entries.push(entry);
        }
        sim.run(100);
    }
    sim.run(10_000);
    let before = sim.traffic.clone();
    let healed_at = sim.now;
    sim.heal();
    let mut converged_ms = None;
    while sim.now - healed_at < 120_000 {
        sim.run(250);
        if sim.converged() {
            converged_ms = Some(sim.now - healed_at);
            break;
        }
    }
    let mut via = BTreeMap::new();
    for flight in sim.trace.flights().skip(first) {
        for arrival in flight.arrivals.iter().flatten().filter(|a| a.at >= healed_at) {
            *via.entry(arrival.via).or_default() += 1;
        }
    }
    let traffic = sim.traffic.since(&before);
    (Heal { minority, per_side, traffic, converged_ms, via }, entries)
}

/// Live delta frames: pushed `ops` plus the `ops` answering `IWant`.
fn live(t: &Traffic) -> Count {
    t.sum(|k| matches!(k, Kind::Ops | Kind::IWantOps))
}

/// Everything gossip adds to carry live deltas: the `ops` frames and the control frames.
fn live_with_control(t: &Traffic) -> Count {
    t.sum(|k| k == Kind::Ops || k.is_gossip())
}

fn catch_up(t: &Traffic) -> Count {
    t.sum(|k| matches!(k, Kind::Nodes | Kind::Entries))
}

fn percentile<T: Copy + Ord>(values: &[T], pct: usize) -> Option<T> {
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let last = sorted.len().checked_sub(1)?;
    Some(sorted[(last * pct).div_ceil(100)])
}

const SMALL: Setup = Setup { nodes: 50, extra_links: 7, seed: 17 };

#[test]
fn gossip_reaches_every_node_with_fewer_frames_than_flood() {
    let mut results = Vec::new();
    for fanout in [Fanout::Flood, Fanout::Gossip] {
        let (mut sim, mut rng) = network(SMALL, fanout);
        if fanout == Fanout::Gossip {
            let c = GossipConfig::default();
            for i in 0..sim.len() {
                let d = sim.mesh_degree(i).unwrap();
                assert!((c.d_lo..=c.d_hi).contains(&d), "node {i} has mesh degree {d}");
            }
        }
        let (report, entries) = propagate(&mut sim, &mut rng, 20, 500);
        assert!(report.delivered, "{fanout:?}: a node missed a registration");
        assert!(holds_all(&mut sim, &entries), "{fanout:?}: a node does not hold them");
        assert_eq!(report.full_ms.len(), 20);
        assert!(sim.converged(), "{fanout:?}: roots differ");
        results.push(report);
    }
    let (flood, gossip) = (&results[0], &results[1]);
    let (flood_live, gossip_live) = (live(&flood.traffic), live(&gossip.traffic));
    // A mesh degree of 6 to 12 against about 15 links per node.
    assert!(
        gossip_live.frames * 4 < flood_live.frames * 3,
        "gossip sent {gossip_live:?}, flood {flood_live:?}"
    );
    let with_control = live_with_control(&gossip.traffic);
    assert!(with_control.bytes < flood_live.bytes, "{with_control:?} vs {flood_live:?}");
    assert!(gossip.traffic.withheld_ops > 0);
    assert_eq!(flood.traffic.withheld_ops, 0);
    assert!(
        flood.traffic.get(Kind::IHave).frames == 0 && gossip.traffic.get(Kind::IHave).frames > 0
    );
}

#[test]
fn lazy_gossip_alone_delivers_when_there_is_no_mesh() {
    // No mesh and no flood publish: a delta reaches a peer only by IHave/IWant (or catch-up).
    let setup = Setup { nodes: 20, extra_links: 3, seed: 9 };
    let (mut sim, mut rng) = network(setup, Fanout::Flood);
    let config =
        GossipConfig { d: 0, d_lo: 0, d_hi: 0, flood_publish: false, ..Default::default() };
    sim.enable_gossip(config);
    sim.run(2_000);
    let (report, entries) = propagate(&mut sim, &mut rng, 5, 1_000);
    assert!(report.delivered && holds_all(&mut sim, &entries));
    assert_eq!(report.via.get(&Via::Push), None, "{:?}", report.via);
    assert!(report.via.get(&Via::Lazy).is_some_and(|&n| n > 0), "{:?}", report.via);
    assert!(report.traffic.get(Kind::IWant).frames > 0);
    assert_eq!(report.traffic.get(Kind::Ops).frames, 0);
}

#[test]
fn both_fanouts_converge_after_a_partition_heals() {
    for fanout in [Fanout::Flood, Fanout::Gossip] {
        let (mut sim, mut rng) = network(SMALL, fanout);
        let (heal, entries) = partition_and_heal(&mut sim, &mut rng, 10, 10);
        assert!(heal.converged_ms.is_some(), "{fanout:?} did not converge");
        assert!(holds_all(&mut sim, &entries), "{fanout:?}: a node misses a name");
        assert!(all_delivered(&sim));
        assert!(sim.converged());
        // The two sides learnt each other's names after the heal, at least partly by catch-up.
        let after: u64 = heal.via.values().sum();
        assert!(after >= (10 * 40 + 10 * 10) as u64, "{fanout:?}: {:?}", heal.via);
        assert!(heal.via.get(&Via::CatchUp).is_some_and(|&n| n > 0), "{:?}", heal.via);
        assert!(catch_up(&heal.traffic).frames > 0);
    }
}

#[test]
fn the_same_seed_gives_the_same_run() {
    let setup = Setup { nodes: 20, extra_links: 4, seed: 5 };
    let run = || {
        let (mut sim, mut rng) = network(setup, Fanout::Gossip);
        let (report, _) = propagate(&mut sim, &mut rng, 5, 300);
        let roots: Vec<_> = sim.roots();
        (report, roots)
    };
    let (first, second) = (run(), run());
    assert_eq!(first, second);
    let other = {
        let (mut sim, mut rng) = network(Setup { seed: 6, ..setup }, Fanout::Gossip);
        propagate(&mut sim, &mut rng, 5, 300).0
    };
    assert_ne!(first.0.traffic, other.traffic, "another seed, another run");
}

fn per(count: Count, n: usize) -> String {
    format!("{:.0} / {:.1} KB", count.frames as f64 / n as f64, count.bytes as f64 / n as f64 / 1e3)
}

fn print_propagation(setup: Setup, fanout: Fanout, p: &Propagation, links: usize) {
    let n = p.registrations;
    let ms = |v: Option<u64>| v.map_or("-".into(), |v| v.to_string());
    println!(
        "| {} | {links} | {fanout:?} | {} | {} | {} | {} | {} / {} | {} / {} | {:?} |",
        setup.nodes,
        per(live(&p.traffic), n),
        per(p.traffic.sum(Kind::is_gossip), n),
        per(p.traffic.get(Kind::Root), n),
        per(catch_up(&p.traffic), n),
        percentile(&p.hops, 50).unwrap_or(0),
        p.hops.iter().max().unwrap_or(&0),
        ms(percentile(&p.full_ms, 50)),
        ms(percentile(&p.full_ms, 99)),
        p.via,
    );
}

fn print_heal(setup: Setup, fanout: Fanout, h: &Heal) {
    let total = h.traffic.sum(|_| true);
    println!(
        "| {} | {} | {}+{} | {fanout:?} | {} | {} | {} | {} | {} | {:?} |",
        setup.nodes,
        h.minority,
        h.per_side,
        h.per_side,
        h.converged_ms.map_or("no".into(), |v| v.to_string()),
        per(catch_up(&h.traffic), 1),
        per(live_with_control(&h.traffic), 1),
        per(h.traffic.get(Kind::Hello).plus(h.traffic.get(Kind::Root)), 1),
        per(total, 1),
        h.via,
    );
}

/// Prints the tables of `BENCHMARKS.md`, "Fanout at scale".
#[test]
#[ignore = "minutes in release mode: cargo test --release --test sim_scale -- --ignored --nocapture"]
fn scale_report() {
    let sizes: Vec<usize> = std::env::var("VNS_SIM_SIZES")
        .unwrap_or_else(|_| "100,1000".into())
        .split(',')
        .map(|s| s.trim().parse().expect("VNS_SIM_SIZES: numbers"))
        .collect();
    let registrations = 30;
    let mut heals = Vec::new();
    println!("| nodes | links | fanout | live frames / bytes per reg. | gossip control per reg. | root per reg. | catch-up per reg. | hops median / max | full propagation ms median / p99 | first arrival by |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for &nodes in &sizes {
        let setup = Setup { nodes, extra_links: 7, seed: 2026 };
        for fanout in [Fanout::Flood, Fanout::Gossip] {
            let (mut sim, mut rng) = network(setup, fanout);
            let links = sim.neighbours().iter().map(|n| n.len()).sum::<usize>() / 2;
            let (p, entries) = propagate(&mut sim, &mut rng, registrations, 1_000);
            assert!(p.delivered && holds_all(&mut sim, &entries), "{nodes} {fanout:?}");
            print_propagation(setup, fanout, &p, links);
            let (h, entries) = partition_and_heal(&mut sim, &mut rng, nodes / 10, 20);
            assert!(holds_all(&mut sim, &entries), "{nodes} {fanout:?} after the heal");
            heals.push((setup, fanout, h));
        }
    }
    println!();
    println!("| nodes | cut off | registrations inside+outside | fanout | equal roots after ms | catch-up frames / bytes | live + gossip | hello + root | all | arrivals after the heal by |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for (setup, fanout, h) in &heals {
        print_heal(*setup, *fanout, h);
    }
}
