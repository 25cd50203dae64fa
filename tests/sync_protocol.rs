//! Sync protocol details: handshake refusals, frame limits, hostile bytes, the delta queue
//! (overflow, failed sends, persistence across restarts), no echo.

#[path = "common/mod.rs"]
mod common;
mod sim;

use common::{name, ops_to, reg, T0};
use serde_bytes::ByteArray;
use sim::{NetConfig, Rng, Sim};
use vns::blockstore::MemoryBlockstore;
use vns::namespace::{Limits, Namespace};
use vns::params::NetworkParams;
use vns::sync::{
    Event, Message, Outbound, PeerChange, SyncConfig, SyncNode, MAX_FRAME_BYTES,
    MAX_NODES_PER_FRAME, PROTOCOL_VERSION,
};
use vns::tree::empty_root;

fn node(params: NetworkParams) -> SyncNode {
    let limits = Limits { registrations_per_hour: u32::MAX };
    SyncNode::new(Namespace::with_limits(params, limits), SyncConfig::default())
}

fn frames(out: &[Outbound]) -> Vec<Message> {
    out.iter()
        .filter_map(|o| match o {
            Outbound::Send { bytes, .. } => Some(Message::decode(bytes).unwrap()),
            Outbound::Close { .. } => None,
        })
        .collect()
}

fn close_code(out: &[Outbound]) -> Option<&str> {
    out.iter().find_map(|o| match o {
        Outbound::Close { code, .. } => Some(code.as_str()),
        _ => None,
    })
}

/// A `Hello` on `params`' network, its clock at the tests' time.
fn hello(params: &NetworkParams) -> Vec<u8> {
    let network = ByteArray::new(params.network_id());
    Message::Hello { network, root: empty_root(), clock: T0 }.encode()
}

/// A node on `params` whose peer 1 has completed the handshake.
fn node_with_peer(params: &NetworkParams) -> SyncNode {
    let mut b = node(params.clone());
    b.connect(1, T0);
    b.receive(1, &hello(params), T0);
    b
}

#[test]
fn another_protocol_version_is_refused_with_a_clear_reason() {
    let params = NetworkParams::testing();
    let mut a = node(params.clone());
    a.connect(1, T0);
    // The frame is the map {"m": …, "v": PROTOCOL_VERSION}; its last byte is the version.
    let mut frame = hello(&params);
    let theirs = PROTOCOL_VERSION + 1;
    *frame.last_mut().unwrap() = theirs as u8;
    let out = a.receive(1, &frame, T0);
    assert_eq!(close_code(&out), Some("sync.version_mismatch"));
    let Message::Bye { code, reason } = &frames(&out)[0] else { panic!("{out:?}") };
    assert_eq!(code, "sync.version_mismatch");
    let versions = (format!("version {theirs}"), format!("speaks {PROTOCOL_VERSION}"));
    assert!(reason.contains(&versions.0) && reason.contains(&versions.1), "{reason}");
    assert!(!a.has_session(1));
    assert_eq!(a.counters().sessions_failed, 1);
}

#[test]
fn a_frame_of_version_1_is_refused_as_another_version_whatever_its_message() {
    let params = NetworkParams::testing();
    // Version 1's `hello` had no clock; a version-2 message in a version-1 frame is no
    // version-1 frame either: both are refused by their version, before their message.
    let mut frames = vec![hello(&params), Message::Watch { names: vec![] }.encode()];
    for frame in &mut frames {
        assert_eq!(*frame.last().unwrap(), 2);
        *frame.last_mut().unwrap() = 1;
        assert_eq!(Message::decode(frame).unwrap_err().code(), "sync.version_mismatch");
    }
}

