//! The sync node's one entry point for local changes (`SyncNode::submit`) reports what each
//! change did, every catch-up reports its start and its end, and an abandoned one says why.

#[path = "common/mod.rs"]
mod common;

use common::{key, name, reg, txt, MIN, T0};
use serde_bytes::ByteArray;
use vns::build;
use vns::entry::EncodedEntry;
use vns::namespace::{Applied, Limits, Namespace};
use vns::params::NetworkParams;
use vns::sync::{Event, LocalChange, Message, Outbound, SyncConfig, SyncNode};

fn node(limits: Limits) -> SyncNode {
    SyncNode::new(Namespace::with_limits(NetworkParams::testing(), limits), SyncConfig::default())
}

/// Connects an outside peer (link 1) whose `Hello` announces `root`, and returns the frames
/// the node sent it.
fn connect_peer(node: &mut SyncNode, root: cid::Cid, now: u64) -> Vec<Message> {
    let mut out = node.connect(1, now);
    let network = ByteArray::new(node.namespace().params().network_id());
    out.extend(node.receive(1, &Message::Hello { network, root, clock: now }.encode(), now));
    out.iter()
        .filter_map(|o| match o {
            Outbound::Send { bytes, .. } => Some(Message::decode(bytes).unwrap()),
            Outbound::Close { .. } => None,
        })
        .collect()
}

#[test]
fn every_local_change_reports_its_name_its_outcome_and_its_frames() {
    let mut a = node(Limits::default());
    let alice = name("alice");
    let first = a.submit(reg(1, "alice", T0), T0).unwrap();
    assert_eq!((&first.name, first.applied), (&alice, Applied::Accepted));
    assert!(first.out.is_empty(), "no peer: queued");
    let again = a.submit(reg(1, "alice", T0), T0).unwrap();
    assert_eq!(again.applied, Applied::Duplicate);

    let change = LocalChange::Update { key: &key(1), name: alice.clone(), records: vec![txt("x")] };
    assert_eq!(a.submit(change, T0 + 1).unwrap().applied, Applied::Accepted);
    let renew = LocalChange::Renew { key: &key(1), name: alice.clone() };
    assert_eq!(a.submit(renew, T0 + 2).unwrap().applied, Applied::Accepted);
    let give =
        LocalChange::Transfer { key: &key(1), name: alice.clone(), new_owner: key(2).public() };
    assert_eq!(a.submit(give, T0 + 3).unwrap().applied, Applied::Accepted);
    // The old owner's key no longer works: refused with the rule's code, nothing changes.
    let stale = LocalChange::Update { key: &key(1), name: alice.clone(), records: vec![] };
    assert_eq!(a.submit(stale, T0 + 4).unwrap_err().code(), "rule.wrong_signer");
    assert_eq!(a.counters().local_changes, 4, "the duplicate and the refusal are not changes");
    assert_eq!(a.queue_status().size, 1, "the latest version of alice waits in the queue");

    // With a peer, the accepted change comes back with the frame that carries it.
    connect_peer(&mut a, vns::tree::empty_root(), T0 + 5);
    let update = LocalChange::Update { key: &key(2), name: alice, records: vec![txt("y")] };
    let sent = a.submit(update, T0 + 6).unwrap();
    assert!(
        matches!(&sent.out[..], [Outbound::Send { peer: 1, bytes }]
            if matches!(Message::decode(bytes), Ok(Message::Ops { .. }))),
        "{:?}",
        sent.out
    );
}

#[test]
fn only_a_bare_registration_counts_against_the_registration_limit() {
    let mut a = node(Limits { registrations_per_hour: 1 });
    a.submit(reg(1, "alice", T0), T0).unwrap();
    // The next version of alice, signed elsewhere and submitted as a block: not a claim.
    let held = a.namespace().get(&name("alice")).unwrap().clone();
    let next = build::update(&held, &key(1), vec![txt("v2")], T0 + MIN).unwrap();
    let bytes = EncodedEntry::new(next).bytes().to_vec();
    let entry = EncodedEntry::decode(&bytes).unwrap();
    assert!(!LocalChange::from(entry.clone()).is_registration());
    assert_eq!(a.submit(entry, T0 + MIN).unwrap().applied, Applied::Accepted);
    // A second claim within the hour is over the limit.
    let err = a.submit(reg(1, "bob", T0 + 2 * MIN), T0 + 2 * MIN).unwrap_err();
    assert_eq!(err.code(), "store.rate_limited");
}

