//! The handshake's rules, driven through a node's public face: the timeout, the backoff of
//! re-sent `Hello`s, and clock health deciding the time claims are settled at.

use serde_bytes::ByteArray;

use super::{Event, Message, Outbound, PeerChange, SyncConfig, SyncNode};
use crate::build;
use crate::entry::EncodedEntry;
use crate::identity::Keypair;
use crate::name::Name;
use crate::namespace::Namespace;
use crate::params::NetworkParams;
use crate::tree::empty_root;

const T0: u64 = 1_700_000_000_000;
const MIN: u64 = 60_000;

fn new_node(config: SyncConfig) -> SyncNode {
    SyncNode::new(Namespace::new(NetworkParams::testing()), config)
}

fn hello(clock: u64) -> Vec<u8> {
    let network = ByteArray::new(NetworkParams::testing().network_id());
    Message::Hello { network, root: empty_root(), clock }.encode()
}

/// Opens a session with `peer` at our `now` and completes it with a `Hello` stamped `clock`.
fn ready(node: &mut SyncNode, peer: u64, now: u64, clock: u64) {
    node.connect(peer, now);
    node.receive(peer, &hello(clock), now);
    assert!(node.peers().contains(&peer));
}

fn hellos(out: &[Outbound]) -> usize {
    out.iter()
        .filter(|o| match o {
            Outbound::Send { bytes, .. } => {
                matches!(Message::decode(bytes), Ok(Message::Hello { .. }))
            }
            Outbound::Close { .. } => false,
        })
        .count()
}

fn closes(out: &[Outbound]) -> Vec<&str> {
    out.iter()
        .filter_map(|o| match o {
            Outbound::Close { code, .. } => Some(code.as_str()),
            Outbound::Send { .. } => None,
        })
        .collect()
}

/// Ticks every 100 ms from `from` to `to` (exclusive), gathering what the node sends.
fn run(node: &mut SyncNode, from: u64, to: u64) -> Vec<Outbound> {
    (from..to).step_by(100).flat_map(|t| node.tick(t)).collect()
}

#[test]
fn a_link_without_hello_is_closed_at_the_timeout_and_counted() {
    let mut node = new_node(SyncConfig::default());
    node.connect(1, T0);
    assert!(closes(&run(&mut node, T0, T0 + 10_000)).is_empty(), "open until 10 s");
    let out = node.tick(T0 + 10_000);
    assert_eq!(closes(&out), ["sync.handshake_timeout"]);
    let bye = out.iter().find_map(|o| match o {
        Outbound::Send { bytes, .. } => Message::decode(bytes).ok(),
        Outbound::Close { .. } => None,
    });
    assert!(matches!(bye, Some(Message::Bye { code, .. }) if code == "sync.handshake_timeout"));
    assert!(!node.has_session(1));
    assert_eq!(node.counters().sessions_failed, 1);
    let code = Some("sync.handshake_timeout".to_string());
    assert!(node.take_events().contains(&Event::Peer(PeerChange::Disconnected { peer: 1, code })));
}

#[test]
fn a_completed_handshake_is_never_timed_out() {
    let mut node = new_node(SyncConfig::default());
    ready(&mut node, 1, T0 + 9_000, T0 + 9_000);
    assert!(closes(&run(&mut node, T0 + 9_000, T0 + 30_000)).is_empty());
    assert_eq!(node.peers(), [1]);
}