#[test]
fn another_network_is_refused_on_both_sides() {
    let mut sim = Sim::new(2, 1, T0, NetworkParams::testing(), SyncConfig::default());
    // Node 1 runs the main network's parameters: swap it in before linking.
    let main = NetworkParams::default();
    *sim.node(1) = node(main);
    sim.link(0, 1);
    sim.run(1_000);
    for i in 0..2 {
        assert!(sim.node(i).peers().is_empty());
        assert!(
            sim.events[i].iter().any(|e| matches!(e,
                Event::Peer(PeerChange::Disconnected { code: Some(c), .. }) if c == "sync.network_mismatch")),
            "node {i}: {:?}",
            sim.events[i]
        );
    }
}

#[test]
fn hostile_bytes_never_panic_and_close_only_their_session() {
    let params = NetworkParams::testing();
    let mut sim = Sim::new(2, 9, T0, params.clone(), SyncConfig::default());
    sim.link_all();
    sim.run(500);
    let valid = [
        hello(&params),
        Message::Ops { entries: vec![reg(1, "alice", T0).into()] }.encode(),
        Message::GetNodes { id: 1, cids: vec![empty_root()] }.encode(),
    ];
    let mut rng = Rng::new(42);
    let mut closed = 0;
    for round in 0..300u64 {
        let handle = 1_000 + round;
        sim.connect_external(0, handle);
        sim.inject(0, handle, &hello(&params));
        // Random bytes, or a valid frame with a few bytes flipped or cut short.
        let bytes = match round % 3 {
            0 => (0..rng.range(0, 300)).map(|_| rng.next_u64() as u8).collect::<Vec<u8>>(),
            1 => {
                let mut f = valid[(round as usize / 3) % valid.len()].clone();
                for _ in 0..3 {
                    let i = rng.range(0, f.len() as u64 - 1) as usize;
                    f[i] ^= rng.next_u64() as u8 | 1;
                }
                f
            }
            _ => {
                let f = &valid[(round as usize / 3) % valid.len()];
                f[..rng.range(0, f.len() as u64 - 1) as usize].to_vec()
            }
        };
        let out = sim.inject(0, handle, &bytes);
        if let Some(code) = close_code(&out) {
            assert!(code.starts_with("sync.") || code == "block.not_canonical", "{code}");
            closed += 1;
            assert!(!sim.node(0).has_session(handle));
        } else {
            sim.node(0).disconnect(handle);
        }
    }
    assert!(closed > 250, "most hostile frames end their session ({closed})");
    // The honest session is intact and works.
    assert_eq!(sim.node(0).peers(), vec![1]);
    sim.submit(1, reg(2, "bob", sim.now)).unwrap();
    assert!(sim.run_until_converged(10_000).is_some());
    assert!(sim.node(0).namespace().get(&name("bob")).is_some());
}

#[test]
fn frame_limits_are_enforced() {
    let too_many = Message::GetNodes { id: 1, cids: vec![empty_root(); MAX_NODES_PER_FRAME + 1] };
    assert_eq!(Message::decode(&too_many.encode()).unwrap_err().code(), "sync.too_many");
    let mut empty_entry = reg(1, "alice", T0);
    empty_entry.ops.clear();
    let ops = Message::Ops { entries: vec![empty_entry.into()] };
    assert_eq!(Message::decode(&ops.encode()).unwrap_err().code(), "sync.malformed");
    let big = vec![0u8; MAX_FRAME_BYTES + 1];
    assert_eq!(Message::decode(&big).unwrap_err().code(), "sync.frame_too_large");
    let long = Message::Bye { code: "x".into(), reason: "r".repeat(5000) };
    assert_eq!(Message::decode(&long.encode()).unwrap_err().code(), "sync.too_many");
    // Every message kind round-trips.
    let all = [
        Message::Hello { network: ByteArray::new([7; 32]), root: empty_root(), clock: T0 },
        Message::Ops { entries: vec![reg(1, "alice", T0).into()] },
        Message::Root { root: empty_root() },
        Message::GetNodes { id: 3, cids: vec![empty_root()] },
        Message::Nodes { id: 3, root: empty_root(), blocks: vec![vec![1, 2].into()] },
        Message::GetEntries { id: 4, names: vec![name("alice")] },
        Message::Entries { id: 4, entries: vec![reg(1, "alice", T0).into()] },
        Message::Bye { code: "sync.shutdown".into(), reason: "maintenance".into() },
    ];
    for m in all {
        assert_eq!(Message::decode(&m.encode()).unwrap(), m, "{}", m.kind());
    }
}

