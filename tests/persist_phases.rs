//! Saving and collecting in two phases: a synchronous prepare, then a commit that runs with no
//! borrow of the namespace while the namespace goes on changing (as the wasm node does).

mod common;

use std::collections::{HashMap, HashSet};

use cid::Cid;
use common::*;
use pollster::block_on;
use vns::block::Block;
use vns::blockstore::{Blockstore, FaultMode, FaultyBlockstore, MemoryBlockstore, StorageError};
use vns::namespace::{Limits, Namespace};
use vns::persist::{self, Collected, LastCommit};

/// 40 names saved (and pruned) to a fresh store.
fn saved() -> (Namespace, MemoryBlockstore) {
    let mut ns = Namespace::new(params());
    for i in 0..40u32 {
        ns.apply(reg((i % 3) as u8 + 1, &format!("name{i:05}"), T0), T0).unwrap();
    }
    let disk = MemoryBlockstore::new();
    block_on(persist::save_and_prune(&mut ns, &disk, &[])).unwrap();
    (ns, disk)
}

fn stored(store: &MemoryBlockstore) -> HashSet<Cid> {
    block_on(store.list()).unwrap().into_iter().collect()
}

fn load(store: &MemoryBlockstore) -> Namespace {
    block_on(persist::load(store, params(), Limits::default())).unwrap()
}

/// Owner key of `name00i` in [`saved`].
fn owner(i: u32) -> vns::identity::Keypair {
    key((i % 3) as u8 + 1)
}

fn update(ns: &mut Namespace, i: u32, text: &str, ts: u64) {
    ns.update(&owner(i), &name(&format!("name{i:05}")), vec![txt(text)], ts).unwrap();
}

#[test]
fn a_change_made_while_a_save_commits_is_written_by_the_next_save() {
    let (mut ns, disk) = saved();
    update(&mut ns, 1, "first", T0 + 1);
    let first_root = ns.merkle_root();
    let pending = persist::prepare_save(&mut ns, &[], |_| true);
    // The namespace changes between the prepare and the commit.
    update(&mut ns, 1, "second", T0 + 2);
    update(&mut ns, 2, "second", T0 + 2);
    let done = block_on(pending.commit(&disk, &LastCommit::default()));
    assert!(done.leftovers.is_empty(), "nothing failed, nothing to give back");
    done.leftovers.give_back(&mut ns);
    assert!(done.outcome.unwrap().pruned.unwrap() >= 2, "the first update's garbage");
    assert_eq!(load(&disk).merkle_root(), first_root, "the commit wrote the prepared state");
    block_on(persist::save_and_prune(&mut ns, &disk, &[])).unwrap();
    assert_eq!(load(&disk).merkle_root(), ns.merkle_root());
    assert_eq!(stored(&disk), persist::reachable(&mut ns), "no garbage and nothing missing");
}

#[test]
fn a_failed_commit_gives_back_what_it_took_at_every_write_point() {
    let points = {
        let (mut ns, disk) = saved();
        update(&mut ns, 5, "new", T0 + 1);
        let counter = FaultyBlockstore::new(disk, None, FaultMode::Fail);
        let pending = persist::prepare_save(&mut ns, &[], |_| true);
        let done = block_on(pending.commit(&counter, &LastCommit::default()));
        assert!(done.outcome.unwrap().pruned.unwrap() > 0);
        done.leftovers.give_back(&mut ns);
        counter.writes()
    };
    assert!(points > 3, "blocks, state and deletions: {points}");
    for k in 0..points {
        let (mut ns, disk) = saved();
        update(&mut ns, 5, "new", T0 + 1);
        let failing = FaultyBlockstore::new(disk.clone(), Some(k), FaultMode::Fail);
        let pending = persist::prepare_save(&mut ns, &[], |_| true);
        update(&mut ns, 6, "meanwhile", T0 + 2);
        let done = block_on(pending.commit(&failing, &LastCommit::default()));
        let failed = match &done.outcome {
            Err(e) => e.code() == "storage.io",
            Ok(committed) => committed.pruned.as_ref().is_err_and(|e| e.code() == "storage.io"),
        };
        assert!(failed, "write point {k}: the failure is reported");
        assert!(!done.leftovers.is_empty(), "write point {k}: something to give back");
        done.leftovers.give_back(&mut ns);
        block_on(persist::save_and_prune(&mut ns, &disk, &[])).unwrap();
        assert_eq!(load(&disk).merkle_root(), ns.merkle_root(), "write point {k}");
        assert_eq!(stored(&disk), persist::reachable(&mut ns), "write point {k}");
    }
}

#[test]
fn a_commit_with_nothing_new_skips_the_store() {
    let (mut ns, disk) = saved();
    let counter = FaultyBlockstore::new(disk, None, FaultMode::Crash);
    let last = LastCommit::default();
    let queue = |bytes: &[u8]| [("queue".to_string(), Some(bytes.to_vec()))];
    let commit = |ns: &mut Namespace, state: &[(String, Option<Vec<u8>>)]| {
        let done = block_on(persist::prepare_save(ns, state, |_| true).commit(&counter, &last));
        done.leftovers.give_back(ns);
        done.outcome.unwrap()
    };
    commit(&mut ns, &queue(b"a"));
    let after_first = counter.writes();
    assert!(after_first > 0, "a fresh LastCommit knows nothing: the first commit writes");
    assert_eq!(commit(&mut ns, &queue(b"a")).blocks, 0);
    assert_eq!(counter.writes(), after_first, "same state, no blocks: the store is not touched");
    commit(&mut ns, &queue(b"b"));
    assert!(counter.writes() > after_first, "a changed state entry is written");
    let after_queue = counter.writes();
    update(&mut ns, 3, "changed", T0 + 1);
    assert!(commit(&mut ns, &queue(b"b")).blocks > 0);
    assert!(counter.writes() > after_queue, "new blocks are written");
}

