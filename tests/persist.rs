//! Persistence through the blockstore: round trip, incremental saves, crash safety, GC.

mod common;

use std::collections::HashSet;

use common::*;
use pollster::block_on;
use vns::block::Block;
use vns::blockstore::{Blockstore, FaultMode, FaultyBlockstore, MemoryBlockstore};
use vns::namespace::{Limits, Namespace};
use vns::persist::{self, ROOT_KEY};

/// A namespace with `n` names by five owners, some updated and transferred.
fn populated(n: u32) -> Namespace {
    let mut ns = Namespace::new(params());
    for i in 0..n {
        let owner = (i % 5) as u8 + 1;
        let label = format!("name{i:05}");
        ns.apply(reg(owner, &label, T0), T0).unwrap();
        if i % 7 == 0 {
            ns.update(&key(owner), &name(&label), vec![txt(&format!("v{i}"))], T0 + 1).unwrap();
        }
        if i % 11 == 0 {
            ns.transfer(&key(owner), &name(&label), key(9).public(), T0 + 2).unwrap();
        }
    }
    ns
}

fn load(store: &MemoryBlockstore) -> Namespace {
    block_on(persist::load(store, params(), Limits::default())).unwrap()
}

/// The owner index agrees with the entries.
fn assert_index_consistent(ns: &Namespace) {
    let mut indexed = 0;
    for k in (1..=9).map(key) {
        for n in ns.names_by_owner(&k.public()) {
            assert_eq!(ns.get(n).unwrap().owner(), k.public());
            indexed += 1;
        }
    }
    assert_eq!(indexed, ns.len());
}

#[test]
fn round_trip_restores_names_index_and_root() {
    let mut ns = populated(300);
    let store = MemoryBlockstore::new();
    block_on(persist::save(&mut ns, &store, &[])).unwrap();
    let mut loaded = load(&store);
    assert_eq!(loaded.merkle_root(), ns.merkle_root());
    assert_eq!(loaded.len(), 300);
    for e in ns.entries() {
        assert_eq!(loaded.get(e.name()), Some(e));
        assert!(loaded.resolve(e.name(), T0 + 10).is_ok());
    }
    assert_eq!(loaded.names_by_owner(&key(9).public()), ns.names_by_owner(&key(9).public()));
    assert_index_consistent(&loaded);
    // Reserved names come from the rules, never from storage.
    assert_eq!(loaded.resolve(&name("root"), T0).unwrap_err().code(), "resolve.reserved");
}

#[test]
fn empty_store_loads_an_empty_namespace() {
    let store = MemoryBlockstore::new();
    assert!(load(&store).is_empty());
    let mut ns = Namespace::new(params());
    block_on(persist::save(&mut ns, &store, &[])).unwrap();
    assert!(load(&store).is_empty());
}

#[test]
fn one_change_writes_only_the_path() {
    let mut ns = populated(2000);
    let store = MemoryBlockstore::new();
    let full = block_on(persist::save(&mut ns, &store, &[])).unwrap();
    assert!(full.blocks > 2000);
    ns.update(&key(2), &name("name00001"), vec![txt("changed")], T0 + 5).unwrap();
    let depth = ns.tree().depth();
    let one = block_on(persist::save(&mut ns, &store, &[])).unwrap();
    // The new entry block plus one node per level.
    assert!(one.blocks <= depth + 1, "{} blocks for one change at depth {depth}", one.blocks);
    assert_eq!(load(&store).merkle_root(), ns.merkle_root());
    // Nothing changed: nothing written.
    assert_eq!(block_on(persist::save(&mut ns, &store, &[])).unwrap().blocks, 0);
}

/// 60 names saved to a fresh store: the old state of the crash tests.
fn make_old() -> (Namespace, MemoryBlockstore) {
    let mut ns = populated(60);
    let disk = MemoryBlockstore::new();
    block_on(persist::save(&mut ns, &disk, &[])).unwrap();
    (ns, disk)
}

/// The change the crash tests save: an update, a transfer and a registration.
fn change(ns: &mut Namespace) {
    ns.update(&key(1), &name("name00005"), vec![txt("new")], T0 + 10).unwrap();
    ns.transfer(&key(3), &name("name00002"), key(8).public(), T0 + 10).unwrap();
    ns.apply(reg(4, "fresh", T0 + 10), T0 + 10).unwrap();
}

