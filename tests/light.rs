//! A light client against an honest full node and a lying peer: what it detects (forged or
//! altered entries, proofs that do not match the peer's root), what it cannot detect with one
//! peer (an older version, an absence proven against a made-up root), and that one honest peer
//! beside the liar makes every answer the honest one.

mod light_support;

use light_support::{empty_proof, sends, Liar, Net, T0};
use vns::entry::EncodedEntry;
use vns::light::LightEvent;
use vns::name::Name;
use vns::namespace::Namespace;
use vns::params::NetworkParams;
use vns::record::Record;
use vns::sync::{SyncConfig, SyncNode};
use vns::tree::Tree;
use vns::{build, identity::Keypair};

const DAY: u64 = 24 * 60 * 60 * 1000;

fn name(s: &str) -> Name {
    Name::parse(s).unwrap()
}

fn txt(value: &str) -> Vec<Record> {
    vec![Record::parse("TXT", value, None).unwrap()]
}

/// An honest full node, a liar's table, and the versions each holds.
struct World {
    params: NetworkParams,
    honest: SyncNode,
    liar: Liar,
    /// The honest current version of each name the honest node holds.
    current: Vec<(Name, EncodedEntry)>,
}

/// The honest node holds `altered`, `forged`, `sigflip`, `older` (updated once), `denied` and
/// `denied-bad`; `lapsed` lapsed long ago and is not held. The liar's tree maps `altered` to
/// the honest entry but sends its bytes with one byte changed, maps `forged` to an entry whose
/// records were changed and `sigflip` to one whose signature was, holds the registration of
/// `older` (not the update) and the lapsed entry of `lapsed`, and leaves out `denied`; for
/// `denied-bad` it sends the empty tree's absence proof against its own root.
fn world() -> World {
    let params = NetworkParams::testing();
    let key = Keypair::from_secret(&[1; 32]);
    let mut honest = SyncNode::new(Namespace::new(params.clone()), SyncConfig::default());
    let mut current = Vec::new();
    let mut lie = Tree::new();
    let mut bytes_of = std::collections::HashMap::new();
    let mut hold = |tree: &mut Tree, n: &Name, e: &EncodedEntry| {
        tree.insert(n.as_str(), *e.cid());
        bytes_of.insert(n.clone(), e.bytes().to_vec());
    };
    for label in ["altered", "forged", "sigflip", "denied", "denied-bad"] {
        let n = name(label);
        let e =
            EncodedEntry::new(build::register(&params, &key, &n, txt(label), T0 - DAY).unwrap());
        honest.namespace_mut().apply(e.clone(), T0 - DAY).unwrap();
        current.push((n, e));
    }
    let older = name("older");
    let registered = build::register(&params, &key, &older, txt("v1"), T0 - 2 * DAY).unwrap();
    let updated = build::update(&registered, &key, txt("v2"), T0 - DAY).unwrap();
    honest.namespace_mut().apply(registered.clone(), T0 - 2 * DAY).unwrap();
    honest.namespace_mut().apply(updated.clone(), T0 - DAY).unwrap();
    current.push((older.clone(), EncodedEntry::new(updated)));
    hold(&mut lie, &older, &EncodedEntry::new(registered));

    let (altered, forged, sigflip) = (&current[0].1, &current[1].1, &current[2].1);
    hold(&mut lie, &name("altered"), altered);
    let mut changed = forged.entry().clone();
    changed.records = txt("tampered");
    hold(&mut lie, &name("forged"), &EncodedEntry::new(changed));
    let mut flipped = sigflip.entry().clone();
    let mut sig = *flipped.ops[0].sig;
    sig[7] ^= 1;
    flipped.ops[0].sig = serde_bytes::ByteArray::new(sig);
    hold(&mut lie, &name("sigflip"), &EncodedEntry::new(flipped));
    let lapsed_at = T0 - params.registration_period_ms - params.grace_period_ms - 2 * DAY;
    let lapsed = build::register(&params, &key, &name("lapsed"), txt("old"), lapsed_at).unwrap();
    hold(&mut lie, &name("lapsed"), &EncodedEntry::new(lapsed));

    let root = lie.root();
    let mut liar = Liar::new(params.network_id(), root);
    for label in ["altered", "forged", "sigflip", "older", "lapsed", "denied"] {
        let n = name(label);
        let mut entry = bytes_of.get(&n).cloned();
        if label == "altered" {
            let e = entry.as_mut().unwrap();
            let at = e.len() - 3; // inside the last record's value
            e[at] ^= 1;
        }
        liar.says(&n, root, entry, lie.prove(n.as_str()));
    }
    liar.says(&name("denied-bad"), root, None, empty_proof("denied-bad.vfs"));
    World { params, honest, liar, current }
}

