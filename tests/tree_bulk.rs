//! Bulk tree builds (`Tree::from_sorted`, `Tree::replace_with`) against one-at-a-time inserts:
//! the same root, the same node blocks, the same changes reported to storage; and the
//! namespace's bulk flush against its one-at-a-time flush.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashSet};

use cid::Cid;
use common::{params, reg, T0, YEAR};
use proptest::prelude::*;
use vns::block::{cid_of, Block};
use vns::entry::Entry;
use vns::name::Name;
use vns::namespace::Namespace;
use vns::tree::{empty_root, layer_of, Changes, Tree, TreeError};

fn val(tag: u32) -> Cid {
    cid_of(format!("value {tag}").as_bytes())
}

/// Keys of layer 2 or more (at most 1 in 256 keys is), to put keys above the usual two
/// layers of a small tree.
fn high_layer_keys() -> Vec<String> {
    (0u32..).map(|i| format!("high{i}.vfs")).filter(|k| layer_of(k) >= 2).take(6).collect()
}

fn inserted(model: &BTreeMap<String, Cid>, order: &[usize]) -> Tree {
    let entries: Vec<(&String, &Cid)> = model.iter().collect();
    let mut tree = Tree::new();
    for &i in order {
        let (k, v) = entries[i];
        tree.insert(k, *v);
    }
    tree
}

fn blocks(tree: &Tree) -> BTreeMap<Cid, Vec<u8>> {
    tree.reachable_cids().map(|cid| (cid, tree.block(&cid).unwrap())).collect()
}

fn parts(changes: Changes) -> (Vec<Block>, Vec<Cid>) {
    (changes.new_blocks, changes.dropped)
}

