//! How often an entry from a peer is encoded on its way in and out: never. The decoder checks
//! each field's CBOR type against the entry's shape while it checks the canonical form (see
//! `block::from_cbor_checked`) and keeps the bytes it read; the hash, size check, outgoing
//! frames and stored block all use them.

use super::{Message, Outbound, SyncConfig, SyncNode};
use crate::entry::{encodings, EncodedEntry};
use crate::name::Name;
use crate::namespace::Namespace;
use crate::params::NetworkParams;
use crate::tree::empty_root;
use crate::{build, identity::Keypair};
use serde_bytes::ByteArray;

const T0: u64 = 1_700_000_000_000;

fn ready_node(peers: &[u64]) -> SyncNode {
    let params = NetworkParams::testing();
    let network = ByteArray::new(params.network_id());
    let mut node = SyncNode::new(Namespace::new(params), SyncConfig::default());
    for &peer in peers {
        node.connect(peer, T0);
        let hello = Message::Hello { network, root: empty_root(), clock: T0 }.encode();
        node.receive(peer, &hello, T0);
    }
    node
}

fn sent_to(out: &[Outbound], to: u64) -> Vec<Message> {
    out.iter()
        .filter_map(|o| match o {
            Outbound::Send { peer, bytes } if *peer == to => Some(Message::decode(bytes).unwrap()),
            _ => None,
        })
        .collect()
}

#[test]
fn an_entry_from_a_peer_is_never_encoded_on_its_way_in_or_out() {
    let params = NetworkParams::testing();
    let key = Keypair::from_secret(&[7; 32]);
    let name = Name::parse("alice").unwrap();
    let entry = EncodedEntry::new(build::register(&params, &key, &name, vec![], T0).unwrap());
    let frame = Message::Ops { entries: vec![entry.clone()] }.encode();
    let mut node = ready_node(&[1, 2]);

    let before = encodings();
    // In: decoded from the frame, verified, stored.
    let out = node.receive(1, &frame, T0 + 1);
    // Out: relayed to the other peer, served to a catch-up request, written as a block,
    // named by its CID.
    let request = Message::GetEntries { id: 1, names: vec![name.clone()] }.encode();
    let reply = node.receive(2, &request, T0 + 2);
    let blocks = node.namespace_mut().take_unsaved_blocks();
    let cid = node.namespace().cid(&name).unwrap();
    let spent = encodings() - before;

    // Decoding what was sent (outside the count) checks it was the same entry.
    let ops = sent_to(&out, 2);
    assert!(matches!(&ops[..], [Message::Ops { entries }] if entries[..] == [entry.clone()]));
    let served = sent_to(&reply, 2);
    assert!(matches!(&served[..], [Message::Entries { entries, .. }] if entries[0] == entry));
    assert!(blocks.contains(entry.block()));
    assert_eq!(&cid, entry.cid());
    assert_eq!(spent, 0, "encodings of an entry between its frame in and its frames out");
}
