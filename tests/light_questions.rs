//! What a page asks a light client about the names it verified (availability, history,
//! renewal outlook, the cache's listing) is answered as a full node holding the same version
//! answers it, and a name nothing was verified about fails as a lookup would.

mod light_support;

use light_support::{Net, T0};
use vns::availability::{availability, Availability};
use vns::build;
use vns::history::history;
use vns::identity::Keypair;
use vns::name::Name;
use vns::namespace::Namespace;
use vns::params::NetworkParams;
use vns::record::Record;
use vns::renewal;
use vns::sync::{SyncConfig, SyncNode};

const NODE: u64 = 1;

fn name(s: &str) -> Name {
    Name::parse(s).unwrap()
}

/// A node holding alice.vfs (registered, then transferred to bob) and a client linked to it.
fn net() -> (Net, Namespace) {
    let params = NetworkParams::testing();
    let (alice, bob) = (Keypair::from_secret(&[1; 32]), Keypair::from_secret(&[2; 32]));
    let txt = vec![Record::parse("TXT", "hi", None).unwrap()];
    let v1 = build::register(&params, &alice, &name("alice"), txt, T0 - 2000).unwrap();
    let v2 = build::transfer(&v1, &alice, bob.public(), T0 - 1000);
    let mut ns = Namespace::new(params.clone());
    ns.apply(v1, T0 - 2000).unwrap();
    ns.apply(v2, T0 - 1000).unwrap();
    let mut node = SyncNode::new(Namespace::new(params.clone()), SyncConfig::default());
    let current = ns.get_encoded(&name("alice")).unwrap();
    node.namespace_mut().apply(current, T0 - 1000).unwrap();
    let mut net = Net::new(params);
    net.link_node(NODE, node, T0);
    (net, ns)
}

#[test]
fn answers_match_a_full_node_holding_the_same_version() {
    let (mut net, full) = net();
    let later = T0 + full.params().registration_period_ms; // alice.vfs in its grace period
    for n in ["alice", "nobody"].map(name) {
        net.lookup(&n, T0);
    }
    for now in [T0, later] {
        for input in ["alice", "ALICE.vfs", "nobody", "a", "admin"] {
            let light = net.light.availability(input, now).unwrap();
            assert_eq!(light, availability(&full, input, now), "{input} at {now}");
        }
        let outlook = net.light.renewal(&name("alice"), now).unwrap();
        assert_eq!(outlook, renewal::for_name(&full, &name("alice"), now).unwrap());
    }
    assert!(matches!(net.light.availability("alice", later), Ok(Availability::Grace { .. })));
    let events = net.light.history(&name("alice")).unwrap();
    assert_eq!(events, history(full.get(&name("alice")).unwrap()));
    assert_eq!(events.len(), 2, "the registration and the transfer");
    // Proven absent: nothing to show or renew, as a full node says.
    assert_eq!(net.light.history(&name("nobody")).unwrap_err().code(), "store.not_found");
    assert_eq!(net.light.renewal(&name("nobody"), T0).unwrap_err().code(), "store.not_found");
    // Past the grace period nobody can renew it.
    let lapsed = later + full.params().grace_period_ms;
    assert_eq!(net.light.renewal(&name("alice"), lapsed).unwrap_err().code(), "rule.lapsed");
}

#[test]
fn a_name_never_looked_up_fails_as_offline_and_invalid_input_is_an_answer() {
    let (net, _) = net();
    assert_eq!(net.light.availability("carol", T0).unwrap_err().code(), "resolve.offline");
    assert_eq!(net.light.history(&name("carol")).unwrap_err().code(), "resolve.offline");
    assert_eq!(net.light.renewal(&name("carol"), T0).unwrap_err().code(), "resolve.offline");
    for (input, code) in
        [("", "name.empty"), ("bad name", "name.bad_char"), ("admin", "rule.reserved")]
    {
        match net.light.availability(input, T0).unwrap() {
            Availability::Invalid { code: got, .. } => assert_eq!(got, code, "{input:?}"),
            other => panic!("{input:?}: {other:?}"),
        }
    }
}

#[test]
fn the_listing_has_every_verified_answer_its_size_and_staleness() {
    let (mut net, full) = net();
    assert_eq!(net.light.cached(T0).names, vec![]);
    net.lookup(&name("nobody"), T0);
    net.lookup(&name("alice"), T0 + 1);
    let listing = net.light.cached(T0 + 2);
    let names: Vec<&str> = listing.names.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["alice.vfs", "nobody.vfs"], "most recently used first");
    let alice = &listing.names[0];
    let held = full.get_encoded(&name("alice")).unwrap();
    assert_eq!((alice.bytes, alice.owner), (held.bytes().len(), Some(held.entry().owner())));
    assert_eq!((alice.verified_at, alice.stale), (T0 + 1, false), "watched by a connected peer");
    assert_eq!((listing.names[1].bytes, listing.names[1].owner), (0, None), "proven absent");
    assert_eq!(listing.saved_bytes, net.light.export_cache().len());

    // Saved and read back with nobody connected: unconfirmed, stale once old enough.
    let config = vns::light::LightConfig { stale_after_ms: 1000, ..Default::default() };
    let mut reloaded = vns::light::LightClient::new(NetworkParams::testing(), config);
    reloaded.restore_cache(&net.light.export_cache(), T0 + 10).unwrap();
    let stale = |at| reloaded.cached(at).names.iter().map(|n| n.stale).collect::<Vec<_>>();
    assert_eq!(stale(T0 + 10), [false, false]);
    assert_eq!(stale(T0 + 1000), [false, true], "alice.vfs verified at T0 + 1, nobody.vfs at T0");
    assert_eq!(stale(T0 + 1001), [true, true]);
    assert_eq!(
        reloaded.answer(&name("alice"), T0 + 1001).unwrap().stale,
        stale(T0 + 1001)[0],
        "the listing and the answer agree"
    );
}
