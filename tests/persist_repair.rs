//! Loading a damaged store (`persist::load_repairing`): what is intact is kept, what is not
//! is named, and the next save leaves a store that loads cleanly.

mod common;

use cid::Cid;
use common::*;
use pollster::block_on;
use vns::block::Block;
use vns::blockstore::{Blockstore, MemoryBlockstore};
use vns::namespace::{Limits, Namespace};
use vns::persist::{self, Repaired, ROOT_KEY};

/// A namespace of `n` names, saved to a fresh store.
fn saved(n: u32) -> (Namespace, MemoryBlockstore) {
    let mut ns = Namespace::new(params());
    for i in 0..n {
        ns.apply(reg((i % 5) as u8 + 1, &format!("name{i:04}"), T0), T0).unwrap();
    }
    let store = MemoryBlockstore::new();
    block_on(persist::save(&mut ns, &store, &[])).unwrap();
    (ns, store)
}

fn repair(store: &MemoryBlockstore) -> Repaired {
    block_on(persist::load_repairing(store, params(), Limits::default())).unwrap()
}

fn entry_cid(ns: &Namespace, label: &str) -> Cid {
    *ns.get_encoded(&name(label)).unwrap().cid()
}

fn corrupt(store: &MemoryBlockstore, cid: Cid) {
    let mut bytes = block_on(store.get(&cid)).unwrap().unwrap();
    bytes[3] ^= 0x40;
    block_on(store.put_many(&[Block { cid, bytes }])).unwrap();
}

/// Saves the repaired namespace over the damaged store, then loads it the strict way.
fn save_and_reload(mut repaired: Repaired, store: &MemoryBlockstore) -> Namespace {
    block_on(persist::save(&mut repaired.namespace, store, &[])).unwrap();
    let mut loaded = block_on(persist::load(store, params(), Limits::default())).unwrap();
    assert_eq!(loaded.merkle_root(), repaired.namespace.merkle_root());
    loaded
}

#[test]
fn an_intact_store_repairs_to_the_same_root() {
    let (mut ns, store) = saved(200);
    let mut repaired = repair(&store);
    assert!(repaired.report.is_clean(), "{:?}", repaired.report);
    assert_eq!(repaired.report.entries, 200);
    assert_eq!(repaired.namespace.merkle_root(), ns.merkle_root());
}

#[test]
fn missing_and_corrupt_entries_are_named_and_the_rest_kept() {
    let (mut ns, store) = saved(200);
    block_on(store.delete_many(&[entry_cid(&ns, "name0007")])).unwrap();
    corrupt(&store, entry_cid(&ns, "name0150"));
    // The strict load refuses this store.
    assert!(block_on(persist::load(&store, params(), Limits::default())).is_err());

    let repaired = repair(&store);
    let report = &repaired.report;
    assert_eq!(report.lost, vec!["name0007.vfs".to_string(), "name0150.vfs".to_string()]);
    let codes: Vec<_> = report.damaged.iter().map(|d| (d.kind, d.code)).collect();
    assert!(codes.contains(&("entry", "storage.missing")), "{codes:?}");
    assert!(codes.contains(&("entry", "storage.corrupt")), "{codes:?}");
    assert_eq!(report.entries, 198);
    let indexed: usize =
        (1..=5).map(|k| repaired.namespace.names_by_owner(&key(k).public()).len()).sum();
    assert_eq!(indexed, 198, "the owner index is rebuilt from the kept entries");

    let mut loaded = save_and_reload(repaired, &store);
    assert_eq!(loaded.len(), 198);
    assert!(loaded.get(&name("name0007")).is_none());
    assert!(loaded.get(&name("name0008")).is_some());
    // Taking the two lost names back gives the undamaged namespace's root.
    for label in ["name0007", "name0150"] {
        loaded.apply(ns.get(&name(label)).unwrap().clone(), T0).unwrap();
    }
    assert_eq!(loaded.merkle_root(), ns.merkle_root());
}