#[test]
fn an_empty_entry_is_refused_with_its_code() {
    let mut a = node(Limits::default());
    let mut entry = reg(1, "alice", T0);
    entry.ops.clear();
    assert_eq!(a.submit(entry, T0).unwrap_err().code(), "entry.empty");
    assert!(a.namespace().is_empty());
}

#[test]
fn an_abandoned_catch_up_reports_its_code_and_the_session_stays_open() {
    let mut a = node(Limits::default());
    // A peer announcing a root it will never serve.
    let root = reg(9, "elsewhere", T0).to_block().cid;
    let sent = connect_peer(&mut a, root, T0);
    assert!(sent.iter().any(|m| matches!(m, Message::GetNodes { .. })), "{sent:?}");
    a.take_events();

    let timeout = SyncConfig::default().request_timeout_ms;
    a.tick(T0 + timeout);
    let aborted: Vec<Event> =
        a.take_events().into_iter().filter(|e| matches!(e, Event::CatchUpAborted { .. })).collect();
    let [Event::CatchUpAborted { peer, code, message }] = &aborted[..] else {
        panic!("{aborted:?}")
    };
    assert_eq!((*peer, code.as_str()), (1, "sync.catchup_stalled"));
    assert!(message.contains("stopped answering"), "{message}");
    assert!(a.has_session(1));
    assert_eq!(a.peer_stats(1).unwrap().catchups_aborted, 1);
}

/// Delivers every frame in `out` (sent by `from` on its link 1) to `to` (on its link 1), and
/// so on back and forth until neither has anything to send.
fn pump(nodes: &mut [SyncNode; 2], mut out: Vec<Outbound>, mut from: usize, now: u64) {
    while !out.is_empty() {
        let to = 1 - from;
        let mut next = Vec::new();
        for o in out {
            if let Outbound::Send { bytes, .. } = o {
                next.extend(nodes[to].receive(1, &bytes, now));
            }
        }
        (out, from) = (next, to);
    }
}

/// The catch-up events among `events`, in order.
fn catch_up_events(events: Vec<Event>) -> Vec<Event> {
    events
        .into_iter()
        .filter(|e| {
            matches!(
                e,
                Event::CatchUpStarted { .. }
                    | Event::CatchUpCompleted { .. }
                    | Event::CatchUpAborted { .. }
            )
        })
        .collect()
}

#[test]
fn a_catch_up_reports_its_start_then_its_end_completed_or_aborted() {
    // Completed: b holds two names a lacks; a fetches both and says so once it has them.
    let mut b = node(Limits::default());
    b.submit(reg(1, "alice", T0), T0).unwrap();
    b.submit(reg(2, "bob", T0), T0).unwrap();
    let mut nodes = [node(Limits::default()), b];
    let out = nodes[0].connect(1, T0);
    let back = nodes[1].connect(1, T0);
    // b takes a's Hello first, so it is ready when a's catch-up requests arrive.
    pump(&mut nodes, out, 0, T0);
    pump(&mut nodes, back, 1, T0);
    assert!(nodes[0].namespace().get(&name("alice")).is_some());
    assert!(nodes[0].namespace().get(&name("bob")).is_some());
    assert_eq!(
        catch_up_events(nodes[0].take_events()),
        [Event::CatchUpStarted { peer: 1 }, Event::CatchUpCompleted { peer: 1, entries: 2 }]
    );
    assert_eq!(nodes[0].peer_stats(1).unwrap().catchups, 1);

    // Aborted: a peer announcing a root it never serves; the start comes before the abort.
    let mut a = node(Limits::default());
    connect_peer(&mut a, reg(9, "elsewhere", T0).to_block().cid, T0);
    a.tick(T0 + SyncConfig::default().request_timeout_ms);
    let events = catch_up_events(a.take_events());
    let [Event::CatchUpStarted { peer: 1 }, Event::CatchUpAborted { peer: 1, code, .. }] =
        &events[..]
    else {
        panic!("{events:?}")
    };
    assert_eq!(code, "sync.catchup_stalled");
    assert_eq!(a.peer_stats(1).unwrap().catchups, 0);
}
