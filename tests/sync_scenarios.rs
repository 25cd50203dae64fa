//! Peer sync scenarios in the deterministic simulation (tests/sim): every test asserts the
//! final state of each node and that the merkle roots are equal.

#[path = "common/mod.rs"]
mod common;
mod sim;

use common::{a, key, name, T0};
use sim::{NetConfig, Sim};
use vns::build;
use vns::entry::Entry;
use vns::identity::Keypair;
use vns::namespace::ResolveError;
use vns::params::NetworkParams;
use vns::sync::{Event, SyncConfig};
use vns::tree::empty_root;

fn reg_at(params: &NetworkParams, owner: &Keypair, label: &str, ts: u64) -> Entry {
    build::register(params, owner, &name(label), vec![a("192.0.2.7")], ts).unwrap()
}

/// `n` registrations of `prefix0..` at `ts`, owners cycling over a few keys.
fn registrations(params: &NetworkParams, prefix: &str, n: usize, ts: u64) -> Vec<Entry> {
    let owners: Vec<Keypair> = (0..16).map(|k| key(100 + k)).collect();
    (0..n)
        .map(|i| reg_at(params, &owners[i % owners.len()], &format!("{prefix}{i:05}"), ts))
        .collect()
}

fn holds_all(sim: &mut Sim, i: usize, entries: &[Entry]) -> bool {
    let node = sim.node(i);
    entries.iter().all(|e| node.namespace().get(e.name()) == Some(e))
}

/// `nodes` nodes on `params` over a lossy network drawn from `seed`, not linked yet.
fn lossy_sim(nodes: usize, seed: u64, params: &NetworkParams) -> Sim {
    let mut sim = Sim::new(nodes, seed, T0, params.clone(), SyncConfig::default());
    sim.net = NetConfig::lossy();
    sim
}

fn assert_same_roots(sim: &mut Sim) {
    let roots = sim.roots();
    assert!(roots.windows(2).all(|w| w[0].1 == w[1].1), "roots differ: {roots:?}");
}

#[test]
fn register_on_one_node_resolves_on_the_others_over_two_hops() {
    let params = NetworkParams::testing();
    let mut sim = lossy_sim(3, 1, &params);
    // A chain 0 - 1 - 2: node 2 only hears of node 0's change through node 1.
    sim.link(0, 1);
    sim.link(1, 2);
    sim.run(500);
    let alice = name("alice");
    let entry = reg_at(&params, &key(1), "alice", sim.now);
    sim.submit(0, entry.clone()).unwrap();
    assert!(sim.run_until_converged(30_000).is_some(), "did not converge");
    let now = sim.now;
    for i in 1..3 {
        let answer = sim.node(i).namespace().resolve(&alice, now).unwrap();
        assert_eq!(answer.owner, key(1).public());
        assert_eq!(answer.records, &[a("192.0.2.7")][..]);
        assert!(sim.events[i].contains(&Event::Change { name: alice.clone() }));
    }
    assert_same_roots(&mut sim);
    assert_ne!(sim.node(2).merkle_root(), empty_root());
}

