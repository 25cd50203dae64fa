//! The light-client messages on the wire and at the session's edges: bounds, garbage,
//! truncation, a node of an older build, a silent peer, changes sent from a light client,
//! and answers from the cache with nobody connected.

mod light_support;

use light_support::{sends, Liar, Net, LIGHT, T0};
use serde_bytes::{ByteArray, ByteBuf};
use vns::light::{LightEvent, Started};
use vns::name::Name;
use vns::namespace::Namespace;
use vns::params::NetworkParams;
use vns::sync::{
    Message, PeerChange, ProofAnswer, SyncConfig, SyncNode, MAX_NAMES_PER_PROOF_REQUEST,
    MAX_PROOF_BLOCKS, MAX_WATCHED_NAMES,
};
use vns::tree::empty_root;
use vns::{build, identity::Keypair};

fn names(n: usize) -> Vec<Name> {
    (0..n).map(|i| Name::parse(&format!("name{i}")).unwrap()).collect()
}

fn node_with(label: &str) -> (SyncNode, Name) {
    let params = NetworkParams::testing();
    let mut node = SyncNode::new(Namespace::new(params.clone()), SyncConfig::default());
    let name = Name::parse(label).unwrap();
    let key = Keypair::from_secret(&[1; 32]);
    let entry = build::register(&params, &key, &name, vec![], T0 - 1000).unwrap();
    node.namespace_mut().apply(entry, T0 - 1000).unwrap();
    (node, name)
}

#[test]
fn every_list_of_the_light_messages_is_bounded() {
    let too_many = |message: Message| Message::decode(&message.encode()).unwrap_err().code();
    let ok = |message: Message| Message::decode(&message.encode()).map(|_| ());
    ok(Message::GetProofs { id: 1, names: names(MAX_NAMES_PER_PROOF_REQUEST) }).unwrap();
    let request = Message::GetProofs { id: 1, names: names(MAX_NAMES_PER_PROOF_REQUEST + 1) };
    assert_eq!(too_many(request), "sync.too_many");
    ok(Message::Watch { names: names(MAX_WATCHED_NAMES) }).unwrap();
    assert_eq!(too_many(Message::Watch { names: names(MAX_WATCHED_NAMES + 1) }), "sync.too_many");
    let answer = |blocks: usize| ProofAnswer {
        name: names(1)[0].clone(),
        entry: None,
        proof: vec![ByteBuf::from(vec![0xa0]); blocks],
    };
    let reply = |answers| Message::Proofs { id: 1, root: empty_root(), answers };
    ok(reply(vec![answer(MAX_PROOF_BLOCKS)])).unwrap();
    assert_eq!(too_many(reply(vec![answer(MAX_PROOF_BLOCKS + 1)])), "sync.too_many");
    let many = vec![answer(1); MAX_NAMES_PER_PROOF_REQUEST + 1];
    assert_eq!(too_many(reply(many)), "sync.too_many");
}

#[test]
fn a_proofs_frame_cut_anywhere_or_with_a_byte_changed_is_refused_without_panicking() {
    let (mut node, name) = node_with("alice");
    let bytes = node.namespace().get_encoded(&name).unwrap().bytes().to_vec();
    let answer = ProofAnswer::new(name.clone(), Some(bytes), node.namespace_mut().proof(&name));
    let frame = Message::Proofs { id: 7, root: node.merkle_root(), answers: vec![answer] }.encode();
    assert!(Message::decode(&frame).is_ok());
    for cut in 0..frame.len() {
        assert!(Message::decode(&frame[..cut]).is_err(), "cut at {cut}");
    }
    for at in 0..frame.len() {
        let mut changed = frame.clone();
        changed[at] ^= 0x40;
        // Either refused, or (a byte inside the entry or a proof block) still a well-formed
        // frame whose answer the client then refuses: decoding never panics.
        let _ = Message::decode(&changed);
    }
}

#[test]
fn garbage_from_one_peer_closes_its_session_only() {
    let (node_a, name) = node_with("alice");
    let (node_b, _) = node_with("alice");
    let mut net = Net::new(NetworkParams::testing());
    net.link_node(1, node_a, T0);
    net.link_node(2, node_b, T0);
    let out = net.light.receive(2, b"\xff\x00 not a frame", T0);
    assert!(out.iter().any(|o| matches!(o, vns::sync::Outbound::Close { peer: 2, .. })));
    assert_eq!(net.light.peers(), vec![1]);
    net.lookup(&name, T0);
    assert!(net.light.answer(&name, T0).is_ok(), "the other peer still answers");

    // The same on the node's side: garbage from the light session closes it alone.
    let node = net.nodes.get_mut(&1).unwrap();
    let out = node.receive(LIGHT, b"\x00", T0);
    assert!(out.iter().any(|o| matches!(o, vns::sync::Outbound::Close { .. })));
    assert!(!node.has_session(LIGHT));
}