#[test]
fn hello_is_re_sent_with_backoff_and_a_limit() {
    // Within the default 10 s: sent at 0, re-sent at 2 s and 6 s (4 s later), then closed.
    let mut node = new_node(SyncConfig::default());
    let first = node.connect(1, T0);
    assert_eq!(hellos(&first), 1);
    assert_eq!(hellos(&run(&mut node, T0, T0 + 2_000)), 0);
    assert_eq!(hellos(&run(&mut node, T0 + 2_000, T0 + 2_100)), 1);
    assert_eq!(hellos(&run(&mut node, T0 + 2_100, T0 + 6_000)), 0);
    assert_eq!(hellos(&run(&mut node, T0 + 6_000, T0 + 10_000)), 1);

    // With a longer timeout the limit shows: 2, 4, 8 s apart, then never again.
    let config = SyncConfig { handshake_timeout_ms: 10 * MIN, ..SyncConfig::default() };
    let mut node = new_node(config);
    node.connect(1, T0);
    let sent_at: Vec<u64> = (T0..T0 + 5 * MIN)
        .step_by(100)
        .filter(|&t| hellos(&node.tick(t)) > 0)
        .map(|t| t - T0)
        .collect();
    assert_eq!(sent_at, [2_000, 6_000, 14_000]);
}

/// Two registrations of one name: the earlier (`first`, 7 minutes before `real`) arrives
/// after the later (`second`, 6 minutes before), inside the 15-minute settlement window of
/// real time, so an honest node switches to the earlier one.
fn contested(real: u64) -> (EncodedEntry, EncodedEntry) {
    let params = NetworkParams::testing();
    let name = Name::parse("contested").unwrap();
    let claim = |secret, ts| {
        let key = Keypair::from_secret(&[secret; 32]);
        EncodedEntry::from(build::register(&params, &key, &name, vec![], ts).unwrap())
    };
    (claim(1, real - 7 * MIN), claim(2, real - 6 * MIN))
}

fn held_owner(node: &SyncNode) -> crate::identity::PublicKey {
    node.namespace().get(&Name::parse("contested").unwrap()).unwrap().owner()
}

#[test]
fn a_fast_clock_does_not_settle_claims_early_among_honest_peers() {
    let real = T0;
    let fast = real + 10 * MIN;
    let (first, second) = contested(real);

    // Alone, a clock 10 minutes fast treats both claims as settled and refuses the earlier.
    let mut alone = new_node(SyncConfig::default());
    alone.submit(second.clone(), fast).unwrap();
    let refused = alone.submit(first.clone(), fast).unwrap_err();
    assert_eq!(refused.code(), "rule.settled");

    // With peers at the real time, it says it is skewed and judges at their median.
    let mut node = new_node(SyncConfig::default());
    ready(&mut node, 1, fast, real);
    ready(&mut node, 2, fast, real + 150);
    let health = node.clock_health();
    assert!(health.skewed);
    assert_eq!(
        health.ahead_ms,
        (10 * MIN - 150) as i64,
        "the lower median of 0, -10 min + 150 ms, -10 min"
    );
    assert!(node
        .take_events()
        .iter()
        .any(|e| matches!(e, Event::Clock { health } if health.skewed)));
    for (peer, entry) in [(1, &second), (2, &first)] {
        let ops = Message::Ops { entries: vec![entry.clone()] }.encode();
        node.receive(peer, &ops, fast);
    }
    assert_eq!(node.peer_stats(2).unwrap().accepted, 1, "{:?}", node.peer_stats(2));
    assert_eq!(held_owner(&node), first.entry().owner(), "the earlier claim, as its peers hold");
}

#[test]
fn a_slow_clock_does_not_keep_claims_open_late() {
    // In real time both claims settled a minute or two ago; a node 10 minutes slow would
    // take the late earlier claim that its peers refuse.
    let real = T0 + 10 * MIN;
    let slow = T0;
    let (first, second) = contested(T0);
    let mut node = new_node(SyncConfig::default());
    ready(&mut node, 1, slow, real);
    ready(&mut node, 2, slow, real);
    assert_eq!(node.clock_health().ahead_ms, -(10 * MIN as i64));
    node.submit(second, slow).unwrap();
    assert_eq!(node.submit(first, slow).unwrap_err().code(), "rule.settled");
}

