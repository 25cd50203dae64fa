//! Live deltas on a pub-sub topic: the verdict every message gets (accept, reject for what
//! no honest node publishes, ignore for honest races and old news), what is handed out for
//! publication, and catch-up links that carry no live deltas.

#[path = "common/mod.rs"]
mod common;

use common::{key, name, ops_to, reg, T0};
use serde_bytes::ByteArray;
use vns::build;
use vns::entry::{EncodedEntry, Entry};
use vns::namespace::{Limits, Namespace};
use vns::params::NetworkParams;
use vns::sync::{Message, Outbound, SyncConfig, SyncNode, Verdict};
use vns::tree::empty_root;

fn node() -> SyncNode {
    let limits = Limits { registrations_per_hour: u32::MAX };
    SyncNode::new(Namespace::with_limits(NetworkParams::testing(), limits), SyncConfig::default())
}

fn bytes(entry: &Entry) -> Vec<u8> {
    EncodedEntry::from(entry.clone()).bytes().to_vec()
}

/// A peer's `Hello` with an empty root, its clock at `T0`.
fn hello() -> Vec<u8> {
    let network = NetworkParams::testing().network_id();
    Message::Hello { network: ByteArray::new(network), root: empty_root(), clock: T0 }.encode()
}

#[test]
fn new_valid_entries_are_accepted_and_repeats_ignored() {
    let mut b = node();
    let alice = reg(1, "alice", T0);
    let first = b.receive_published(&bytes(&alice), T0);
    assert_eq!((first.verdict, first.code), (Verdict::Accept, None));
    assert_eq!(first.name, Some(name("alice")));
    assert_eq!(b.namespace().get(&name("alice")), Some(&alice));
    let again = b.receive_published(&bytes(&alice), T0);
    assert_eq!((again.verdict, again.code), (Verdict::Ignore, None));
    assert_eq!(b.counters().totals.accepted, 1);
    assert_eq!(b.counters().totals.duplicates, 1);
}

#[test]
fn what_no_honest_node_publishes_is_rejected_and_stored_nowhere() {
    let mut b = node();
    let mut forged = reg(1, "forged", T0);
    let mut sig = *forged.ops[0].sig;
    sig[0] ^= 1;
    forged.ops[0].sig = ByteArray::new(sig);
    let weak = weak_work("weakwork");
    let mut non_canonical = bytes(&reg(1, "padded", T0));
    non_canonical.push(0);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("a flipped signature bit", bytes(&forged)),
        ("a properly signed entry without the work", bytes(&weak)),
        ("garbage", vec![0xde, 0xad, 0xbe, 0xef]),
        ("empty", vec![]),
        ("a trailing byte", non_canonical),
        ("a sync frame, not an entry", hello()),
    ];
    for (what, message) in cases {
        let got = b.receive_published(&message, T0);
        assert_eq!(got.verdict, Verdict::Reject, "{what}: {got:?}");
        assert!(got.code.is_some(), "{what}: a reason is given");
        assert!(got.out.is_empty(), "{what}: nothing forwarded");
    }
    assert!(b.namespace().is_empty());
    assert_eq!(b.counters().totals.rejected.values().sum::<u64>(), 6);
    assert_eq!(b.counters().totals.rejected["rule.bad_signature"], 1);
    assert_eq!(b.counters().totals.rejected["rule.proof_of_work"], 1);
}

/// A registration signed by its owner whose nonce does not meet the difficulty.
fn weak_work(label: &str) -> Entry {
    let params = NetworkParams::testing();
    (0..1_000)
        .map(|nonce| {
            build::register_with_nonce(&params, &key(1), &name(label), vec![], T0, nonce).unwrap()
        })
        .find(|entry| {
            let mut scratch = Namespace::new(params.clone());
            scratch.apply(entry.clone(), T0).is_err_and(|e| e.code() == "rule.proof_of_work")
        })
        .expect("most nonces miss even the testing difficulty")
}