#[test]
fn a_failed_commit_makes_the_next_identical_one_write_again() {
    let (mut ns, disk) = saved();
    let last = LastCommit::default();
    let state = [("queue".to_string(), Some(vec![1]))];
    let done = block_on(persist::prepare_save(&mut ns, &state, |_| true).commit(&disk, &last));
    done.outcome.unwrap();
    // The same state, but the store fails: what it holds is unknown afterwards.
    let failing = FaultyBlockstore::new(disk.clone(), Some(0), FaultMode::Fail);
    let other = [("queue".to_string(), Some(vec![2]))];
    let done = block_on(persist::prepare_save(&mut ns, &other, |_| true).commit(&failing, &last));
    assert_eq!(done.outcome.unwrap_err().code(), "storage.io");
    done.leftovers.give_back(&mut ns);
    let counter = FaultyBlockstore::new(disk.clone(), None, FaultMode::Crash);
    let done = block_on(persist::prepare_save(&mut ns, &state, |_| true).commit(&counter, &last));
    done.outcome.unwrap();
    assert!(counter.writes() > 0, "not skipped after a failure");
    assert_eq!(block_on(disk.get_state("queue")).unwrap(), Some(vec![1]));
}

#[test]
fn a_collection_keeps_what_its_prepared_root_reaches_while_the_namespace_changes() {
    let (mut ns, disk) = saved();
    let stray = Block::encode(&("stray", 1u8)).unwrap();
    block_on(disk.put_many(std::slice::from_ref(&stray))).unwrap();
    update(&mut ns, 7, "collected", T0 + 1);
    let root = ns.merkle_root();
    let pending = persist::prepare_collection(&mut ns, &[]);
    update(&mut ns, 8, "later", T0 + 2);
    let (outcome, leftovers) = block_on(pending.commit(&disk, &LastCommit::default()));
    leftovers.give_back(&mut ns);
    let Collected { removed, complete } = outcome.unwrap();
    assert!(complete);
    assert!(removed >= 3, "the stray, the replaced entry and a node: {removed}");
    assert!(!stored(&disk).contains(&stray.cid));
    let mut reopened = load(&disk);
    assert_eq!(reopened.merkle_root(), root);
    assert_eq!(stored(&disk), persist::reachable(&mut reopened), "exactly the saved root's blocks");
}

/// A store that cannot list its blocks (like a JS adapter without `list`).
struct Unlisted(MemoryBlockstore);

impl Blockstore for Unlisted {
    async fn get(&self, cid: &Cid) -> Result<Option<Vec<u8>>, StorageError> {
        self.0.get(cid).await
    }
    async fn has(&self, cid: &Cid) -> Result<bool, StorageError> {
        self.0.has(cid).await
    }
    async fn put_many(&self, blocks: &[Block]) -> Result<(), StorageError> {
        self.0.put_many(blocks).await
    }
    async fn delete_many(&self, cids: &[Cid]) -> Result<(), StorageError> {
        self.0.delete_many(cids).await
    }
    async fn list(&self) -> Result<Vec<Cid>, StorageError> {
        Err(StorageError::Unsupported { operation: "list".into() })
    }
    async fn get_state(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        self.0.get_state(key).await
    }
    async fn commit(
        &self,
        blocks: &[Block],
        state: &[(String, Option<Vec<u8>>)],
    ) -> Result<(), StorageError> {
        self.0.commit(blocks, state).await
    }
    async fn get_all(&self) -> Result<Option<HashMap<Cid, Vec<u8>>>, StorageError> {
        self.0.get_all().await
    }
}

#[test]
fn a_collection_on_a_store_that_cannot_list_deletes_the_known_garbage() {
    let (mut ns, disk) = saved();
    let unlisted = Unlisted(disk.clone());
    update(&mut ns, 9, "plain save", T0 + 1);
    block_on(persist::save(&mut ns, &unlisted, &[])).unwrap();
    let garbage = ns.dropped_len();
    assert!(garbage >= 2);
    update(&mut ns, 10, "collected", T0 + 2);
    let pending = persist::prepare_collection(&mut ns, &[]);
    let (outcome, leftovers) = block_on(pending.commit(&unlisted, &LastCommit::default()));
    leftovers.give_back(&mut ns);
    let Collected { removed, complete } = outcome.unwrap();
    assert!(!complete, "the store was not listed");
    assert!(removed >= garbage + 2, "both changes' garbage: {removed}");
    assert_eq!(stored(&disk), persist::reachable(&mut ns));
    // The one-call form says the sweep could not run.
    let err = block_on(persist::collect_garbage(&mut ns, &unlisted)).unwrap_err();
    assert_eq!(err.code(), "storage.unsupported");
}
