//! Each test tries an attack on the rules and shows it fails.

mod common;

use common::*;
use vns::build;
use vns::entry::{Entry, MAX_ENTRY_BYTES};
use vns::error::Error;
use vns::namespace::{Applied, Namespace};
use vns::op::{OpKind, SignedOp};
use vns::rules::{self, RuleError};

fn code(result: Result<Applied, Error>) -> &'static str {
    result.expect_err("the attack must be rejected").code()
}

fn holding(entry: &Entry, now: u64) -> Namespace {
    let mut ns = Namespace::new(params());
    assert_eq!(ns.apply(entry.clone(), now).unwrap(), Applied::Accepted);
    ns
}

/// Re-signs `op` with `signer` after `change`, as a forger who controls that key would.
fn resign(op: &SignedOp, signer: u8, change: impl FnOnce(&mut vns::op::Op)) -> SignedOp {
    let mut op = op.op.clone();
    op.signer = key(signer).public();
    change(&mut op);
    op.sign(&key(signer))
}

#[test]
fn update_signed_by_a_stranger_is_rejected() {
    let v1 = reg(1, "alice", T0);
    let mut ns = holding(&v1, T0);
    let forged = build::update(&v1, &key(66), vec![a("203.0.113.9")], T0 + MIN).unwrap();
    assert_eq!(code(ns.apply(forged, T0 + MIN)), "rule.wrong_signer");
    // Claiming the owner's key as signer without the owner's secret breaks the signature.
    let mut forged = build::update(&v1, &key(66), vec![a("203.0.113.9")], T0 + MIN).unwrap();
    forged.ops[1].op.signer = key(1).public();
    assert_eq!(code(ns.apply(forged, T0 + MIN)), "rule.bad_signature");
    assert_eq!(ns.get(&name("alice")), Some(&v1));
}

#[test]
fn forged_transfer_is_rejected() {
    let v1 = reg(1, "alice", T0);
    let mut ns = holding(&v1, T0);
    let theft = build::transfer(&v1, &key(66), key(66).public(), T0 + MIN);
    assert_eq!(code(ns.apply(theft, T0 + MIN)), "rule.wrong_signer");
    // Tampering with a genuine transfer's recipient invalidates its signature.
    let mut tampered = build::transfer(&v1, &key(1), key(2).public(), T0 + MIN);
    tampered.ops[1].op.new_owner = Some(key(66).public());
    assert_eq!(code(ns.apply(tampered, T0 + MIN)), "rule.bad_signature");
    assert_eq!(ns.get(&name("alice")).unwrap().owner(), key(1).public());
}

#[test]
fn reserved_names_cannot_be_registered_updated_or_transferred() {
    for reserved in vns::name::RESERVED {
        let entry = reg(1, reserved, T0);
        let mut ns = Namespace::new(params());
        assert_eq!(code(ns.apply(entry.clone(), T0)), "rule.reserved", "{reserved}");
        let next = build::transfer(&entry, &key(1), key(2).public(), T0 + 1);
        assert_eq!(code(ns.apply(next, T0 + 1)), "rule.reserved");
        let next = build::update(&entry, &key(1), vec![], T0 + 1).unwrap();
        assert_eq!(code(ns.apply(next, T0 + 1)), "rule.reserved");
        assert_eq!(ns.resolve(&name(reserved), T0).unwrap_err().code(), "resolve.reserved");
    }
}

#[test]
fn replay_of_an_old_version_is_a_no_op_or_stale() {
    let v1 = reg(1, "alice", T0);
    let v2 = build::update(&v1, &key(1), vec![a("198.51.100.2")], T0 + MIN).unwrap();
    let mut ns = holding(&v1, T0);
    assert_eq!(ns.apply(v2.clone(), T0 + MIN).unwrap(), Applied::Accepted);
    assert_eq!(code(ns.apply(v1, T0 + 2 * MIN)), "rule.stale");
    assert_eq!(ns.apply(v2.clone(), T0 + 2 * MIN).unwrap(), Applied::Duplicate);
    assert_eq!(ns.get(&name("alice")), Some(&v2));
    assert_eq!(ns.take_deltas().len(), 2, "a replay emits no delta");
}

