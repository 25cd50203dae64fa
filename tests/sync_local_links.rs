//! Local links (`SyncNode::connect_local`: other tabs of an origin running on this node's
//! store) sync like peers but are no way to the network: a change stays queued until a
//! network peer takes it, and the queue is never drained into a local link.

#[path = "common/mod.rs"]
mod common;

use common::{reg, T0};
use serde_bytes::ByteArray;
use vns::entry::EncodedEntry;
use vns::namespace::Namespace;
use vns::params::NetworkParams;
use vns::sync::{LinkId, Message, Outbound, SyncConfig, SyncNode};
use vns::tree::empty_root;

const TAB: LinkId = 1;
const NETWORK: LinkId = 2;

fn node() -> SyncNode {
    SyncNode::new(Namespace::new(NetworkParams::testing()), SyncConfig::default())
}

/// The peer's side of the handshake: its `Hello` with an empty root and a clock of `now`.
fn hello(node: &SyncNode, now: u64) -> Vec<u8> {
    let network = ByteArray::new(node.namespace().params().network_id());
    Message::Hello { network, root: empty_root(), clock: now }.encode()
}

/// The `Ops` frames in `out` sent to `peer`, as the number of entries they carry.
fn ops_to(out: &[Outbound], peer: LinkId) -> usize {
    out.iter()
        .filter_map(|o| match o {
            Outbound::Send { peer: p, bytes } if *p == peer => match Message::decode(bytes) {
                Ok(Message::Ops { entries }) => Some(entries.len()),
                _ => None,
            },
            _ => None,
        })
        .sum()
}

fn connect(node: &mut SyncNode, peer: LinkId, local: bool, now: u64) -> Vec<Outbound> {
    let mut out = if local { node.connect_local(peer, now) } else { node.connect(peer, now) };
    let frame = hello(node, now);
    out.extend(node.receive(peer, &frame, now));
    out
}

#[test]
fn a_change_reaches_a_local_link_and_still_waits_for_the_network() {
    let mut a = node();
    connect(&mut a, TAB, true, T0);
    assert_eq!(a.peers(), vec![TAB]);
    let change = a.submit(reg(1, "alice", T0), T0).unwrap();
    assert_eq!(ops_to(&change.out, TAB), 1, "the tab gets the change at once");
    assert_eq!(a.queue_status().size, 1, "and it waits for a network peer");

    // The queue is due for replay, but only the tab is there: it stays.
    let out = a.tick(T0 + 5_000);
    assert_eq!(ops_to(&out, TAB), 0, "the queue is not drained into the tab");
    assert_eq!(a.queue_status().size, 1);

    // A network peer arrives: the queue goes there after the replay delay, not to the tab.
    connect(&mut a, NETWORK, false, T0 + 6_000);
    let out = a.tick(T0 + 8_000);
    assert_eq!(ops_to(&out, NETWORK), 1);
    assert_eq!(ops_to(&out, TAB), 0);
    let status = a.queue_status();
    assert_eq!((status.size, status.replayed), (0, 1));
}

#[test]
fn a_change_from_a_local_link_is_queued_but_one_from_a_network_peer_is_not() {
    let mut a = node();
    connect(&mut a, TAB, true, T0);
    let from_tab = Message::Ops { entries: vec![EncodedEntry::new(reg(1, "alice", T0))] };
    a.receive(TAB, &from_tab.encode(), T0);
    assert_eq!(a.queue_status().size, 1, "a tab's change has not reached the network yet");

    let mut b = node();
    connect(&mut b, NETWORK, false, T0);
    let from_peer = Message::Ops { entries: vec![EncodedEntry::new(reg(1, "alice", T0))] };
    b.receive(NETWORK, &from_peer.encode(), T0);
    assert_eq!(b.namespace().len(), 1);
    assert_eq!(b.queue_status().size, 0, "a network peer's change is on the network already");
}

#[test]
fn with_a_network_peer_beside_the_tab_nothing_waits() {
    let mut a = node();
    connect(&mut a, TAB, true, T0);
    connect(&mut a, NETWORK, false, T0);
    let change = a.submit(reg(1, "alice", T0), T0).unwrap();
    assert_eq!((ops_to(&change.out, TAB), ops_to(&change.out, NETWORK)), (1, 1));
    assert_eq!(a.queue_status().size, 0);
}