#[test]
fn the_clock_follows_the_ready_peers_only_and_recovers_when_they_go() {
    let mut node = new_node(SyncConfig::default());
    ready(&mut node, 1, T0, T0 - 10 * MIN);
    node.connect(2, T0); // not ready: its clock is unknown and does not count
    assert!(node.clock_health().skewed, "a pair: the later clock yields");
    ready(&mut node, 3, T0, T0);
    ready(&mut node, 4, T0, T0);
    assert!(!node.clock_health().skewed, "three honest clocks out of four");
    node.disconnect(3);
    node.disconnect(4);
    assert!(node.clock_health().skewed);
    node.disconnect(1);
    assert_eq!(node.clock_health(), Default::default());
    let events = node.take_events();
    let skewed: Vec<bool> = events
        .iter()
        .filter_map(|e| match e {
            Event::Clock { health } => Some(health.skewed),
            _ => None,
        })
        .collect();
    // Each change of the ready peers reports the health (here the count moved each time).
    assert_eq!(skewed, [true, false, false, false, true, false], "{events:?}");
}

#[test]
fn a_peer_with_an_absurd_clock_moves_the_correction_no_further_than_the_bound() {
    let mut node = new_node(SyncConfig::default());
    ready(&mut node, 1, T0, 0);
    let health = node.clock_health();
    assert_eq!(health.ahead_ms, 3_600_000);
    assert_eq!(health.judged(T0), T0 - 3_600_000 + 60_000);
}

/// `hello` with `clock: 5` (one byte), with `from` replaced by `to`.
fn hello_with(from: &[u8], to: &[u8]) -> Vec<u8> {
    let bytes = hello(5);
    let at = bytes.windows(from.len()).position(|w| w == from).expect("the part to replace");
    [&bytes[..at], to, &bytes[at + from.len()..]].concat()
}

#[test]
fn a_hello_clock_is_strictly_decoded() {
    let clock = b"\x65clock\x05";
    assert!(matches!(Message::decode(&hello(5)), Ok(Message::Hello { clock: 5, .. })));
    let cases: [(&str, Vec<u8>, &str); 4] = [
        ("not shortest", hello_with(clock, b"\x65clock\x18\x05"), "block.not_canonical"),
        ("negative", hello_with(clock, b"\x65clock\x20"), "sync.malformed"),
        ("text", hello_with(clock, b"\x65clock\x61a"), "sync.malformed"),
        (
            "absent (a version 1 hello in a version 2 frame)",
            {
                let without = hello_with(clock, b"");
                let at = without.windows(5).position(|w| w == b"\x64root").unwrap();
                assert_eq!(without[at - 1], 0xa3, "the hello map's header");
                [&without[..at - 1], &[0xa2], &without[at..]].concat()
            },
            "sync.malformed",
        ),
    ];
    for (what, bytes, code) in cases {
        let got = Message::decode(&bytes).map(|m| m.kind()).map_err(|e| e.code());
        assert_eq!(got, Err(code), "{what}");
    }
    // A session that gets one is closed with that code and keeps no clock from it.
    let mut node = new_node(SyncConfig::default());
    node.connect(1, T0);
    let out = node.receive(1, &hello_with(clock, b"\x65clock\x20"), T0);
    assert_eq!(closes(&out), ["sync.malformed"]);
    assert_eq!(node.clock_health(), Default::default());
}

#[test]
fn a_skewed_node_checks_local_registrations_at_the_judged_time() {
    let fast = T0 + 10 * MIN;
    let mut node = new_node(SyncConfig::default());
    ready(&mut node, 1, fast, T0);
    ready(&mut node, 2, fast, T0);
    let params = NetworkParams::testing();
    let key = Keypair::from_secret(&[3; 32]);
    let own = build::register(&params, &key, &Name::parse("mine").unwrap(), vec![], fast).unwrap();
    // Stamped by this clock, 10 minutes past its peers': they would refuse it, so does it.
    assert_eq!(node.submit(own, fast).unwrap_err().code(), "rule.future_timestamp");
    let honest = build::register(&params, &key, &Name::parse("ours").unwrap(), vec![], T0).unwrap();
    assert!(node.submit(honest, fast).is_ok());
    assert_eq!(node.judged(fast), T0 + MIN);
}