#[test]
fn honest_races_and_old_news_are_ignored_never_rejected() {
    let mut b = node();
    let held = reg(2, "race", T0);
    assert_eq!(b.receive_published(&bytes(&held), T0).verdict, Verdict::Accept);
    // Someone else claimed the name a moment later: it loses the conflict.
    let lost = b.receive_published(&bytes(&reg(3, "race", T0 + 1)), T0 + 1);
    assert_eq!((lost.verdict, lost.code), (Verdict::Ignore, Some("rule.conflict_lost")));
    // An older version after a newer one: stale.
    let params = NetworkParams::testing();
    let newer = build::renew(&held, &key(2), &params, T0 + 2);
    assert_eq!(b.receive_published(&bytes(&newer), T0 + 2).verdict, Verdict::Accept);
    let stale = b.receive_published(&bytes(&held), T0 + 3);
    assert_eq!(stale.verdict, Verdict::Ignore, "{stale:?}");
    assert!(stale.code.is_some());
    // Ahead of this node's clock: an honest publisher's clock may run fast.
    let ahead = b.receive_published(&bytes(&reg(4, "future", T0 + 3_600_000)), T0);
    assert_eq!(ahead.verdict, Verdict::Ignore, "{ahead:?}");
    assert_eq!(b.namespace().get(&name("race")), Some(&newer));
}

#[test]
fn accepted_changes_are_published_except_those_from_the_topic() {
    let mut b = node();
    assert!(b.take_publications().is_empty());
    b.submit(reg(1, "before", T0), T0).unwrap();
    assert!(b.take_publications().is_empty(), "the topic is off");
    b.enable_topic();
    b.submit(reg(1, "local", T0), T0).unwrap();
    assert_eq!(b.queue_status().size, 1, "only the change made before the topic waits");
    let published = b.take_publications();
    assert_eq!(published.len(), 1);
    assert_eq!(published[0].name(), &name("local"));
    assert!(b.take_publications().is_empty(), "taken once");
    // From a link (a browser on WebSocket): published, so the topic hears it.
    b.connect(7, T0);
    b.receive(7, &hello(), T0);
    let frame = Message::Ops { entries: vec![reg(2, "fromlink", T0).into()] }.encode();
    b.receive(7, &frame, T0);
    let names: Vec<_> = b.take_publications().iter().map(|e| e.name().clone()).collect();
    assert_eq!(names, vec![name("fromlink")]);
    // From the topic: on to the link, not back to the topic.
    let got = b.receive_published(&bytes(&reg(3, "fromtopic", T0)), T0);
    assert_eq!(got.verdict, Verdict::Accept);
    assert_eq!(ops_to(&got.out), vec![7], "bridged to the live link");
    assert!(b.take_publications().is_empty());
}

#[test]
fn catch_up_links_get_no_live_deltas_but_catch_up() {
    let (mut a, mut b) = (node(), node());
    a.enable_topic();
    b.enable_topic();
    for i in 0..20 {
        a.submit(reg(1, &format!("held{i:02}"), T0), T0).unwrap();
    }
    a.take_publications();
    // a knows b as link 2, b knows a as link 1, both catch-up only.
    let mut to_b: Vec<Outbound> = a.connect_catch_up(2, T0);
    let mut to_a: Vec<Outbound> = b.connect_catch_up(1, T0);
    let mut now = T0;
    let mut live_ops = 0;
    for _ in 0..200 {
        now += 300;
        for o in std::mem::take(&mut to_b) {
            if let Outbound::Send { bytes, .. } = o {
                to_a.extend(b.receive(1, &bytes, now));
            }
        }
        for o in std::mem::take(&mut to_a) {
            if let Outbound::Send { bytes, .. } = o {
                to_b.extend(a.receive(2, &bytes, now));
            }
        }
        if now == T0 + 30_000 {
            // A change made while linked travels on the topic, not the link.
            let out = a.submit(reg(2, "live", now), now).unwrap().out;
            live_ops += ops_to(&out).len();
            assert_eq!(a.take_publications().len(), 1);
        }
        to_b.extend(a.tick(now));
        to_a.extend(b.tick(now));
    }
    assert_eq!(live_ops, 0, "no live delta on a catch-up link");
    assert_eq!(a.peers(), vec![2]);
    assert_eq!(b.namespace().len(), 21, "catch-up brought every name, the late one too");
    assert_eq!(a.merkle_root(), b.merkle_root());
    assert!(b.counters().totals.catchups >= 1);
    assert_eq!(b.queue_status().size, 0);
}