#[test]
fn a_restarted_node_catches_up_without_the_senders_queue() {
    let params = NetworkParams::testing();
    let mut sim = lossy_sim(3, 2, &params);
    sim.link_all();
    let early = registrations(&params, "early", 5, sim.now);
    for e in &early {
        sim.submit(1, e.clone()).unwrap();
    }
    assert!(sim.run_until_converged(30_000).is_some());
    // Node 1 goes down (after saving); node 0 is cut off from node 2 as well, so its 100
    // registrations wait in its queue.
    sim.crash(1, true);
    sim.partition(&[&[0], &[1, 2]]);
    let batch = registrations(&params, "batch", 100, sim.now);
    for e in &batch {
        sim.submit(0, e.clone()).unwrap();
    }
    assert_eq!(sim.node(0).queue_status().size, 100);
    // Node 0 meets node 2 only: its queue goes there.
    sim.heal();
    sim.run(3_000);
    let status = sim.node(0).queue_status();
    assert_eq!((status.size, status.replayed), (0, 100));
    assert!(holds_all(&mut sim, 2, &batch));
    // Node 0 leaves; node 1 restarts and can learn the batch only by catch-up from node 2.
    sim.crash(0, true);
    sim.restart(1);
    assert!(holds_all(&mut sim, 1, &early), "node 1 reloads what it saved");
    assert!(!holds_all(&mut sim, 1, &batch));
    assert!(sim.run_until_converged(30_000).is_some(), "did not converge");
    assert!(holds_all(&mut sim, 1, &batch));
    assert_eq!(sim.node(1).namespace().len(), 105);
    let stats = sim.node(1).counters().totals.clone();
    assert!(stats.catchups >= 1 && stats.nodes_fetched > 0, "{stats:?}");
    assert!(stats.accepted >= 100);
    sim.restart(0);
    assert!(sim.run_until_converged(30_000).is_some());
    assert_same_roots(&mut sim);
}

#[test]
fn queue_overflow_is_repaired_by_catch_up() {
    let params = NetworkParams::testing();
    let mut sim = lossy_sim(2, 3, &params);
    sim.link_all();
    sim.partition(&[&[0], &[1]]);
    let batch = registrations(&params, "offline", 2000, sim.now);
    for e in &batch {
        sim.submit(0, e.clone()).unwrap();
    }
    let status = sim.node(0).queue_status();
    assert_eq!((status.size, status.capacity, status.dropped), (1000, 1000, 1000));
    let overflow: u64 = sim.events[0]
        .iter()
        .map(|e| match e {
            Event::QueueOverflow { dropped, capacity: 1000, .. } => *dropped,
            _ => 0,
        })
        .sum();
    assert_eq!(overflow, 1000, "overflow events report every dropped delta");
    sim.heal();
    assert!(sim.run_until_converged(60_000).is_some(), "did not converge");
    assert!(holds_all(&mut sim, 1, &batch));
    assert_eq!(sim.node(1).namespace().len(), 2000);
    assert_eq!(sim.node(0).queue_status().replayed, 1000);
    assert_same_roots(&mut sim);
}

#[test]
fn partitioned_conflicting_registrations_converge_to_the_earliest() {
    let params = NetworkParams::testing();
    let mut sim = lossy_sim(5, 4, &params);
    sim.link_all();
    sim.run(500);
    sim.partition(&[&[0, 1], &[2, 3, 4]]);
    let (left, right) = (key(11), key(12));
    let t = sim.now;
    let mut expected = Vec::new();
    for i in 0..20u64 {
        let label = format!("contested{i:02}");
        // Within the settlement window: even names are earlier on the left, odd on the right.
        let (tl, tr) = if i % 2 == 0 { (t, t + 2_000) } else { (t + 2_000, t) };
        let l = reg_at(&params, &left, &label, tl);
        let r = reg_at(&params, &right, &label, tr);
        expected.push((name(&label), if i % 2 == 0 { left.public() } else { right.public() }));
        sim.submit((i % 2) as usize, l).unwrap();
        sim.submit(2 + (i % 3) as usize, r).unwrap();
        sim.run(200);
    }
    sim.run(5_000);
    assert!(!sim.converged(), "the two sides disagree while partitioned");
    sim.heal();
    assert!(sim.run_until_converged(60_000).is_some(), "did not converge");
    let now = sim.now;
    for i in 0..5 {
        for (n, owner) in &expected {
            let got = sim.node(i).namespace().resolve(n, now).unwrap().owner;
            assert_eq!(&got, owner, "node {i}, {n}");
        }
    }
    assert_same_roots(&mut sim);
}

