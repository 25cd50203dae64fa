//! The namespace store: resolution, owner index, local limits, deltas and sweeps.

mod common;

use common::*;
use vns::error::Error;
use vns::namespace::{Applied, Limits, Namespace};
use vns::params::DAY_MS;

#[test]
fn resolve_reports_each_status() {
    let p = params();
    let mut ns = Namespace::new(p.clone());
    let v1 = reg(1, "alice", T0);
    ns.apply(v1.clone(), T0).unwrap();
    let ok = ns.resolve(&name("alice"), T0 + 1).unwrap();
    assert_eq!(ok.records, v1.records.as_slice());
    assert_eq!(ok.records[0].ttl, vns::record::DEFAULT_TTL);
    assert_eq!(ok.owner, key(1).public());
    assert_eq!(ok.expires, T0 + YEAR);
    assert_eq!(ns.resolve(&name("nobody"), T0).unwrap_err().code(), "resolve.not_found");
    assert_eq!(ns.resolve(&name("alice"), T0 + YEAR).unwrap_err().code(), "resolve.in_grace");
    let after = T0 + YEAR + p.grace_period_ms;
    assert_eq!(ns.resolve(&name("alice"), after).unwrap_err().code(), "resolve.expired");
}

#[test]
fn owner_index_follows_transfers_and_sweeps() {
    let p = params();
    let mut ns = Namespace::new(p.clone());
    ns.apply(reg(1, "alice", T0), T0).unwrap();
    ns.apply(reg(1, "alpha", T0), T0).unwrap();
    let (alice, alpha) = (name("alice"), name("alpha"));
    assert_eq!(ns.names_by_owner(&key(1).public()), vec![&alice, &alpha]);
    ns.transfer(&key(1), &alice, key(2).public(), T0 + MIN).unwrap();
    assert_eq!(ns.names_by_owner(&key(1).public()), vec![&alpha]);
    assert_eq!(ns.names_by_owner(&key(2).public()), vec![&alice]);
    // Only the new owner can act now.
    let err = ns.update(&key(1), &alice, vec![], T0 + 2 * MIN).unwrap_err();
    assert_eq!(err.code(), "rule.wrong_signer");
    ns.update(&key(2), &alice, vec![txt("mine")], T0 + 2 * MIN).unwrap();
    ns.renew(&key(2), &alice, T0 + 100 * DAY_MS).unwrap();

    // alpha lapses first; alice was renewed.
    let sweep_at = T0 + YEAR + p.grace_period_ms;
    assert_eq!(ns.sweep_expired(sweep_at), vec![alpha.clone()]);
    assert!(ns.names_by_owner(&key(1).public()).is_empty());
    assert_eq!(ns.names_by_owner(&key(2).public()), vec![&alice]);
    assert!(ns.get(&alpha).is_none());
    assert!(ns.resolve(&alice, sweep_at).is_ok());
    assert!(ns.sweep_expired(sweep_at).is_empty(), "a second sweep removes nothing");
}

#[test]
fn local_registrations_are_rate_limited_per_owner_but_peers_are_not() {
    let limits = Limits { registrations_per_hour: 2 };
    let mut ns = Namespace::with_limits(params(), limits);
    ns.register(reg(1, "one", T0), T0).unwrap();
    ns.register(reg(1, "two", T0), T0).unwrap();
    let limited = ns.register(reg(1, "three", T0), T0 + MIN).unwrap_err();
    assert!(
        matches!(limited, Error::RateLimited { limit: 2, retry_at, .. } if retry_at == T0 + 60 * MIN)
    );
    assert_eq!(limited.code(), "store.rate_limited");
    // Another owner is unaffected, and the same entry from a peer is applied: the limit
    // never decides which valid version wins.
    ns.register(reg(2, "four", T0), T0 + MIN).unwrap();
    assert_eq!(ns.apply(reg(1, "three", T0), T0 + MIN).unwrap(), Applied::Accepted);
    // The window slides.
    ns.register(reg(1, "five", T0 + 60 * MIN), T0 + 60 * MIN).unwrap();
}

#[test]
fn every_accepted_change_is_a_delta() {
    let mut ns = Namespace::new(params());
    let v1 = reg(1, "alice", T0);
    ns.apply(v1.clone(), T0).unwrap();
    ns.update(&key(1), &name("alice"), vec![txt("x")], T0 + 1).unwrap();
    let _ = ns.apply(v1, T0 + 2); // stale: no delta
    let deltas = ns.take_deltas();
    assert_eq!(deltas.len(), 2);
    assert_eq!(deltas[1].entry.seq(), 1);
    assert!(ns.take_deltas().is_empty());
}

#[test]
fn lapsed_names_can_be_registered_again_as_a_new_lineage() {
    let p = params();
    let mut ns = Namespace::new(p.clone());
    let old = reg(1, "alice", T0);
    ns.apply(old.clone(), T0).unwrap();
    let free = T0 + YEAR + p.grace_period_ms;
    let new = reg(2, "alice", free);
    assert_eq!(ns.apply(new.clone(), free).unwrap(), Applied::Accepted);
    assert_eq!(ns.get(&name("alice")), Some(&new));
    assert_eq!(ns.names_by_owner(&key(1).public()), Vec::<&vns::name::Name>::new());
    // The old lineage cannot come back.
    assert_eq!(ns.apply(old, free + 1).unwrap_err().code(), "rule.lapsed");
}

#[test]
fn check_register_refuses_before_the_proof_of_work_what_register_would() {
    let p = params();
    let limits = Limits { registrations_per_hour: 1 };
    let mut ns = Namespace::with_limits(p.clone(), limits);
    let unsolved = |k: u8, n: &str, ts: u64| {
        vns::build::register_with_nonce(&p, &key(k), &name(n), vec![a("192.0.2.1")], ts, 0).unwrap()
    };
    ns.register(reg(1, "alice", T0), T0).unwrap();
    let code = |r: Result<(), Error>| r.unwrap_err().code();
    // A name held by another owner, a reserved name, a timestamp from the future, and the
    // local rate limit: all refused without any proof-of-work.
    assert_eq!(
        code(ns.check_register(&unsolved(2, "alice", T0 + MIN), T0 + MIN)),
        "rule.conflict_lost"
    );
    assert_eq!(code(ns.check_register(&unsolved(2, "admin", T0), T0)), "rule.reserved");
    let future = unsolved(2, "bob", T0 + DAY_MS);
    assert_eq!(code(ns.check_register(&future, T0)), "rule.future_timestamp");
    assert_eq!(
        code(ns.check_register(&unsolved(1, "carol", T0 + MIN), T0 + MIN)),
        "store.rate_limited"
    );
    // A free name passes the check; the proof-of-work is still required by register.
    let free = unsolved(2, "dave", T0 + MIN);
    ns.check_register(&free, T0 + MIN).unwrap();
    assert_eq!(ns.register(free, T0 + MIN).unwrap_err().code(), "rule.proof_of_work");
    // Nothing was changed by the checks: only alice is held.
    assert_eq!(ns.len(), 1);
}