#[test]
fn backdated_registration_cannot_displace_a_settled_name() {
    let window = params().settlement_window_ms;
    let honest = reg(1, "alice", T0);
    let mut ns = holding(&honest, T0);
    // Published after the window, claiming to be older than the honest registration.
    let backdated = reg(66, "alice", T0 - 10 * MIN);
    let now = T0 + window + MIN;
    assert_eq!(code(ns.apply(backdated.clone(), now)), "rule.settled");
    assert_eq!(ns.get(&name("alice")), Some(&honest));
    // Inside the window first-come-first-served still ranks by timestamp (documented risk).
    let mut fresh = holding(&honest, T0);
    assert_eq!(fresh.apply(backdated, T0 + MIN).unwrap(), Applied::Accepted);
}

#[test]
fn later_registration_of_a_live_name_loses() {
    let honest = reg(1, "alice", T0);
    let mut ns = holding(&honest, T0);
    assert_eq!(code(ns.apply(reg(66, "alice", T0 + MIN), T0 + MIN)), "rule.conflict_lost");
}

#[test]
fn future_timestamps_are_rejected() {
    let skew = params().max_future_skew_ms;
    let mut ns = Namespace::new(params());
    let early = reg(1, "alice", T0 + skew + 1);
    assert_eq!(code(ns.apply(early.clone(), T0)), "rule.future_timestamp");
    assert_eq!(ns.apply(reg(1, "alice", T0 + skew), T0).unwrap(), Applied::Accepted);
    // A future-dated update cannot lock the name either.
    let v1 = reg(2, "bob", T0);
    let mut ns = holding(&v1, T0);
    let ahead = build::update(&v1, &key(2), vec![], T0 + YEAR / 2).unwrap();
    assert_eq!(code(ns.apply(ahead, T0 + MIN)), "rule.future_timestamp");
}

#[test]
fn proof_of_work_cannot_be_reused() {
    let genuine = reg(1, "alice", T0);
    let nonce = genuine.ops[0].op.nonce.unwrap();
    let p = params();
    let mut ns = Namespace::new(p.clone());
    // Same nonce, another owner.
    let other_owner =
        build::register_with_nonce(&p, &key(66), &name("alice"), vec![], T0, nonce).unwrap();
    // Same nonce and owner, another timestamp.
    let other_time =
        build::register_with_nonce(&p, &key(1), &name("alice"), vec![], T0 + 1, nonce).unwrap();
    // Same nonce and owner, another name.
    let other_name =
        build::register_with_nonce(&p, &key(1), &name("alicf"), vec![], T0, nonce).unwrap();
    let mut failures = 0;
    for entry in [other_owner, other_time, other_name] {
        // A low test difficulty means a reused nonce can pass by chance (1 in 16); the
        // main-network difficulty makes that 1 in 4 million. Count, then check the odds.
        if let Err(e) = ns.apply(entry, T0) {
            assert_eq!(e.code(), "rule.proof_of_work");
            failures += 1;
        }
    }
    assert!(failures >= 2, "a reused nonce should almost never verify");
    let strict = vns::params::NetworkParams { pow_difficulty: 20, ..p };
    let reused =
        build::register_with_nonce(&strict, &key(66), &name("alice"), vec![], T0, nonce).unwrap();
    assert!(matches!(rules::verify_entry(&reused, &strict), Err(RuleError::ProofOfWork { .. })));
}

#[test]
fn equivocation_resolves_the_same_way_everywhere() {
    let v1 = reg(1, "alice", T0);
    let x = build::update(&v1, &key(1), vec![a("192.0.2.10")], T0 + MIN).unwrap();
    let y = build::update(&v1, &key(1), vec![a("192.0.2.20")], T0 + MIN).unwrap();
    assert_eq!(x.seq(), y.seq());
    let mut left = holding(&v1, T0);
    let mut right = holding(&v1, T0);
    let now = T0 + 2 * MIN;
    let _ = left.apply(x.clone(), now);
    let _ = left.apply(y.clone(), now);
    let _ = right.apply(y.clone(), now);
    let _ = right.apply(x.clone(), now);
    assert_eq!(left.get(&name("alice")), right.get(&name("alice")));
    let winner = left.get(&name("alice")).unwrap();
    assert!(winner == &x || winner == &y);
}