#[test]
fn expiry_happens_everywhere_at_once_without_messages() {
    let params = NetworkParams {
        registration_period_ms: 60_000,
        grace_period_ms: 30_000,
        ..NetworkParams::testing()
    };
    let mut sim = lossy_sim(3, 5, &params);
    sim.link_all();
    let short = name("shortlived");
    let registered = sim.now;
    sim.submit(0, reg_at(&params, &key(3), "shortlived", registered)).unwrap();
    assert!(sim.run_until_converged(10_000).is_some());
    let accepted: Vec<u64> = (0..3).map(|i| sim.node(i).counters().totals.accepted).collect();
    let live_root = sim.node(0).merkle_root();
    // Just before and just after the signed expiry, on every node, with no message.
    sim.run(registered + 60_000 - 1 - sim.now);
    let now = sim.now;
    for i in 0..3 {
        assert!(sim.node(i).namespace().resolve(&short, now).is_ok());
    }
    sim.run(1);
    let now = sim.now;
    for i in 0..3 {
        let err = sim.node(i).namespace().resolve(&short, now).unwrap_err();
        assert!(matches!(err, ResolveError::InGrace { .. }), "{err:?}");
    }
    // Sweeping in grace removes nothing; after the grace period it removes the name everywhere.
    assert!(sim.sweep_all().iter().all(|s| s.is_empty()));
    sim.run(30_000);
    let swept = sim.sweep_all();
    assert!(swept.iter().all(|s| s == &vec![short.clone()]), "{swept:?}");
    for (i, accepted) in accepted.into_iter().enumerate() {
        assert_eq!(sim.node(i).counters().totals.accepted, accepted, "no op travelled");
        assert!(sim.node(i).namespace().is_empty());
        assert_eq!(sim.node(i).merkle_root(), empty_root());
    }
    assert_ne!(live_root, empty_root());
    // And it stays that way: nobody sends the dead version back.
    sim.run(5_000);
    assert!((0..3).all(|i| sim.node(i).namespace().is_empty()));
}

/// 10,000 registrations over 5 nodes on a lossy network: about 12 s in the dev profile on
/// two cores, so it runs by default.
#[test]
fn ten_thousand_registrations_spread_over_five_nodes_converge() {
    spread(10_000, 8);
}

fn spread(n: usize, seed: u64) {
    let params = NetworkParams::testing();
    let mut sim = lossy_sim(5, seed, &params);
    sim.link_all();
    let all = registrations(&params, "spread", n, sim.now);
    for (i, e) in all.iter().enumerate() {
        sim.submit(i % 5, e.clone()).unwrap();
        if i % 50 == 49 {
            sim.run(20);
        }
    }
    assert!(sim.run_until_converged(120_000).is_some(), "did not converge");
    for i in 0..5 {
        assert_eq!(sim.node(i).namespace().len(), n);
    }
    assert!(holds_all(&mut sim, 4, &all));
    assert_same_roots(&mut sim);
}

