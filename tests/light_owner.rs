//! An owner's changes through a light client: built on the verified entry, confirmed only
//! when a peer's proof shows the new version, and reported as `light.not_accepted` when no
//! peer took it (a peer that drops the change is not believed to have it).

mod light_support;

use light_support::{Net, T0};
use vns::build;
use vns::identity::Keypair;
use vns::light::LightEvent;
use vns::name::Name;
use vns::namespace::Namespace;
use vns::params::NetworkParams;
use vns::record::Record;
use vns::sync::{LocalChange, Message, Outbound, SyncConfig, SyncNode};

const NODE: u64 = 1;

fn txt(value: &str) -> Vec<Record> {
    vec![Record::parse("TXT", value, None).unwrap()]
}

/// A client linked to one honest node that holds `alice.vfs`, looked up once.
fn linked() -> (Net, Keypair, Name) {
    let params = NetworkParams::testing();
    let key = Keypair::from_secret(&[1; 32]);
    let name = Name::parse("alice").unwrap();
    let mut node = SyncNode::new(Namespace::new(params.clone()), SyncConfig::default());
    let entry = build::register(&params, &key, &name, txt("one"), T0 - 1000).unwrap();
    node.namespace_mut().apply(entry, T0 - 1000).unwrap();
    let mut net = Net::new(params);
    net.link_node(NODE, node, T0);
    net.lookup(&name, T0);
    (net, key, name)
}

fn held_txt(net: &Net, name: &Name) -> String {
    let entry = net.nodes[&NODE].namespace().get(name).unwrap();
    entry.records[0].to_string()
}

#[test]
fn a_change_is_answered_with_the_version_the_peer_shows() {
    let (mut net, key, name) = linked();
    let update = LocalChange::Update { key: &key, name: name.clone(), records: txt("two") };
    let out = net.light.change(update, T0 + 1).unwrap();
    net.deliver(out, T0 + 1);
    let answer = net.light.committed(&name, T0 + 2).unwrap();
    assert_eq!(answer.entry.records, txt("two"));
    assert!(!answer.stale);
    assert_eq!(net.nodes[&NODE].namespace().get_encoded(&name).unwrap().cid(), answer.entry.cid());
    assert!(held_txt(&net, &name).contains("two"));
}

#[test]
fn a_change_no_peer_took_is_not_accepted() {
    let (mut net, key, name) = linked();
    let before = *net.light.answer(&name, T0).unwrap().entry.cid();
    let update = LocalChange::Update { key: &key, name: name.clone(), records: txt("two") };
    let out = net.light.change(update, T0 + 1).unwrap();
    // The peer never gets the change (dropped, or refused by a rule of its own): only the
    // question after it arrives.
    let dropped: Vec<Outbound> = out
        .into_iter()
        .filter(|o| match o {
            Outbound::Send { bytes, .. } => {
                !matches!(Message::decode(bytes), Ok(Message::Ops { .. }))
            }
            Outbound::Close { .. } => true,
        })
        .collect();
    net.deliver(dropped, T0 + 1);
    let err = net.light.committed(&name, T0 + 2).unwrap_err();
    assert_eq!(err.code(), "light.not_accepted", "{err}");
    // What the client holds is what the peer proved, not what it hoped for.
    assert_eq!(*net.light.answer(&name, T0 + 2).unwrap().entry.cid(), before);
    assert!(held_txt(&net, &name).contains("one"));
}

#[test]
fn a_reply_asked_before_the_change_does_not_refute_it() {
    let (mut net, key, _) = linked();
    let carol = Name::parse("carol").unwrap();
    // A lookup under way: its question reaches the node first and is answered "absent".
    let vns::light::Started::Asked(asked) = net.light.lookup(&carol, T0).unwrap() else {
        panic!("carol is not cached")
    };
    let params = net.light.params().clone();
    let entry = build::register(&params, &key, &carol, txt("new"), T0).unwrap();
    let changed = net.light.change(entry.into(), T0 + 1).unwrap();
    net.deliver(asked.into_iter().chain(changed).collect(), T0 + 1);
    assert!(net.light.take_events().contains(&LightEvent::Answered { name: carol.clone() }));
    let answer = net.light.committed(&carol, T0 + 2).unwrap();
    assert_eq!(answer.entry.records, txt("new"));
}

#[test]
fn changes_are_refused_here_with_the_rules_codes() {
    let (mut net, _, name) = linked();
    let mallory = Keypair::from_secret(&[9; 32]);
    let update = LocalChange::Update { key: &mallory, name: name.clone(), records: txt("x") };
    assert_eq!(net.light.change(update, T0 + 1).unwrap_err().code(), "rule.wrong_signer");
    let params = net.light.params().clone();
    let rival = build::register_with_nonce(&params, &mallory, &name, vec![], T0 + 1, 0).unwrap();
    assert_eq!(net.light.check_register(&rival, T0 + 1).unwrap_err().code(), "rule.conflict_lost");
    let nobody = Name::parse("nobody").unwrap();
    let renew = LocalChange::Renew { key: &mallory, name: nobody };
    assert_eq!(net.light.change(renew, T0 + 1).unwrap_err().code(), "store.not_found");
    assert!(held_txt(&net, &name).contains("one"), "nothing reached the node");
}