#[test]
fn chain_with_a_missing_transfer_is_rejected() {
    let v1 = reg(1, "alice", T0);
    let v2 = build::transfer(&v1, &key(1), key(2).public(), T0 + MIN);
    let v3 = build::transfer(&v2, &key(2), key(3).public(), T0 + 2 * MIN);
    let v4 = build::update(&v3, &key(3), vec![a("192.0.2.3")], T0 + 3 * MIN).unwrap();
    let mut ns = Namespace::new(params());
    assert_eq!(ns.apply(v4.clone(), T0 + 4 * MIN).unwrap(), Applied::Accepted);

    let mut missing = v4.clone();
    missing.ops.remove(1); // drop the first transfer: the next op's `prev` names it
    let mut ns = Namespace::new(params());
    assert_eq!(code(ns.apply(missing, T0 + 4 * MIN)), "rule.prev_mismatch");

    let mut truncated = v4.clone();
    truncated.ops.truncate(1); // registration only, with the final records: hash mismatch
    assert_eq!(code(ns.apply(truncated, T0 + 4 * MIN)), "rule.records_mismatch");
}

#[test]
fn chain_with_reordered_transfers_is_rejected() {
    let v1 = reg(1, "alice", T0);
    let v2 = build::transfer(&v1, &key(1), key(2).public(), T0 + MIN);
    let v3 = build::transfer(&v2, &key(2), key(3).public(), T0 + 2 * MIN);
    let mut reordered = v3.clone();
    reordered.ops.swap(1, 2);
    let mut ns = Namespace::new(params());
    assert_eq!(code(ns.apply(reordered, T0 + 3 * MIN)), "rule.prev_mismatch");
    // Even re-signed by the right keys in the new order, with the links redone, the sequence
    // numbers go backwards.
    let t_a = resign(&v3.ops[2], 1, |op| {
        op.new_owner = Some(key(3).public());
        op.prev = Some(Box::new(v3.ops[0].op.hash()));
    });
    let t_a_hash = t_a.op.hash();
    let t_b = resign(&v3.ops[1], 3, |op| {
        op.new_owner = Some(key(2).public());
        op.prev = Some(Box::new(t_a_hash));
    });
    let resigned = Entry { ops: vec![v3.ops[0].clone(), t_a, t_b], records: v3.records.clone() };
    assert_eq!(code(ns.apply(resigned, T0 + 3 * MIN)), "rule.seq_not_increasing");
}

#[test]
fn transfer_from_another_lineage_is_rejected() {
    // The owner's transfer of an earlier registration of the same name is not valid proof
    // for a new registration's chain.
    let old = reg(1, "alice", T0);
    let old_transfer = build::transfer(&old, &key(1), key(2).public(), T0 + MIN);
    let new = reg(1, "alice", T0 + 2 * YEAR);
    let mut spliced = new.clone();
    spliced.ops.push(old_transfer.ops[1].clone());
    let mut ns = Namespace::new(params());
    assert_eq!(code(ns.apply(spliced, T0 + 2 * YEAR)), "rule.lineage_mismatch");
}

#[test]
fn seller_cannot_take_a_name_back_after_transferring_it() {
    let v1 = reg(1, "alice", T0);
    let sold = build::transfer(&v1, &key(1), key(2).public(), T0 + MIN);
    let buyer_update = build::update(&sold, &key(2), vec![a("192.0.2.2")], T0 + 2 * MIN).unwrap();
    // The seller signs a later update on the old chain, with a higher sequence number.
    let mut seller = build::update(&v1, &key(1), vec![a("203.0.113.1")], T0 + 3 * MIN).unwrap();
    seller.ops[1] = resign(&seller.ops[1], 1, |op| op.seq = 99);
    let now = T0 + 4 * MIN;
    for order in [[&buyer_update, &seller], [&seller, &buyer_update]] {
        let mut ns = Namespace::new(params());
        for e in order {
            let _ = ns.apply(e.clone(), now);
        }
        assert_eq!(ns.get(&name("alice")), Some(&buyer_update));
    }
}

#[test]
fn renewal_cannot_be_presigned_for_years() {
    let v1 = reg(1, "alice", T0);
    let mut far = build::renew(&v1, &key(1), &params(), T0 + MIN);
    let last = far.ops.len() - 1;
    far.ops[last] = resign(&far.ops[last], 1, |op| op.expires = T0 + 5 * YEAR);
    let mut ns = holding(&v1, T0);
    assert_eq!(code(ns.apply(far, T0 + MIN)), "rule.renewal_too_far");
}