#[test]
fn entries_under_a_missing_tree_node_are_found_by_the_scan() {
    let (mut ns, store) = saved(500);
    let tree = ns.tree();
    let root = tree.root();
    // Two children of the root: neither lies under the other, so the load meets both (a
    // node under a deleted one would never be read, and would not be reported damaged).
    let inner: Vec<Cid> = tree.node(&root).unwrap().children().take(2).collect();
    assert_eq!(inner.len(), 2, "500 names need a root with two children");
    block_on(store.delete_many(&inner[..1])).unwrap();
    corrupt(&store, inner[1]);

    let repaired = repair(&store);
    assert!(repaired.report.scanned);
    assert!(repaired.report.lost.is_empty(), "{:?}", repaired.report.lost);
    assert!(repaired.report.from_scan > 0);
    assert_eq!(repaired.report.entries, 500);
    assert_eq!(repaired.report.damaged.iter().filter(|d| d.kind == "node").count(), 2);
    // The rebuilt tree is the original one: its damaged nodes are written again.
    let mut loaded = save_and_reload(repaired, &store);
    assert_eq!(loaded.merkle_root(), ns.merkle_root());
}

#[test]
fn a_missing_or_garbage_root_pointer_recovers_every_entry_from_the_blocks() {
    let (mut ns, store) = saved(100);
    block_on(store.commit(&[], &[(ROOT_KEY.to_string(), None)])).unwrap();
    let mut repaired = repair(&store);
    assert_eq!(repaired.report.entries, 100);
    assert_eq!(repaired.report.from_scan, 100);
    assert_eq!(repaired.namespace.merkle_root(), ns.merkle_root());

    for garbage in [vec![], vec![1, 2, 3], vec![0xff; 40]] {
        block_on(store.commit(&[], &[(ROOT_KEY.to_string(), Some(garbage))])).unwrap();
        let mut repaired = repair(&store);
        assert_eq!(repaired.report.damaged[0].kind, "root");
        assert_eq!(repaired.report.damaged[0].code, "load.bad_root");
        assert_eq!(repaired.namespace.merkle_root(), ns.merkle_root());
    }
}

#[test]
fn the_newest_version_found_by_the_scan_wins() {
    let (mut ns, store) = saved(10);
    let old = entry_cid(&ns, "name0003");
    ns.update(&key(4), &name("name0003"), vec![txt("new")], T0 + 1).unwrap();
    block_on(persist::save(&mut ns, &store, &[])).unwrap(); // the old version stays stored
    let new = entry_cid(&ns, "name0003");
    assert_ne!(old, new);
    block_on(store.commit(&[], &[(ROOT_KEY.to_string(), None)])).unwrap();
    let mut repaired = repair(&store);
    assert_eq!(entry_cid(&repaired.namespace, "name0003"), new);
    assert_eq!(repaired.namespace.merkle_root(), ns.merkle_root());
}

#[test]
fn blocks_that_are_not_entries_or_nodes_are_ignored() {
    let (mut ns, store) = saved(20);
    let junk = Block::encode(&vec![1u32, 2, 3]).unwrap();
    block_on(store.put_many(&[junk])).unwrap();
    let mut repaired = repair(&store);
    assert!(repaired.report.is_clean());
    assert_eq!(repaired.namespace.merkle_root(), ns.merkle_root());
}

#[test]
fn a_queued_change_whose_block_is_lost_comes_back_from_the_queue() {
    use vns::sync::{SyncConfig, SyncNode};
    let mut node = SyncNode::new(Namespace::new(params()), SyncConfig::default());
    for label in ["queued", "other"] {
        node.submit(reg(1, label, T0), T0).unwrap(); // no peer: both wait in the queue
    }
    let store = MemoryBlockstore::new();
    block_on(node.save(&store)).unwrap();
    assert_eq!(node.queue_status().size, 2);
    block_on(store.delete_many(&[entry_cid(node.namespace(), "queued")])).unwrap();

    let config = SyncConfig::default();
    let (mut repaired, report) =
        block_on(SyncNode::load_repairing(&store, params(), Limits::default(), config)).unwrap();
    assert_eq!(report.from_queue, 1);
    assert!(report.lost.is_empty(), "{:?}", report.lost);
    assert_eq!(repaired.queue_status().size, 2, "the queue still goes to peers");
    assert_eq!(repaired.merkle_root(), node.merkle_root());
}