/// Random key sets: short keys over a tiny alphabet share long prefixes (and include the
/// empty key), plus some keys of high layers.
fn key_set() -> impl Strategy<Value = BTreeMap<String, Cid>> {
    let short = prop::collection::vec("[ab]{0,5}", 0..40);
    let long = prop::collection::vec("name[0-9]{1,4}\\.vfs", 0..200);
    let high = prop::collection::vec(any::<bool>(), 6);
    (short, long, high).prop_map(|(short, long, high)| {
        let high_keys = high_layer_keys();
        let picked = high.iter().zip(&high_keys).filter(|(on, _)| **on).map(|(_, k)| k.clone());
        short
            .into_iter()
            .chain(long)
            .chain(picked)
            .enumerate()
            .map(|(i, k)| (k, val(i as u32)))
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn bulk_build_is_byte_identical_to_inserts(model in key_set(), seed in any::<u64>()) {
        // One-at-a-time in a shuffled order: the tree does not depend on it.
        let mut order: Vec<usize> = (0..model.len()).collect();
        let mut state = seed | 1;
        for i in (1..order.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            order.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let mut one_by_one = inserted(&model, &order);
        let mut bulk = Tree::from_sorted(model.iter().map(|(k, v)| (k.clone(), *v))).unwrap();
        bulk.validate().unwrap();
        prop_assert_eq!(bulk.root(), one_by_one.root());
        prop_assert_eq!(bulk.len(), model.len());
        prop_assert_eq!(blocks(&bulk), blocks(&one_by_one));
        let listed: Vec<(String, Cid)> = bulk.iter().collect();
        let expected: Vec<(String, Cid)> = model.iter().map(|(k, v)| (k.clone(), *v)).collect();
        prop_assert_eq!(listed, expected);
        // Storage sees the same: every node new, nothing dropped; then nothing more.
        prop_assert_eq!(parts(bulk.take_changes()), parts(one_by_one.take_changes()));
        prop_assert_eq!(bulk.take_changes(), Changes::default());
    }

    #[test]
    fn replace_with_reports_changes_as_inserts_and_removals_do(
        before in key_set(),
        after in key_set(),
        saved_midway in any::<bool>(),
    ) {
        // A tree with some changes already taken and, when `saved_midway`, some pending.
        let mut base = Tree::from_sorted(before.iter().map(|(k, v)| (k.clone(), *v))).unwrap();
        base.take_changes();
        if saved_midway {
            for (k, v) in after.iter().step_by(3) {
                base.insert(k, *v);
            }
            for k in before.keys().step_by(4) {
                base.remove(k);
            }
        }
        let mut stepwise = base.clone();
        for k in before.keys().filter(|k| !after.contains_key(*k)) {
            stepwise.remove(k);
        }
        for (k, v) in &after {
            stepwise.insert(k, *v);
        }
        let mut replaced = base;
        replaced.replace_with(Tree::from_sorted(after.iter().map(|(k, v)| (k.clone(), *v))).unwrap());
        replaced.validate().unwrap();
        prop_assert_eq!(replaced.root(), stepwise.root());
        prop_assert_eq!(replaced.len(), after.len());
        prop_assert_eq!(parts(replaced.take_changes()), parts(stepwise.take_changes()));
    }
}

#[test]
fn empty_and_single_key() {
    let mut empty = Tree::from_sorted(Vec::<(String, Cid)>::new()).unwrap();
    assert_eq!(empty.root(), empty_root());
    assert_eq!(parts(empty.take_changes()), parts(Tree::new().take_changes()));

    let mut one = Tree::from_sorted([("alice.vfs", val(1))]).unwrap();
    let mut inserted = Tree::new();
    inserted.insert("alice.vfs", val(1));
    assert_eq!(one.root(), inserted.root());
    assert_eq!(one.depth(), 1);
    assert_eq!(parts(one.take_changes()), parts(inserted.take_changes()));
}

#[test]
fn high_layer_keys_sit_above_the_rest() {
    let high = high_layer_keys();
    let keys: BTreeSet<String> =
        (0..300).map(|i| format!("name{i}.vfs")).chain(high.iter().cloned()).collect();
    let tree = Tree::from_sorted(keys.iter().map(|k| (k.as_str(), val(0)))).unwrap();
    let root = tree.node(&tree.root()).unwrap();
    let top = keys.iter().map(|k| layer_of(k)).max().unwrap();
    assert!(top >= 2);
    assert_eq!(root.layer(), Some(top));
    let mut one_by_one = Tree::new();
    for k in keys.iter().rev() {
        one_by_one.insert(k, val(0));
    }
    assert_eq!(blocks(&tree), blocks(&one_by_one));
}

#[test]
fn unsorted_or_repeated_keys_are_refused() {
    let err = Tree::from_sorted([("b", val(1)), ("a", val(2))]).unwrap_err();
    assert_eq!(err, TreeError::UnsortedKeys { index: 1, key: "a".into() });
    assert_eq!(err.code(), "tree.unsorted_keys");
    assert!(err.to_string().contains("\"a\""), "{err}");

    let err = Tree::from_sorted([("a", val(1)), ("b", val(2)), ("b", val(3))]).unwrap_err();
    assert_eq!(err, TreeError::UnsortedKeys { index: 2, key: "b".into() });

    // Bytewise order, not character order by some other rule: "Z" (0x5a) < "a" (0x61).
    assert!(Tree::from_sorted([("Z", val(1)), ("a", val(2))]).is_ok());
    assert!(Tree::from_sorted([("é", val(1)), ("z", val(2))]).is_err(), "0xc3 sorts after z");
}

/// `n` entries copied from `template` under the names `{prefix}{i}` (signatures not valid:
/// for `restore`, which trusts its input).
fn copies(template: &Entry, prefix: &str, n: u32) -> Vec<Entry> {
    (0..n)
        .map(|i| {
            let mut e = template.clone();
            e.ops[0].op.name = Name::parse(&format!("{prefix}{i}")).unwrap();
            e
        })
        .collect()
}

/// What a save of `ns` would write and what it could delete, as sets of CIDs.
fn storage_view(ns: &mut Namespace) -> (Cid, BTreeSet<Cid>, HashSet<Cid>) {
    let root = ns.merkle_root();
    let written = ns.take_unsaved_blocks().into_iter().map(|b| b.cid).collect();
    (root, written, ns.take_dropped().into_iter().collect())
}

#[test]
fn namespace_bulk_flush_matches_one_at_a_time() {
    const HOUR: u64 = 3_600_000;
    let grace = params().grace_period_ms;
    let live = reg(1, "template", T0);
    // Twenty groups of ten names that lapse one group at a time, long before `T0`.
    let old_at = |i: u64| T0 - 2 * YEAR + i * HOUR;
    let olds: Vec<Entry> = (0..20).map(|i| reg(2, &format!("oldtemplate{i}"), old_at(i))).collect();
    let mut bulk = Namespace::new(params());
    let mut stepwise = Namespace::new(params());
    let both = |bulk: &mut Namespace, stepwise: &mut Namespace, entries: Vec<Entry>| {
        for e in entries {
            bulk.restore(e.clone());
            stepwise.restore(e);
            // One change per flush: the tree is changed in place, one insert at a time.
            stepwise.merkle_root();
        }
    };
    // Restores into an empty namespace: one bulk build against 800 single inserts.
    both(&mut bulk, &mut stepwise, copies(&live, "live", 600));
    for (i, old) in olds.iter().enumerate() {
        both(&mut bulk, &mut stepwise, copies(old, &format!("old{i}-"), 10));
    }
    assert_eq!(storage_view(&mut bulk), storage_view(&mut stepwise));

    // A batch large against the tree, so rebuilt: 200 replaced, 300 new and 200 removed names.
    let mut changed = live.clone();
    changed.records = vec![common::txt("changed")];
    both(&mut bulk, &mut stepwise, copies(&changed, "live", 200));
    both(&mut bulk, &mut stepwise, copies(&live, "new", 300));
    for i in 0..20 {
        assert_eq!(stepwise.sweep_expired(old_at(i) + YEAR + grace + 1).len(), 10);
        stepwise.merkle_root();
    }
    assert_eq!(bulk.sweep_expired(T0 + 1).len(), 200);
    let (root, written, dropped) = storage_view(&mut bulk);
    assert_eq!((root, written.clone(), dropped.clone()), storage_view(&mut stepwise));
    assert!(dropped.len() > 400, "200 replaced and 200 removed entries, and old nodes");
    assert!(written.len() > 500, "200 changed and 300 new entries, and new nodes");
    bulk.tree().validate().unwrap();
    assert_eq!(bulk.len(), 900);

    // A small batch goes in place in both.
    for e in copies(&live, "late", 3) {
        bulk.restore(e.clone());
        stepwise.restore(e);
    }
    assert_eq!(storage_view(&mut bulk), storage_view(&mut stepwise));
}