#[test]
fn a_malicious_peer_cannot_forge_and_only_its_session_suffers() {
    use serde_bytes::ByteArray;
    use vns::sync::{Message, Outbound};

    let params = NetworkParams::testing();
    let mut sim = lossy_sim(3, 6, &params);
    sim.link_all();
    let owner = key(1);
    let evil = key(66);
    let victim = name("victim");
    let registered = sim.now;
    let v1 = reg_at(&params, &owner, "victim", registered);
    sim.submit(1, v1.clone()).unwrap();
    sim.run(1_000);
    let v2 = build::update(&v1, &owner, vec![a("198.51.100.1")], sim.now).unwrap();
    sim.submit(1, v2.clone()).unwrap();
    assert!(sim.run_until_converged(30_000).is_some());
    // Past the settlement window.
    sim.run(16 * 60_000);

    // The attacker opens a session with node 0 and completes the handshake.
    let network = ByteArray::new(params.network_id());
    let hello = Message::Hello { network, root: empty_root(), clock: sim.now };
    sim.connect_external(0, 99);
    let reply = sim.inject(0, 99, &hello.encode());
    assert!(reply.iter().all(|o| matches!(o, Outbound::Send { .. })), "{reply:?}");
    assert!(sim.node(0).peers().contains(&99));
    let now = sim.now;
    let mut tampered = v2.clone();
    tampered.records = vec![a("203.0.113.66")];
    let forged_transfer = build::transfer(&v2, &evil, evil.public(), now);
    let backdated = reg_at(&params, &evil, "victim", registered - 60_000);
    let future = reg_at(&params, &evil, "tomorrow", now + 60 * 60_000);
    let legit = reg_at(&params, &evil, "evilsown", now);
    let ops = Message::Ops {
        entries: vec![
            forged_transfer.into(),
            v1.clone().into(),
            v2.clone().into(),
            backdated.into(),
            tampered.into(),
            future.into(),
            legit.clone().into(),
        ],
    };
    sim.inject(0, 99, &ops.encode());
    // An unsolicited reply is ignored.
    sim.inject(0, 99, &Message::Nodes { id: 12345, root: empty_root(), blocks: vec![] }.encode());
    let stats = sim.node(0).peer_stats(99).unwrap().clone();
    for code in [
        "rule.wrong_signer",
        "rule.stale",
        "rule.settled",
        "rule.records_mismatch",
        "rule.future_timestamp",
    ] {
        assert_eq!(stats.rejected.get(code), Some(&1), "{code}: {stats:?}");
    }
    assert_eq!((stats.accepted, stats.duplicates, stats.ignored), (1, 1, 1));

    // Garbage ends that session, with a Bye naming the error, and nothing else. (A CBOR
    // integer followed by trailing bytes: not canonical.)
    let out = sim.inject(0, 99, b"\x00garbage\xff");
    let Some(Outbound::Close { code, .. }) = out.last() else { panic!("{out:?}") };
    assert_eq!(code, "block.not_canonical");
    match out.first() {
        Some(Outbound::Send { bytes, .. }) => {
            let bye = Message::decode(bytes).unwrap();
            assert!(matches!(bye, Message::Bye { ref code, .. } if code == "block.not_canonical"));
        }
        other => panic!("expected a Bye first, got {other:?}"),
    }
    assert!(!sim.node(0).has_session(99));
    // A second attacker session: an oversized frame is refused before decoding.
    sim.connect_external(0, 98);
    sim.inject(0, 98, &hello.encode());
    let out = sim.inject(0, 98, &vec![0xa1; 2 << 20]);
    assert!(
        matches!(out.last(), Some(Outbound::Close { code, .. }) if code == "sync.frame_too_large")
    );
    assert!(sim.events[0].iter().any(
        |e| matches!(e, Event::PeerError { peer: 98, code, .. } if code == "sync.frame_too_large")
    ));

    // The honest sessions were untouched and keep carrying changes.
    assert_eq!(sim.node(0).peers(), vec![1, 2]);
    sim.submit(2, reg_at(&params, &key(2), "afterwards", sim.now)).unwrap();
    assert!(sim.run_until_converged(30_000).is_some(), "did not converge");
    let now = sim.now;
    for i in 0..3 {
        let ns = sim.node(i).namespace();
        let held = ns.resolve(&victim, now).unwrap();
        assert_eq!((held.owner, held.records), (owner.public(), &[a("198.51.100.1")][..]));
        assert_eq!(ns.get(&victim), Some(&v2));
        assert!(ns.resolve(&name("afterwards"), now).is_ok());
        assert_eq!(ns.get(&name("evilsown")), Some(&legit), "valid ops spread, whoever sent them");
        assert!(ns.get(&name("tomorrow")).is_none());
        let rejected = &sim.node(i).counters().totals.rejected;
        if i > 0 {
            assert!(!rejected.contains_key("rule.wrong_signer"), "forgeries are not forwarded");
        }
    }
    assert_same_roots(&mut sim);
}