#[test]
fn a_node_of_an_older_build_refuses_a_light_client_with_a_clear_code() {
    let params = NetworkParams::testing();
    // The light client's first frame carries version 2, which a version-1 node does not
    // speak: it answers, as every build has, with a version-1 `bye`.
    let mut light = vns::light::LightClient::new(params.clone(), Default::default());
    let hello = sends(light.connect(1, T0)).remove(0);
    assert_eq!(*hello.last().unwrap(), 2, "v of the light_hello frame");
    let bye = Message::Bye {
        code: "sync.version_mismatch".into(),
        reason: "peer speaks sync protocol version 2, this node speaks 1".into(),
    }
    .encode();
    light.receive(1, &bye, T0);
    let events = light.take_events();
    let code = Some("sync.version_mismatch".to_string());
    assert_eq!(events, vec![LightEvent::Peer(PeerChange::Disconnected { peer: 1, code })]);
    let name = Name::parse("alice").unwrap();
    assert_eq!(light.lookup(&name, T0).unwrap_err().code(), "resolve.offline");

    // Mid-lookup (a node that answered `hello` but not the request): the lookup lists it.
    let mut net = Net::new(params.clone());
    let mut silent = Liar::new(params.network_id(), empty_root());
    silent.silent = true;
    net.link(1, Box::new(silent), vec![], T0);
    net.lookup(&name, T0);
    net.light.receive(1, &bye, T0);
    let err = net.light.answer(&name, T0).unwrap_err();
    assert_eq!(err.code(), "light.no_answer");
    assert!(err.to_string().contains("peer 1: sync.version_mismatch"), "{err}");
}

#[test]
fn a_silent_peer_times_out_and_the_lookup_says_so() {
    let params = NetworkParams::testing();
    let mut net = Net::new(params.clone());
    let mut silent = Liar::new(params.network_id(), empty_root());
    silent.silent = true;
    net.link(1, Box::new(silent), vec![], T0);
    let name = Name::parse("alice").unwrap();
    net.lookup(&name, T0);
    assert!(!net.light.take_events().iter().any(|e| matches!(e, LightEvent::Answered { .. })));
    net.light.tick(T0 + 2_999);
    assert!(net.light.take_events().is_empty(), "not before the timeout");
    net.light.tick(T0 + 3_000);
    assert_eq!(net.light.take_events(), vec![LightEvent::Answered { name: name.clone() }]);
    let err = net.light.answer(&name, T0 + 3_000).unwrap_err();
    assert_eq!(err.code(), "light.no_answer");
    assert!(err.to_string().contains("peer 1: light.timeout"), "{err}");
}

#[test]
fn a_light_client_sends_its_changes_to_its_peers_who_hold_them() {
    let params = NetworkParams::testing();
    let (node, _) = node_with("alice");
    let mut net = Net::new(params.clone());
    let key = Keypair::from_secret(&[5; 32]);
    let name = Name::parse("bobby").unwrap();
    let entry =
        vns::entry::EncodedEntry::new(build::register(&params, &key, &name, vec![], T0).unwrap());
    let alone = net.light.submit(entry.clone(), T0).unwrap_err();
    assert_eq!(alone.code(), "light.no_peers");
    net.link_node(1, node, T0);
    let out = net.light.submit(entry.clone(), T0).unwrap();
    net.deliver(out, T0);
    let node = &net.nodes[&1];
    assert_eq!(node.namespace().get_encoded(&name).unwrap().cid(), entry.cid());
    assert_eq!(net.light.answer(&name, T0).unwrap().entry.cid(), entry.cid());
    assert_eq!(net.light.watched(), vec![name.clone()], "what it changed, it watches");

    // A forged change is refused here, before anyone sees it.
    let mut forged = entry.entry().clone();
    forged.ops[0].op.ts += 1;
    let err = net.light.submit(forged.into(), T0).unwrap_err();
    assert!(err.code().starts_with("rule."), "{}", err.code());
}

#[test]
fn with_nobody_connected_cached_answers_come_back_marked_stale() {
    let (node, name) = node_with("alice");
    let mut net = Net::new(NetworkParams::testing());
    net.link_node(1, node, T0);
    net.lookup(&name, T0);
    assert!(!net.light.answer(&name, T0).unwrap().stale);
    net.light.disconnect(1, T0 + 5);
    assert_eq!(net.light.lookup(&name, T0 + 10), Ok(Started::Ready));
    let answer = net.light.answer(&name, T0 + 10).unwrap();
    assert!(answer.stale, "nobody watched it since the peer went away");
    assert_eq!(answer.verified_at, T0);
    let other = Name::parse("carol").unwrap();
    assert_eq!(net.light.lookup(&other, T0 + 10).unwrap_err().code(), "resolve.offline");
}

#[test]
fn a_full_node_serves_a_light_session_proofs_that_verify_against_its_root() {
    let (mut node, name) = node_with("alice");
    node.connect(LIGHT, T0);
    let network = ByteArray::new(NetworkParams::testing().network_id());
    let out = sends(node.receive(LIGHT, &Message::LightHello { network }.encode(), T0));
    assert!(matches!(Message::decode(&out[0]), Ok(Message::Hello { .. })));
    let absent = Name::parse("nobody").unwrap();
    let request = Message::GetProofs { id: 9, names: vec![name.clone(), absent.clone()] };
    let out = sends(node.receive(LIGHT, &request.encode(), T0));
    let Ok(Message::Proofs { id, root, answers }) = Message::decode(&out[0]) else { panic!() };
    assert_eq!((id, root), (9, node.merkle_root()));
    let params = NetworkParams::testing();
    let verified: Vec<_> = answers
        .iter()
        .zip([&name, &absent])
        .map(|(a, n)| vns::light::verify_answer(&params, n, &root, a, T0).unwrap())
        .collect();
    assert!(matches!(verified[0], vns::light::Verified::Present(_)));
    assert_eq!(verified[1], vns::light::Verified::Absent);
    assert_eq!(node.peer_stats(LIGHT).unwrap().proofs_served, 2);
    // A light session gets no root announcements and takes no part in catch-up.
    let out = sends(node.tick(T0 + 60_000));
    assert!(out.is_empty(), "{} frames", out.len());
}
