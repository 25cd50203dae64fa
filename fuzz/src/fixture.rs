//! The namespace the `namespace_apply` target applies fuzzed entries to: a few live names with
//! registrations, record updates, transfers and a renewal under `NetworkParams::testing()`,
//! built once from fixed keys and timestamps so every run (and the seed corpus) sees the same
//! state.

use std::sync::OnceLock;

use cid::Cid;
use vns::build;
use vns::identity::Keypair;
use vns::name::Name;
use vns::namespace::Namespace;
use vns::params::NetworkParams;
use vns::record::Record;

/// 2026-11-01T00:00:00Z, the first registration.
pub const T0: u64 = 1_793_491_200_000;

/// One minute in milliseconds.
pub const MIN: u64 = 60 * 1000;

/// The clock of every apply: an hour after `T0`, so the first names are settled and the last
/// one ([`CONTESTED`]) is not.
pub const NOW: u64 = T0 + 60 * MIN;

/// Registered 5 minutes before [`NOW`]: within the settlement window, an earlier rival
/// registration still displaces it.
pub const CONTESTED: &str = "erin";

/// The prepared namespace and its merkle root.
pub struct Fixture {
    /// The namespace every input starts from (cloned per input).
    pub namespace: Namespace,
    /// Its merkle root.
    pub root: Cid,
}

/// The key with secret `[n; 32]`.
pub fn key(n: u8) -> Keypair {
    Keypair::from_secret(&[n; 32])
}

/// The parameters of the fixture's network.
pub fn params() -> NetworkParams {
    NetworkParams::testing()
}

/// One record of every type.
pub fn every_record_type() -> Vec<Record> {
    [
        ("A", "192.0.2.1"),
        ("AAAA", "2001:db8::1"),
        ("TXT", "hello from the fuzz fixture"),
        ("FS", "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"),
        ("SYNC", "wss://node.example:7420/vns"),
        ("SYNC", "/dns4/node.example.com/tcp/443/wss"),
    ]
    .into_iter()
    .map(|(kind, value)| Record::parse(kind, value, Some(300)).expect("fixture records are valid"))
    .collect()
}

fn name(label: &str) -> Name {
    Name::parse(label).expect("fixture names are valid")
}

fn build() -> Fixture {
    let params = params();
    let mut ns = Namespace::new(params.clone());
    let mut apply = |entry, ts| {
        ns.apply(entry, ts).expect("fixture entries are valid");
    };
    let (alice, bob, carol, dave) = (key(1), key(2), key(3), key(4));
    let register = |key: &Keypair, label: &str, records, ts| {
        build::register(&params, key, &name(label), records, ts).expect("valid registration")
    };

    // alice.vfs: registered, then its records replaced.
    let v = register(&alice, "alice", vec![], T0);
    apply(v.clone(), T0);
    let v = build::update(&v, &alice, every_record_type(), T0 + MIN).expect("valid update");
    apply(v, T0 + MIN);

    // bob.vfs: registered, then transferred to carol.
    let v = register(&bob, "bob", every_record_type(), T0);
    apply(v.clone(), T0);
    apply(build::transfer(&v, &bob, carol.public(), T0 + 2 * MIN), T0 + 2 * MIN);

    // carol.vfs: registered, then renewed.
    let v = register(&carol, "carol", vec![], T0);
    apply(v.clone(), T0);
    apply(build::renew(&v, &carol, &params, T0 + 3 * MIN), T0 + 3 * MIN);

    // münchen.vfs (an IDN name): transferred, then updated by its new owner.
    let v = register(&dave, "münchen", vec![], T0 + 4 * MIN);
    apply(v.clone(), T0 + 4 * MIN);
    let v = build::transfer(&v, &dave, alice.public(), T0 + 5 * MIN);
    apply(v.clone(), T0 + 5 * MIN);
    let v = build::update(&v, &alice, every_record_type(), T0 + 6 * MIN).expect("valid update");
    apply(v, T0 + 6 * MIN);

    let v = register(&dave, CONTESTED, vec![], NOW - 5 * MIN);
    apply(v, NOW - 5 * MIN);

    ns.take_deltas();
    let root = ns.merkle_root();
    Fixture { namespace: ns, root }
}

/// The fixture, built on first use.
pub fn get() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(build)
}