#[test]
fn nobody_else_can_register_during_grace_and_only_the_owner_renews() {
    let v1 = reg(1, "alice", T0);
    let p = params();
    let in_grace = v1.expires() + 5 * vns::params::DAY_MS;
    let mut ns = holding(&v1, T0);
    assert_eq!(ns.resolve(&name("alice"), in_grace).unwrap_err().code(), "resolve.in_grace");
    assert_eq!(code(ns.apply(reg(66, "alice", in_grace), in_grace)), "rule.conflict_lost");
    let stranger = build::renew(&v1, &key(66), &p, in_grace);
    assert_eq!(code(ns.apply(stranger, in_grace)), "rule.wrong_signer");
    let owner = build::renew(&v1, &key(1), &p, in_grace);
    assert_eq!(ns.apply(owner, in_grace).unwrap(), Applied::Accepted);
    assert!(ns.resolve(&name("alice"), in_grace + 1).is_ok());
}

#[test]
fn renewal_after_grace_cannot_resurrect_a_lapsed_name() {
    let v1 = reg(1, "alice", T0);
    let p = params();
    let after = v1.expires() + p.grace_period_ms + 1;
    let late = build::renew(&v1, &key(1), &p, after);
    let mut ns = Namespace::new(p);
    assert_eq!(code(ns.apply(late, after)), "rule.after_grace");
    // A new lineage is free to register it.
    assert_eq!(ns.apply(reg(2, "alice", after), after).unwrap(), Applied::Accepted);
}

#[test]
fn oversized_record_sets_and_entries_are_rejected() {
    let k = key(1);
    let p = params();
    let many: Vec<_> = (0..21).map(|i| txt(&format!("record {i}"))).collect();
    assert!(build::register(&p, &k, &name("alice"), many.clone(), T0).is_err());
    // Bypassing the builder: a signed entry whose record set breaks the limits.
    let mut entry = reg(1, "alice", T0);
    entry.records = many;
    let mut ns = Namespace::new(p);
    assert!(ns.apply(entry, T0).unwrap_err().code().starts_with("record."));
    // Oversized bytes never reach the decoder.
    let huge = vec![0u8; MAX_ENTRY_BYTES + 1];
    assert_eq!(Entry::decode(&huge).unwrap_err().code(), "entry.too_large");
}

#[test]
fn malformed_chains_are_rejected_with_the_rule_named() {
    let v1 = reg(1, "alice", T0);
    let v2 = build::update(&v1, &key(1), vec![], T0 + MIN).unwrap();
    let mut ns = Namespace::new(params());
    // An update in the middle of the chain.
    let mut mid = build::transfer(&v2, &key(1), key(2).public(), T0 + 2 * MIN);
    mid.ops.insert(1, v2.ops[1].clone());
    assert_eq!(code(ns.apply(mid, T0 + 3 * MIN)), "rule.structure");
    // A second registration inside a chain.
    let mut two = v1.clone();
    two.ops.push(v1.ops[0].clone());
    assert_eq!(code(ns.apply(two, T0)), "rule.structure");
    // Time going backwards.
    let mut back = v2.clone();
    back.ops[1] = resign(&back.ops[1], 1, |op| op.ts = T0 - 1);
    assert_eq!(code(ns.apply(back, T0 + MIN)), "rule.time_goes_back");
    // An update that changes the expiry.
    let mut longer = v2.clone();
    longer.ops[1] = resign(&longer.ops[1], 1, |op| op.expires += 1);
    assert_eq!(code(ns.apply(longer, T0 + MIN)), "rule.expiry_changed");
    // Update after expiry.
    let after = v1.expires() + 1;
    let late = build::update(&v1, &key(1), vec![], after).unwrap();
    assert_eq!(code(ns.apply(late, after)), "rule.after_expiry");
    // A registration with the wrong expiry.
    let mut reg_exp = v1.clone();
    reg_exp.ops[0] = resign(&reg_exp.ops[0], 1, |op| op.expires += 1);
    assert_eq!(code(ns.apply(reg_exp, T0)), "rule.registration_expiry");
    assert_eq!(v2.ops[1].op.kind, OpKind::Update);
}

#[test]
fn transfer_to_an_unusable_key_is_rejected() {
    let v1 = reg(1, "alice", T0);
    let mut ns = holding(&v1, T0);
    // The all-zero point is a weak key: no signature under it would ever verify.
    let weak: vns::identity::PublicKey =
        vns::block::from_cbor(&vns::block::to_cbor(&serde_bytes::Bytes::new(&[0u8; 32])).unwrap())
            .unwrap();
    let lock = build::transfer(&v1, &key(1), weak, T0 + MIN);
    assert_eq!(code(ns.apply(lock, T0 + MIN)), "rule.field");
    assert_eq!(ns.get(&name("alice")), Some(&v1));
}