#[test]
fn messages_before_the_handshake_are_ignored() {
    let params = NetworkParams::testing();
    let mut a = node(params);
    a.connect(1, T0);
    let out =
        a.receive(1, &Message::Ops { entries: vec![reg(1, "alice", T0).into()] }.encode(), T0);
    assert!(out.is_empty());
    assert!(a.namespace().is_empty());
    assert_eq!(a.peer_stats(1).unwrap().ignored, 1);
}

#[test]
fn a_delta_is_not_echoed_to_its_sender() {
    let params = NetworkParams::testing();
    let mut b = node_with_peer(&params);
    let out =
        b.receive(1, &Message::Ops { entries: vec![reg(1, "alice", T0).into()] }.encode(), T0);
    assert_eq!(b.peer_stats(1).unwrap().accepted, 1);
    assert!(!frames(&out).iter().any(|m| matches!(m, Message::Ops { .. })), "{out:?}");
    // A change from peer 1 goes to peer 3 only; a local change goes to both, once.
    b.connect(3, T0);
    b.receive(3, &hello(&params), T0);
    let out = b.receive(1, &Message::Ops { entries: vec![reg(2, "bob", T0).into()] }.encode(), T0);
    assert_eq!(ops_to(&out), vec![3]);
    let out = b.submit(reg(3, "carol", T0), T0).unwrap().out;
    assert_eq!(ops_to(&out), vec![1, 3]);
    let out =
        b.receive(3, &Message::Ops { entries: vec![reg(3, "carol", T0).into()] }.encode(), T0);
    assert!(ops_to(&out).is_empty(), "a duplicate is not forwarded");
}

#[test]
fn the_queue_survives_a_restart_and_replays_after_the_delay() {
    let params = NetworkParams::testing();
    let store = MemoryBlockstore::new();
    let mut a = node(params.clone());
    let entries: Vec<_> = ["alpha", "bravo", "charlie"].iter().map(|n| reg(1, n, T0)).collect();
    for e in &entries {
        assert!(a.submit(e.clone(), T0).unwrap().out.is_empty(), "nobody to send to");
    }
    assert_eq!(a.queue_status().size, 3);
    pollster::block_on(a.save(&store)).unwrap();
    let saved = |store: &MemoryBlockstore| {
        let bytes = pollster::block_on(vns::blockstore::Blockstore::get_state(store, "queue"))
            .unwrap()
            .unwrap();
        vns::sync::QueueRecord::decode(&bytes).unwrap()
    };
    assert_eq!(saved(&store).chunks.len(), 1, "three deltas, in one chunk");
    drop(a);
    let limits = Limits { registrations_per_hour: u32::MAX };
    let mut a =
        pollster::block_on(SyncNode::load(&store, params.clone(), limits, SyncConfig::default()))
            .unwrap();
    assert_eq!(a.queue_status().size, 3);
    assert_eq!(a.namespace().len(), 3);
    a.connect(2, T0 + 10);
    a.receive(2, &hello(&params), T0 + 10);
    let ops = |out: &[Outbound]| -> usize {
        frames(out)
            .iter()
            .map(|m| match m {
                Message::Ops { entries } => entries.len(),
                _ => 0,
            })
            .sum()
    };
    assert_eq!(ops(&a.tick(T0 + 10 + 999)), 0, "not before the replay delay");
    let out = a.tick(T0 + 10 + 1000);
    assert_eq!(ops(&out), 3);
    let status = a.queue_status();
    assert_eq!((status.size, status.replayed), (0, 3));
    // A failed send puts the deltas back, and they go out again after the delay.
    let Some(Outbound::Send { bytes, .. }) =
        out.iter().find(|o| matches!(o, Outbound::Send { bytes, .. } if matches!(Message::decode(bytes), Ok(Message::Ops { .. }))))
    else {
        panic!("no Ops frame")
    };
    a.send_failed(2, bytes, T0 + 2000);
    assert_eq!(a.queue_status().size, 3);
    assert_eq!(ops(&a.tick(T0 + 3000)), 3);
    // The saved queue is also what a restart would reload.
    // Both replays are counted, and the replayed deltas left the queue: no chunk is linked.
    pollster::block_on(a.save(&store)).unwrap();
    let record = saved(&store);
    assert_eq!((record.replayed, record.chunks.len()), (6, 0));
}

