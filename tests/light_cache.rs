//! The light client's saved cache: answers read back offline at once, stale after the set
//! age, asked again on reconnect, bounded most-recent-first; and every damaged, foreign or
//! non-canonical saved form refused with `light.cache_corrupt`, restoring nothing.

mod light_support;

use light_support::{Net, T0};
use vns::build;
use vns::identity::Keypair;
use vns::light::{LightClient, LightConfig};
use vns::name::Name;
use vns::namespace::Namespace;
use vns::params::NetworkParams;
use vns::record::Record;
use vns::sync::{SyncConfig, SyncNode};

const NODE: u64 = 1;

fn name(s: &str) -> Name {
    Name::parse(s).unwrap()
}

fn txt(value: &str) -> Vec<Record> {
    vec![Record::parse("TXT", value, None).unwrap()]
}

/// A node holding `name0`..`name{n-1}`, a client that looked each up, and the node's key.
fn resolved(n: usize) -> (Net, Keypair) {
    let params = NetworkParams::testing();
    let key = Keypair::from_secret(&[1; 32]);
    let mut node = SyncNode::new(Namespace::new(params.clone()), SyncConfig::default());
    for i in 0..n {
        let e = build::register(&params, &key, &name(&format!("name{i}")), txt("v1"), T0 - 1000)
            .unwrap();
        node.namespace_mut().apply(e, T0 - 1000).unwrap();
    }
    let mut net = Net::new(params);
    net.link_node(NODE, node, T0);
    for i in 0..n {
        net.lookup(&name(&format!("name{i}")), T0);
    }
    (net, key)
}

fn fresh(config: LightConfig) -> LightClient {
    LightClient::new(NetworkParams::testing(), config)
}

#[test]
fn a_reload_offline_answers_at_once_and_marks_stale_after_the_set_age() {
    let (net, _) = resolved(3);
    let saved = net.light.export_cache();
    let config = LightConfig { stale_after_ms: 60_000, ..LightConfig::default() };
    let mut reloaded = fresh(config);
    assert_eq!(reloaded.restore_cache(&saved, T0 + 10).unwrap(), 3);
    // No peer: the cached name is ready at once, the uncached one fails at once.
    assert!(matches!(reloaded.lookup(&name("name1"), T0 + 10), Ok(vns::light::Started::Ready)));
    let answer = reloaded.answer(&name("name1"), T0 + 10).unwrap();
    assert_eq!((answer.verified_at, answer.stale), (T0, false), "younger than the set age");
    assert!(reloaded.answer(&name("name1"), T0 + 60_000).unwrap().stale, "as old as the set age");
    let err = reloaded.lookup(&name("nobody"), T0 + 10).unwrap_err();
    assert_eq!(err.code(), "resolve.offline");
}

#[test]
fn watched_names_are_verified_again_on_reconnect() {
    let (mut net, key) = resolved(2);
    let saved = net.light.export_cache();
    let mut node = net.nodes.remove(&NODE).unwrap();
    // While the client was away, name0 changed on the node.
    let params = NetworkParams::testing();
    let current = node.namespace().get(&name("name0")).unwrap().clone();
    let next = build::update(&current, &key, txt("v2"), T0 + 5).unwrap();
    node.namespace_mut().apply(next, T0 + 5).unwrap();
    node.disconnect(light_support::LIGHT);
    let mut back = Net::new(params);
    back.light.restore_cache(&saved, T0 + 10).unwrap();
    assert!(back.light.answer(&name("name0"), T0 + 10).unwrap().stale);
    back.link_node(NODE, node, T0 + 10);
    let answer = back.light.answer(&name("name0"), T0 + 11).unwrap();
    assert!(!answer.stale, "confirmed by the reconnected peer");
    assert_eq!(answer.entry.records, txt("v2"), "and the newer version taken");
}

#[test]
fn the_saved_cache_keeps_the_most_recent_names_within_its_budget() {
    let (net, _) = resolved(10);
    let whole = net.light.export_cache();
    let one = net.light.known(&name("name9")).unwrap().entry.as_ref().unwrap().bytes().len();
    let config = LightConfig { cache_bytes: 3 * (one + 9), ..LightConfig::default() };
    let mut small = fresh(config.clone());
    small.restore_cache(&whole, T0).unwrap();
    let bounded = small.export_cache();
    assert!(bounded.len() < whole.len() / 2, "{} of {}", bounded.len(), whole.len());
    let mut reloaded = fresh(config);
    assert_eq!(reloaded.restore_cache(&bounded, T0).unwrap(), 3);
    // The three looked up last: name7, name8, name9.
    assert_eq!(reloaded.watched(), vec![name("name7"), name("name8"), name("name9")]);
}

#[test]
fn damaged_or_foreign_saved_caches_are_refused_and_restore_nothing() {
    let (net, _) = resolved(2);
    let saved = net.light.export_cache();
    let mut long_form = saved.clone();
    // `v: 1` as a one-byte-argument integer (0x18 0x01): the same value, not canonical.
    let at = long_form.windows(2).position(|w| w == [0x61, b'v']).unwrap() + 2;
    long_form.splice(at..at + 1, [0x18, 0x01]);
    let mut wrong_version = saved.clone();
    wrong_version[at] = 0x02;
    let mut renamed = saved.clone();
    let n = renamed.windows(5).position(|w| w == b"name1").unwrap();
    renamed[n + 4] = b'0'; // name1 saved under name0's spelling: another name's entry
    let upper = {
        let mut s = saved.clone();
        let n = s.windows(5).position(|w| w == b"name0").unwrap();
        s[n] = b'N'; // a spelling that is not canonical
        s
    };
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("garbage", vec![0xff, 0x00, 0x13]),
        ("empty", vec![]),
        ("truncated", saved[..saved.len() - 3].to_vec()),
        ("non-canonical integer", long_form),
        ("unknown version", wrong_version),
        ("another name's entry", renamed),
        ("non-canonical name", upper),
    ];
    for (what, bytes) in cases {
        let mut client = fresh(LightConfig::default());
        let err = client.restore_cache(&bytes, T0).unwrap_err();
        assert_eq!(err.code(), "light.cache_corrupt", "{what}: {err}");
        assert!(client.watched().is_empty(), "{what}: nothing restored");
    }
}

#[test]
fn an_entry_altered_on_disk_is_never_answered() {
    let (net, _) = resolved(1);
    let mut saved = net.light.export_cache();
    // A byte of the record value inside the entry ("v1" → "v2"): the signature breaks.
    let at = saved.windows(2).rposition(|w| w == b"v1").unwrap();
    saved[at + 1] = b'2';
    let mut client = fresh(LightConfig::default());
    // It still decodes; the rules leave it out (the others would be kept).
    assert_eq!(client.restore_cache(&saved, T0).unwrap(), 0);
    assert!(client.answer(&name("name0"), T0).is_err());
}