fn faults(events: &[LightEvent]) -> Vec<(String, String)> {
    events
        .iter()
        .filter_map(|e| match e {
            LightEvent::PeerFault { name, code, .. } => Some((name.to_string(), code.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn with_one_honest_peer_beside_the_liar_every_answer_is_the_honest_one() {
    let World { params, honest, liar, current } = world();
    let mut net = Net::new(params);
    net.link_node(1, honest, T0);
    net.link(2, Box::new(liar), vec![], T0);
    assert_eq!(net.light.peers(), vec![1, 2]);
    for (n, honest_entry) in &current {
        net.lookup(n, T0);
        let answer = net.light.answer(n, T0).unwrap_or_else(|e| panic!("{n}: {e}"));
        assert_eq!(answer.entry.cid(), honest_entry.cid(), "{n}: the honest version");
        assert!(!answer.stale);
    }
    let lapsed = name("lapsed");
    net.lookup(&lapsed, T0);
    let err = net.light.answer(&lapsed, T0).unwrap_err();
    assert_eq!(err.code(), "resolve.expired", "a lapsed entry never answers as live");
    let mut seen = faults(&net.light.take_events());
    seen.sort();
    assert_eq!(
        seen,
        vec![
            ("altered.vfs".into(), "light.entry_mismatch".into()),
            ("denied-bad.vfs".into(), "proof.hash_mismatch".into()),
            ("forged.vfs".into(), "rule.records_mismatch".into()),
            ("sigflip.vfs".into(), "rule.bad_signature".into()),
        ],
        "each lie the client can detect is refused with its code, and only those"
    );
}

#[test]
fn alone_the_liar_gets_forgeries_refused_and_withholding_through() {
    let World { params, liar, current, .. } = world();
    let mut net = Net::new(params);
    net.link(2, Box::new(liar), vec![], T0);
    let failed = |net: &mut Net, label: &str| {
        let n = name(label);
        net.lookup(&n, T0);
        let err = net.light.answer(&n, T0).unwrap_err();
        (err.code(), err.to_string())
    };
    for (label, code) in [
        ("altered", "light.entry_mismatch"),
        ("forged", "rule.records_mismatch"),
        ("sigflip", "rule.bad_signature"),
        ("denied-bad", "proof.hash_mismatch"),
    ] {
        let (got, message) = failed(&mut net, label);
        assert_eq!(got, "light.no_answer", "{label}: no valid answer");
        assert!(message.contains(&format!("peer 2: {code}")), "{label}: {message}");
    }
    assert_eq!(failed(&mut net, "lapsed").0, "resolve.expired");

    // Undetectable with one peer, and pinned as such: the older version of `older` is taken,
    // and an absence proven against the liar's own (made-up) root reads as "not found".
    let older = name("older");
    net.lookup(&older, T0);
    let answer = net.light.answer(&older, T0).unwrap();
    let honest = &current.iter().find(|(n, _)| *n == older).unwrap().1;
    assert_eq!(answer.entry.seq() + 1, honest.seq(), "the withheld update is not seen");
    assert_eq!(answer.entry.records, txt("v1"));
    assert_eq!(failed(&mut net, "denied").0, "resolve.not_found");
    assert!(faults(&net.light.take_events()).len() == 4, "withholding raises no fault");
}

#[test]
fn a_newer_version_already_verified_is_never_given_up_for_an_older_answer() {
    let World { params, honest, liar, .. } = world();
    let mut net = Net::new(params);
    net.link_node(1, honest, T0);
    let older = name("older");
    net.lookup(&older, T0);
    let seq = net.light.answer(&older, T0).unwrap().entry.seq();
    // The honest node goes away; the liar alone now answers with the registration.
    net.light.disconnect(1, T0);
    net.link(2, Box::new(liar), vec![], T0);
    net.lookup(&older, T0 + 1);
    assert_eq!(net.light.answer(&older, T0 + 1).unwrap().entry.seq(), seq, "no rollback");
    let denied = name("denied");
    net.light.disconnect(2, T0 + 1);
    assert_eq!(net.light.peers(), Vec::<u64>::new());
    assert_eq!(net.light.lookup(&denied, T0 + 2).unwrap_err().code(), "resolve.offline");
}

#[test]
fn a_watched_name_changed_on_the_node_is_pushed_and_an_unwatched_one_sends_nothing() {
    let World { params, honest, current, .. } = world();
    let key = Keypair::from_secret(&[1; 32]);
    let mut net = Net::new(params);
    net.link_node(1, honest, T0);
    let watched = name("altered");
    net.lookup(&watched, T0);
    net.light.take_events();
    assert_eq!(net.light.watched(), vec![watched.clone()]);
    let before = net.light.peer_stats(1).unwrap().bytes_in;

    // An unwatched name changes: nothing reaches the client, then or at the node's ticks.
    let node = net.nodes.get_mut(&1).unwrap();
    let unwatched = &current[3].1;
    let update = build::update(unwatched.entry(), &key, txt("changed"), T0 + 10).unwrap();
    assert!(sends(node.submit(update, T0 + 10).unwrap().out).is_empty(), "no frame");
    for t in [T0 + 2_000, T0 + 20_000, T0 + 120_000] {
        assert!(sends(node.tick(t)).is_empty(), "no root announcement or catch-up at {t}");
    }
    assert_eq!(net.light.peer_stats(1).unwrap().bytes_in, before);

    // The watched name changes: its new version is pushed, verified and answered.
    let node = net.nodes.get_mut(&1).unwrap();
    let held = node.namespace().get(&watched).unwrap().clone();
    let update = build::update(&held, &key, txt("new"), T0 + 30).unwrap();
    let frames = sends(node.submit(update.clone(), T0 + 30).unwrap().out);
    assert_eq!(frames.len(), 1, "one ops frame");
    net.receive_from(1, frames, T0 + 30);
    assert_eq!(net.light.take_events(), vec![LightEvent::Change { name: watched.clone() }]);
    let answer = net.light.answer(&watched, T0 + 31).unwrap();
    assert_eq!(answer.entry.entry(), &update);
    assert!(net.light.peer_stats(1).unwrap().bytes_in > before);
}
