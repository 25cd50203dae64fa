//! The `prev` rule: every op after the registration names the hash of the op just before it in
//! the entry's `ops`, so the chain is a hash chain. Attacks below are signed with the right
//! keys: only the links give them away.

mod common;

use common::*;
use vns::build;
use vns::entry::Entry;
use vns::identity::Keypair;
use vns::op::Digest;
use vns::rules::verify_entry;

fn code(entry: &Entry) -> &'static str {
    match verify_entry(entry, &params()) {
        Ok(()) => "accepted",
        Err(e) => e.code(),
    }
}

/// `entry` with op `index` re-signed by `key` after `change`.
fn resigned(
    entry: &Entry,
    index: usize,
    key: &Keypair,
    change: impl FnOnce(&mut vns::op::Op),
) -> Entry {
    let mut forged = entry.clone();
    let mut op = forged.ops[index].op.clone();
    change(&mut op);
    forged.ops[index] = op.sign(key);
    forged
}

#[test]
fn a_transfer_with_garbage_prev_is_rejected() {
    let (alice, bob) = (key(1), key(2));
    let v1 = reg(1, "alice", T0);
    let v2 = build::update(&v1, &alice, vec![txt("v2")], T0 + MIN).unwrap();
    let v3 = build::transfer(&v2, &alice, bob.public(), T0 + 2 * MIN);
    assert_eq!(code(&v3), "accepted");
    let garbage = resigned(&v3, 1, &alice, |op| op.prev = Some(Box::new(Digest::from([7; 32]))));
    assert_eq!(code(&garbage), "rule.prev_mismatch");
    // Pointing at the replaced update (not carried) is refused too: the link is to ops[0].
    let replaced = v2.head().op.hash();
    let to_update = resigned(&v3, 1, &alice, |op| op.prev = Some(Box::new(replaced)));
    assert_eq!(code(&to_update), "rule.prev_mismatch");
}

/// `alice.vfs` registered, then renewed twice early: (registration, both renewals).
fn two_renewals() -> (Entry, Entry) {
    let p = params();
    let v1 = reg(1, "alice", T0);
    let v2 = build::renew(&v1, &key(1), &p, T0 + MIN);
    let v3 = build::renew(&v2, &key(1), &p, T0 + 2 * MIN);
    assert_eq!(code(&v3), "accepted");
    (v1, v3)
}

#[test]
fn a_renewal_dropped_between_two_renewals_is_rejected() {
    let (_, v3) = two_renewals();
    // Both renewals were made early, so the expiry bounds hold without the first one.
    let mut dropped = v3.clone();
    dropped.ops.remove(1);
    assert_eq!(code(&dropped), "rule.prev_mismatch");
}

#[test]
fn a_substituted_renewal_is_rejected() {
    let (v1, v3) = two_renewals();
    // Another renewal the owner signed at the same position (e.g. kept from a fork).
    let other = build::renew(&v1, &key(1), &params(), T0 + MIN + 1);
    let mut substituted = v3.clone();
    substituted.ops[1] = other.ops[1].clone();
    assert_eq!(code(&substituted), "rule.prev_mismatch");
}

#[test]
fn reordered_ops_are_rejected() {
    let (alice, bob) = (key(1), key(2));
    let p = params();
    let v1 = reg(1, "alice", T0);
    let v2 = build::renew(&v1, &alice, &p, T0 + MIN);
    let v3 = build::renew(&v2, &alice, &p, T0 + 2 * MIN);
    let v4 = build::transfer(&v3, &alice, bob.public(), T0 + 3 * MIN);
    assert_eq!(code(&v4), "accepted");
    let mut swapped = v4.clone();
    swapped.ops.swap(1, 2);
    assert_eq!(code(&swapped), "rule.prev_mismatch");
    let mut moved = v4.clone();
    let transfer = moved.ops.remove(3);
    moved.ops.insert(1, transfer);
    assert_eq!(code(&moved), "rule.prev_mismatch");
}

#[test]
fn an_update_links_to_the_last_chain_op() {
    let alice = key(1);
    let v1 = reg(1, "alice", T0);
    let v2 = build::update(&v1, &alice, vec![txt("one")], T0 + MIN).unwrap();
    let v3 = build::update(&v2, &alice, vec![txt("two")], T0 + 2 * MIN).unwrap();
    assert_eq!(v3.ops.len(), 2);
    assert_eq!(**v3.head().op.prev.as_ref().unwrap(), v1.head().op.hash());
    assert_eq!(code(&v3), "accepted");
    // Linking to the replaced update, which is not carried, breaks the chain.
    let replaced = v2.head().op.hash();
    let forged = resigned(&v3, 1, &alice, |op| op.prev = Some(Box::new(replaced)));
    assert_eq!(code(&forged), "rule.prev_mismatch");
}

/// One change an honest owner makes: the next version from the current one and a time.
type Step<'a> = Box<dyn Fn(&Entry, u64) -> Entry + 'a>;

#[test]
fn honest_chains_are_accepted() {
    let (alice, bob, carol) = (key(1), key(2), key(3));
    let p = params();
    let mut t = T0;
    let mut tick = || {
        t += MIN;
        t
    };
    let mut e = reg(1, "alice", T0);
    let steps: Vec<Step> = vec![
        Box::new(|e, t| build::update(e, &alice, vec![txt("1")], t).unwrap()),
        Box::new(|e, t| build::update(e, &alice, vec![txt("2")], t).unwrap()),
        Box::new(|e, t| build::renew(e, &alice, &p, t)),
        Box::new(|e, t| build::update(e, &alice, vec![txt("3")], t).unwrap()),
        Box::new(|e, t| build::transfer(e, &alice, bob.public(), t)),
        Box::new(|e, t| build::update(e, &bob, vec![txt("4")], t).unwrap()),
        Box::new(|e, t| build::renew(e, &bob, &p, t)),
        Box::new(|e, t| build::transfer(e, &bob, carol.public(), t)),
        Box::new(|e, t| build::renew(e, &carol, &p, t)),
        Box::new(|e, t| build::update(e, &carol, vec![txt("5")], t).unwrap()),
        Box::new(|e, t| build::transfer(e, &carol, alice.public(), t)),
    ];
    for (i, step) in steps.iter().enumerate() {
        e = step(&e, tick());
        assert_eq!(code(&e), "accepted", "step {i}");
        let decoded = Entry::decode(&e.encode()).unwrap();
        assert_eq!(decoded, e);
    }
    assert_eq!(e.owner(), alice.public());
    assert_eq!(e.ops.len(), 7, "registration, 3 transfers, 3 renewals");
}
