//! What `docs/protocol.md` says about old timestamps ("Proof-of-work", "Settlement"): only a
//! future bound exists, so a registration made (and its proof-of-work solved) long before it
//! is published is accepted, and settlement measures age by signed timestamps.

mod common;

use common::*;
use vns::error::Error;
use vns::namespace::{Applied, Namespace};

fn code(result: Result<Applied, Error>) -> &'static str {
    result.expect_err("must be refused").code()
}

#[test]
fn a_registration_signed_an_hour_ago_is_accepted_for_a_free_name() {
    let now = T0 + 60 * MIN;
    let mut ns = Namespace::new(params());
    assert_eq!(ns.apply(reg(1, "alice", T0), now).unwrap(), Applied::Accepted);
    assert!(ns.resolve(&name("alice"), now).is_ok());
    // Only the future is bounded.
    let skew = params().max_future_skew_ms;
    assert_eq!(code(ns.apply(reg(2, "bob", now + skew + 1), now)), "rule.future_timestamp");
}

#[test]
fn a_stockpiled_registration_lives_until_its_own_expiry_and_grace() {
    let p = params();
    let lapses = T0 + p.registration_period_ms + p.grace_period_ms;
    // Published in its grace period: accepted, does not resolve, holds the name.
    let mut ns = Namespace::new(p.clone());
    assert_eq!(ns.apply(reg(1, "alice", T0), lapses - MIN).unwrap(), Applied::Accepted);
    assert_eq!(ns.resolve(&name("alice"), lapses - MIN).unwrap_err().code(), "resolve.in_grace");
    // Published once lapsed: dead.
    let mut ns = Namespace::new(p);
    assert_eq!(code(ns.apply(reg(1, "alice", T0), lapses)), "rule.lapsed");
}

#[test]
fn settlement_counts_age_from_signed_timestamps_not_arrival() {
    let window = params().settlement_window_ms;
    // A registration backdated past the window is settled the moment a node first holds it:
    // an even earlier rival, also past the window, cannot displace it.
    let now = T0 + 2 * window;
    let mut ns = Namespace::new(params());
    let backdated = reg(1, "alice", T0);
    assert_eq!(ns.apply(backdated.clone(), now).unwrap(), Applied::Accepted);
    assert_eq!(code(ns.apply(reg(2, "alice", T0 - MIN), now)), "rule.settled");
    // A held registration signed inside the window loses to a rival stamped before it, even
    // one signed (and its proof-of-work solved) long ago and published only now.
    let mut ns = Namespace::new(params());
    let fresh = reg(2, "alice", now - MIN);
    assert_eq!(ns.apply(fresh, now).unwrap(), Applied::Accepted);
    assert_eq!(ns.apply(backdated.clone(), now).unwrap(), Applied::Accepted);
    assert_eq!(ns.get(&name("alice")), Some(&backdated));
}
