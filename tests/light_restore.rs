//! The saved cache read while the first peer already answered (a light client dials while
//! its storage opens): the restored names go to the peer's watch list and are asked again
//! at once, a newer version the peer holds replaces the saved one, and what the peer showed
//! since the start is never replaced by what was saved.

mod light_support;

use light_support::{Net, T0};
use vns::build;
use vns::identity::Keypair;
use vns::name::Name;
use vns::namespace::Namespace;
use vns::params::NetworkParams;
use vns::record::Record;
use vns::sync::{Message, Outbound, SyncConfig, SyncNode};

const NODE: u64 = 1;

fn name(s: &str) -> Name {
    Name::parse(s).unwrap()
}

fn txt(value: &str) -> Vec<Record> {
    vec![Record::parse("TXT", value, None).unwrap()]
}

/// A node holding `name0` and `name1`, the key that owns them, and the cache a client that
/// looked both up saved.
fn saved_pair() -> (SyncNode, Keypair, Vec<u8>) {
    let params = NetworkParams::testing();
    let key = Keypair::from_secret(&[1; 32]);
    let mut node = SyncNode::new(Namespace::new(params.clone()), SyncConfig::default());
    for n in ["name0", "name1"] {
        let e = build::register(&params, &key, &name(n), txt("v1"), T0 - 1000).unwrap();
        node.namespace_mut().apply(e, T0 - 1000).unwrap();
    }
    let mut net = Net::new(params);
    net.link_node(NODE, node, T0);
    net.lookup(&name("name0"), T0);
    net.lookup(&name("name1"), T0);
    let saved = net.light.export_cache();
    let mut node = net.nodes.remove(&NODE).unwrap();
    node.disconnect(light_support::LIGHT);
    (node, key, saved)
}

/// Makes `name0`'s records `v2` on `node`, as its owner `key`.
fn update_name0(node: &mut SyncNode, key: &Keypair) {
    let current = node.namespace().get(&name("name0")).unwrap().clone();
    let next = build::update(&current, key, txt("v2"), T0 + 5).unwrap();
    node.namespace_mut().apply(next, T0 + 5).unwrap();
}

/// The messages among `out`, decoded.
fn messages(out: &[Outbound]) -> Vec<Message> {
    light_support::sends(out.to_vec()).iter().map(|bytes| Message::decode(bytes).unwrap()).collect()
}

#[test]
fn names_restored_after_the_hello_are_watched_and_asked_again_at_once() {
    let (mut node, key, saved) = saved_pair();
    // While the client was away, name0 changed on the node.
    update_name0(&mut node, &key);

    let mut net = Net::new(NetworkParams::testing());
    net.link_node(NODE, node, T0 + 10);
    assert_eq!(net.light.peers(), vec![NODE], "the hello came before the cache was read");
    assert!(net.light.watched().is_empty());
    assert_eq!(net.light.restore_cache(&saved, T0 + 10).unwrap(), 2);
    let out = net.light.watch_restored(T0 + 10);
    let sent = messages(&out);
    assert!(
        matches!(&sent[0], Message::Watch { names } if *names == vec![name("name0"), name("name1")]),
        "the watch list first, so that no change between answer and watch is missed: {sent:?}"
    );
    assert!(
        matches!(&sent[1], Message::GetProofs { names, .. } if names.len() == 2),
        "then both names asked again: {sent:?}"
    );
    net.deliver(out, T0 + 10);
    let answer = net.light.answer(&name("name0"), T0 + 11).unwrap();
    assert!(!answer.stale, "confirmed by the peer");
    assert_eq!(answer.entry.records, txt("v2"), "and the newer version taken");
    assert!(!net.light.answer(&name("name1"), T0 + 11).unwrap().stale);
}

#[test]
fn without_a_ready_peer_nothing_is_sent_until_its_hello() {
    let (node, _key, saved) = saved_pair();
    let mut net = Net::new(NetworkParams::testing());
    assert_eq!(net.light.restore_cache(&saved, T0 + 10).unwrap(), 2);
    assert!(net.light.watch_restored(T0 + 10).is_empty());
    net.link_node(NODE, node, T0 + 10);
    assert!(!net.light.answer(&name("name0"), T0 + 11).unwrap().stale, "the hello asked again");
}

#[test]
fn a_name_verified_since_the_start_is_not_replaced_by_the_saved_one() {
    let (mut node, key, saved) = saved_pair();
    update_name0(&mut node, &key);
    let mut net = Net::new(NetworkParams::testing());
    net.link_node(NODE, node, T0 + 10);
    net.lookup(&name("name0"), T0 + 10);
    assert_eq!(net.light.restore_cache(&saved, T0 + 10).unwrap(), 1, "name1 only");
    let answer = net.light.answer(&name("name0"), T0 + 11).unwrap();
    assert_eq!(answer.entry.records, txt("v2"));
    assert!(!answer.stale);
    // name1 came back unconfirmed and is asked; name0 is not asked again.
    let sent = messages(&net.light.watch_restored(T0 + 11));
    assert!(
        sent.iter().any(
            |m| matches!(m, Message::GetProofs { names, .. } if *names == vec![name("name1")])
        ),
        "{sent:?}"
    );
}