#[test]
fn a_corrupt_saved_queue_does_not_stop_the_node() {
    let params = NetworkParams::testing();
    let store = MemoryBlockstore::new();
    let mut a = node(params.clone());
    a.submit(reg(1, "alpha", T0), T0).unwrap();
    pollster::block_on(a.save(&store)).unwrap();
    pollster::block_on(vns::blockstore::Blockstore::commit(
        &store,
        &[],
        &[("queue".into(), Some(b"\x00nonsense".to_vec()))],
    ))
    .unwrap();
    let mut a = pollster::block_on(SyncNode::load(
        &store,
        params,
        Limits::default(),
        SyncConfig::default(),
    ))
    .unwrap();
    assert_eq!(a.namespace().len(), 1);
    assert_eq!(a.queue_status().size, 0);
    assert!(
        matches!(&a.take_events()[..], [Event::QueueLost { code, .. }] if code == "sync.queue_corrupt")
    );
}

#[test]
fn lossy_network_with_crash_losing_unsaved_changes_recovers_them_from_peers() {
    let params = NetworkParams::testing();
    let mut sim = Sim::new(3, 11, T0, params.clone(), SyncConfig::default());
    sim.net = NetConfig::lossy();
    sim.link_all();
    sim.run(500);
    sim.save(0);
    let e = reg(5, "unsaved", sim.now);
    sim.submit(0, e.clone()).unwrap();
    sim.run(2_000);
    // Node 0 dies without saving: its own registration is gone from its store...
    sim.crash(0, false);
    sim.restart(0);
    assert!(sim.node(0).namespace().get(e.name()).is_none());
    // ...and comes back from its peers.
    assert!(sim.run_until_converged(30_000).is_some());
    assert_eq!(sim.node(0).namespace().get(e.name()), Some(&e));
}

/// Delivers frames between `nodes` (node i knows node j as peer j) in waves until quiet;
/// returns how many waves carried a catch-up request from node 0.
fn settle(nodes: &mut [SyncNode], mut inflight: Vec<(usize, Outbound)>, now: u64) -> u32 {
    let mut request_waves = 0;
    while !inflight.is_empty() {
        let wave = std::mem::take(&mut inflight);
        let mut requested = false;
        for (from, o) in wave {
            let Outbound::Send { peer, bytes } = o else { continue };
            let is_request = matches!(
                Message::decode(&bytes),
                Ok(Message::GetNodes { .. } | Message::GetEntries { .. })
            );
            requested |= from == 0 && is_request;
            let to = peer as usize;
            let out = nodes[to].receive(from as u64, &bytes, now);
            inflight.extend(out.into_iter().map(|o| (to, o)));
        }
        request_waves += requested as u32;
    }
    request_waves
}