#[test]
fn a_crash_at_any_write_point_leaves_the_old_or_the_new_state() {
    // Learn the number of write points of the save.
    let (mut ns, disk) = make_old();
    let old_root = ns.merkle_root();
    change(&mut ns);
    let new_root = ns.merkle_root();
    let counter = FaultyBlockstore::new(disk, None, FaultMode::Crash);
    block_on(persist::save(&mut ns, &counter, &[])).unwrap();
    let points = counter.writes();
    assert!(points > 3);

    for k in 0..points {
        let (mut ns, disk) = make_old();
        change(&mut ns);
        let crashing = FaultyBlockstore::new(disk.clone(), Some(k), FaultMode::Crash);
        assert!(block_on(persist::save(&mut ns, &crashing, &[])).is_err());
        let mut reopened = load(&disk);
        let root = reopened.merkle_root();
        assert!(root == old_root || root == new_root, "write point {k}: a mixed state");
        assert_eq!(root, old_root, "the pointer is written last, so a crash keeps the old state");
        assert_index_consistent(&reopened);
    }
    // A transient failure keeps the blocks for the next attempt.
    let (mut ns, disk) = make_old();
    change(&mut ns);
    let flaky = FaultyBlockstore::new(disk.clone(), Some(1), FaultMode::Fail);
    assert!(block_on(persist::save(&mut ns, &flaky, &[])).is_err());
    block_on(persist::save(&mut ns, &flaky, &[])).unwrap();
    assert_eq!(load(&disk).merkle_root(), new_root);
}

#[test]
fn garbage_collection_removes_only_unreachable_blocks() {
    let mut ns = populated(500);
    let store = MemoryBlockstore::new();
    block_on(persist::save(&mut ns, &store, &[])).unwrap();
    for i in 0..50u32 {
        let label = format!("name{i:05}");
        let owner = ns.get(&name(&label)).unwrap().owner();
        let k = (1..=9).map(key).find(|k| k.public() == owner).unwrap();
        ns.update(&k, &name(&label), vec![txt("gc")], T0 + 20).unwrap();
    }
    let removed = block_on(persist::collect_garbage(&mut ns, &store)).unwrap();
    assert!(removed >= 50, "the 50 replaced entries at least: {removed}");
    let live = persist::reachable(&mut ns);
    let stored = block_on(store.list()).unwrap();
    assert_eq!(stored.len(), live.len());
    assert!(stored.iter().all(|c| live.contains(c)));
    let mut loaded = load(&store);
    assert_eq!(loaded.merkle_root(), ns.merkle_root());
    assert_eq!(block_on(persist::collect_garbage(&mut ns, &store)).unwrap(), 0);
}

#[test]
fn a_corrupted_block_is_reported_with_its_cid() {
    let mut ns = populated(20);
    let store = MemoryBlockstore::new();
    block_on(persist::save(&mut ns, &store, &[])).unwrap();
    let victim = ns.get(&name("name00003")).unwrap().to_block();
    let mut bytes = victim.bytes.clone();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    block_on(store.put_many(&[Block { cid: victim.cid, bytes }])).unwrap();
    let err = block_on(persist::load(&store, params(), Limits::default())).unwrap_err();
    assert_eq!(err.code(), "storage.corrupt");
    assert!(err.to_string().contains(&victim.cid.to_string()), "{err}");
    // A root pointer that is not a CID is named too.
    block_on(store.commit(&[], &[(ROOT_KEY.to_string(), Some(vec![1, 2, 3]))])).unwrap();
    let err = block_on(persist::load(&store, params(), Limits::default())).unwrap_err();
    assert_eq!(err.code(), "load.bad_root");
}

#[test]
fn memory_blockstore_passes_the_persistence_suite() {
    let disk = MemoryBlockstore::new();
    block_on(persist::acceptance::run(|| async { Ok(disk.clone()) }, 500)).unwrap();
}

#[test]
fn pruning_saves_keep_exactly_the_reachable_blocks_without_listing() {
    let mut ns = populated(300);
    let store = MemoryBlockstore::new();
    block_on(persist::save_and_prune(&mut ns, &store, &[])).unwrap();
    let mut pruned = 0;
    for round in 0..3u64 {
        for i in (round as u32 * 20)..(round as u32 * 20 + 20) {
            let label = format!("name{i:05}");
            let owner = ns.get(&name(&label)).unwrap().owner();
            let k = (1..=9).map(key).find(|k| k.public() == owner).unwrap();
            ns.update(&k, &name(&label), vec![txt(&format!("r{round}"))], T0 + 20 + round).unwrap();
        }
        ns.apply(reg(4, &format!("new{round}"), T0 + 20), T0 + 20).unwrap();
        let (_, deleted) = block_on(persist::save_and_prune(&mut ns, &store, &[])).unwrap();
        assert!(deleted >= 20, "round {round}: the 20 replaced entries at least: {deleted}");
        pruned += deleted;
        // Without listing, the store holds exactly what the root reaches.
        let stored: HashSet<_> = block_on(store.list()).unwrap().into_iter().collect();
        assert_eq!(stored, persist::reachable(&mut ns));
    }
    assert!(pruned >= 60);
    assert_eq!(load(&store).merkle_root(), ns.merkle_root());
    assert_eq!(block_on(persist::collect_garbage(&mut ns, &store)).unwrap(), 0, "nothing left");
}

#[test]
fn a_crash_while_pruning_loses_nothing() {
    let (mut ns, disk) = make_old();
    change(&mut ns);
    let new_root = ns.merkle_root();
    let counter = FaultyBlockstore::new(disk, None, FaultMode::Crash);
    block_on(persist::save_and_prune(&mut ns, &counter, &[])).unwrap();
    let points = counter.writes();
    for k in 0..points {
        let (mut ns, disk) = make_old();
        let old_root = ns.merkle_root();
        change(&mut ns);
        let crashing = FaultyBlockstore::new(disk.clone(), Some(k), FaultMode::Crash);
        assert!(block_on(persist::save_and_prune(&mut ns, &crashing, &[])).is_err());
        let root = load(&disk).merkle_root();
        assert!(root == old_root || root == new_root, "write point {k}: a mixed state");
    }
}

#[test]
fn a_failed_pruning_save_prunes_on_the_next_one() {
    // Learn the write points of one pruning save (blocks, state, then deletions).
    let (mut ns, disk) = make_old();
    change(&mut ns);
    let counter = FaultyBlockstore::new(disk, None, FaultMode::Fail);
    block_on(persist::save_and_prune(&mut ns, &counter, &[])).unwrap();
    let points = counter.writes();
    for k in 0..points {
        let (mut ns, disk) = make_old();
        change(&mut ns);
        let failing = FaultyBlockstore::new(disk.clone(), Some(k), FaultMode::Fail);
        let err = block_on(persist::save_and_prune(&mut ns, &failing, &[])).unwrap_err();
        assert_eq!(err.code(), "storage.io", "write point {k}");
        // The next save writes what failed and deletes what is left of the garbage.
        block_on(persist::save_and_prune(&mut ns, &disk, &[])).unwrap();
        let stored: HashSet<_> = block_on(disk.list()).unwrap().into_iter().collect();
        assert_eq!(stored, persist::reachable(&mut ns), "write point {k}");
        assert_eq!(load(&disk).merkle_root(), ns.merkle_root(), "write point {k}");
    }
}

#[test]
fn a_plain_save_remembers_its_garbage_for_a_later_prune() {
    let (mut ns, disk) = make_old();
    let before = ns.dropped_len();
    change(&mut ns);
    block_on(persist::save(&mut ns, &disk, &[])).unwrap();
    assert!(ns.dropped_len() > before, "the replaced blocks wait to be pruned");
    ns.update(&key(3), &name("name00007"), vec![txt("later")], T0 + 11).unwrap();
    let (_, deleted) = block_on(persist::save_and_prune(&mut ns, &disk, &[])).unwrap();
    assert!(deleted >= 4, "both saves' garbage: {deleted}");
    assert_eq!(ns.dropped_len(), 0);
    let stored: HashSet<_> = block_on(disk.list()).unwrap().into_iter().collect();
    assert_eq!(stored, persist::reachable(&mut ns));
}