#[test]
fn catch_up_cost_follows_the_differences_not_the_size() {
    let params = NetworkParams::testing();
    let limits = Limits { registrations_per_hour: u32::MAX };
    let mut base = Namespace::with_limits(params.clone(), limits);
    for i in 0..5_000 {
        base.restore(reg(1 + (i % 7) as u8, &format!("base{i:05}"), T0));
    }
    base.merkle_root();
    let depth = base.tree().depth() as u32;
    let extra: Vec<_> = (0..10).map(|i| reg(9, &format!("extra{i:02}"), T0)).collect();
    let mut other = base.clone();
    for e in &extra {
        other.restore(e.clone());
    }
    let mut nodes =
        [SyncNode::new(base, SyncConfig::default()), SyncNode::new(other, SyncConfig::default())];
    let now = T0 + 1;
    let mut inflight: Vec<(usize, Outbound)> =
        nodes[0].connect(1, now).into_iter().map(|o| (0, o)).collect();
    inflight.extend(nodes[1].connect(0, now).into_iter().map(|o| (1, o)));
    let round_trips = settle(&mut nodes, inflight, now);
    assert!(extra.iter().all(|e| nodes[0].namespace().get(e.name()) == Some(e)));
    assert_eq!(nodes[0].merkle_root(), nodes[1].merkle_root());
    let totals = &nodes[0].counters().totals;
    assert!(round_trips <= 2 * depth, "{round_trips} round trips, depth {depth}");
    assert!(totals.bytes_in + totals.bytes_out < 30_000, "{totals:?}");
    assert_eq!(totals.accepted, 10);
}

/// A registration whose signature has one bit flipped: no honest peer relays it.
fn forged(label: &str) -> vns::entry::Entry {
    let mut entry = reg(1, label, T0);
    let mut sig = *entry.ops[0].sig;
    sig[0] ^= 1;
    entry.ops[0].sig = ByteArray::new(sig);
    entry
}

#[test]
fn a_peer_sending_forgeries_is_closed_after_the_limit_and_others_keep_syncing() {
    let params = NetworkParams::testing();
    let mut b = node(params.clone());
    for peer in [1, 2] {
        b.connect(peer, T0);
        b.receive(peer, &hello(&params), T0);
    }
    let limit = SyncConfig::default().max_faulty_entries;
    // Up to the limit the session stays open; each forgery is refused and counted.
    let batch: Vec<_> = (0..limit).map(|i| forged(&format!("forged{i}"))).collect();
    let out = b.receive(
        1,
        &Message::Ops { entries: batch.into_iter().map(Into::into).collect() }.encode(),
        T0,
    );
    assert_eq!(close_code(&out), None);
    assert_eq!(b.peer_stats(1).unwrap().rejected["rule.bad_signature"], limit);
    // One more closes it, with a reason naming the rule; the rest of its frame is not checked.
    let more = vec![forged("one-more"), forged("never-checked")];
    let out = b.receive(
        1,
        &Message::Ops { entries: more.into_iter().map(Into::into).collect() }.encode(),
        T0,
    );
    assert_eq!(close_code(&out), Some("sync.faulty_peer"));
    let Message::Bye { reason, .. } = &frames(&out)[0] else { panic!("{out:?}") };
    assert!(reason.contains("rule.bad_signature"), "{reason}");
    assert!(!b.has_session(1));
    assert!(b.namespace().is_empty(), "no forgery was stored");
    // The other peer is untouched and still syncs.
    b.receive(2, &Message::Ops { entries: vec![reg(2, "honest", T0).into()] }.encode(), T0);
    assert_eq!(b.peer_stats(2).unwrap().accepted, 1);
    assert!(b.namespace().get(&name("honest")).is_some());
}

#[test]
fn refusals_honest_peers_cause_in_races_never_close_a_session() {
    let params = NetworkParams::testing();
    let mut b = node_with_peer(&params);
    let limit = SyncConfig::default().max_faulty_entries;
    // Versions that lose a conflict here (an earlier claim is held), many times over.
    let held: Vec<_> = (0..=limit).map(|i| reg(2, &format!("race{i}"), T0)).collect();
    b.receive(
        1,
        &Message::Ops { entries: held.into_iter().map(Into::into).collect() }.encode(),
        T0,
    );
    let later: Vec<_> = (0..=limit).map(|i| reg(3, &format!("race{i}"), T0 + 1)).collect();
    let out = b.receive(
        1,
        &Message::Ops { entries: later.into_iter().map(Into::into).collect() }.encode(),
        T0 + 1,
    );
    assert_eq!(close_code(&out), None);
    assert_eq!(b.peer_stats(1).unwrap().rejected["rule.conflict_lost"], limit + 1);
    assert!(b.has_session(1));
}
