//! The delta queue stored in chunks beside the namespace: what a save writes, and that
//! pruning, garbage collection, the scrub, repair and failed saves all know the chunks.

mod common;

use std::collections::HashSet;

use cid::Cid;
use common::*;
use pollster::block_on;
use vns::block::Block;
use vns::blockstore::{Blockstore, FaultMode, FaultyBlockstore, MemoryBlockstore};
use vns::namespace::{Limits, Namespace};
use vns::persist::{self, check_blocks, LastCommit};
use vns::sync::{Event, LocalChange, QueueRecord, SyncConfig, SyncNode, QUEUE_KEY};

/// A node with `n` local registrations waiting in its queue (no peer).
fn queued(n: u32) -> SyncNode {
    let limits = Limits { registrations_per_hour: 10_000 };
    let mut node = SyncNode::new(Namespace::with_limits(params(), limits), SyncConfig::default());
    for i in 0..n {
        node.submit(reg((i % 5) as u8 + 1, &format!("name{i:04}"), T0), T0).unwrap();
    }
    node
}

/// Saves with a prune, as Node's storages do, and returns what was written.
fn save(node: &mut SyncNode, store: &impl Blockstore) -> persist::Committed {
    let done = block_on(node.prepare_save(|_| true).commit(store, &LastCommit::default()));
    node.give_back(done.leftovers);
    done.outcome.unwrap()
}

fn load(store: &MemoryBlockstore) -> SyncNode {
    block_on(SyncNode::load(store, params(), Limits::default(), SyncConfig::default())).unwrap()
}

fn record(store: &MemoryBlockstore) -> QueueRecord {
    QueueRecord::decode(&block_on(store.get_state(QUEUE_KEY)).unwrap().unwrap()).unwrap()
}

/// Every block the saved state links: the tree, its entries and the queue's chunks.
fn linked(node: &mut SyncNode, store: &MemoryBlockstore) -> HashSet<Cid> {
    let mut all = persist::reachable(node.namespace_mut());
    all.extend(record(store).chunks);
    all
}

#[test]
fn pruning_saves_keep_exactly_the_linked_blocks() {
    let store = MemoryBlockstore::new();
    let mut node = queued(100);
    save(&mut node, &store);
    assert_eq!(record(&store).chunks.len(), 7, "100 deltas in chunks of 16");
    for round in 0..5u32 {
        // An update moves a queued name to the newest chunk; a registration joins it.
        let i = round * 17;
        let (owner, label) = (key((i % 5) as u8 + 1), name(&format!("name{i:04}")));
        let update = LocalChange::Update { key: &owner, name: label, records: vec![txt("new")] };
        node.submit(update, T0 + MIN).unwrap();
        node.submit(reg(1, &format!("more{round}"), T0 + MIN), T0 + MIN).unwrap();
        save(&mut node, &store);
        assert_eq!(store.block_count(), linked(&mut node, &store).len(), "round {round}");
    }
    let loaded = load(&store);
    assert_eq!(loaded.queue_status(), node.queue_status());
    let order = |n: &SyncNode| n.queue_entries().map(|e| e.name().to_string()).collect::<Vec<_>>();
    assert_eq!(order(&loaded), order(&node), "in the same order");
}

#[test]
fn garbage_collection_keeps_the_chunks() {
    let store = MemoryBlockstore::new();
    let mut node = queued(40);
    save(&mut node, &store);
    // An orphan the collection must delete, beside the chunks it must keep.
    block_on(store.put_many(&[Block::encode(&"orphan").unwrap()])).unwrap();
    let (outcome, leftovers) =
        block_on(node.prepare_collection().commit(&store, &LastCommit::default()));
    node.give_back(leftovers);
    assert_eq!(outcome.unwrap().removed, 1);
    assert_eq!(store.block_count(), linked(&mut node, &store).len());
    assert_eq!(load(&store).queue_status().size, 40);
}

#[test]
fn the_scrub_finds_a_damaged_chunk_and_writes_it_again() {
    let store = MemoryBlockstore::new();
    let mut node = queued(40);
    save(&mut node, &store);
    let chunks = record(&store).chunks;
    block_on(store.delete_many(&chunks[..1])).unwrap();
    let corrupt = Block { cid: chunks[1], bytes: b"bit rot".to_vec() };
    block_on(store.put_many(&[corrupt])).unwrap();

    let mut scrub = node.scrub();
    let damaged = block_on(check_blocks(&store, &scrub.next_batch(usize::MAX))).unwrap();
    let found: HashSet<String> = damaged.iter().map(|d| d.cid.clone()).collect();
    assert_eq!(found, chunks[..2].iter().map(Cid::to_string).collect());
    block_on(store.put_many(&node.replacements(&damaged))).unwrap();
    let again = load(&store);
    assert_eq!(again.queue_status().size, 40, "every delta back");
}

#[test]
fn repair_keeps_the_intact_chunks_and_names_the_damaged_one() {
    let store = MemoryBlockstore::new();
    let mut node = queued(40);
    save(&mut node, &store);
    let chunks = record(&store).chunks;
    block_on(store.delete_many(&chunks[..1])).unwrap();
    // An entry block gone whose delta is in an intact chunk: the queue gives it back.
    let last = name("name0039");
    block_on(store.delete_many(&[*node.namespace().get_encoded(&last).unwrap().cid()])).unwrap();

    let (mut repaired, report) = block_on(SyncNode::load_repairing(
        &store,
        params(),
        Limits::default(),
        SyncConfig::default(),
    ))
    .unwrap();
    let queue_damage: Vec<_> = report.damaged.iter().filter(|d| d.kind == "queue").collect();
    assert_eq!(queue_damage.len(), 1);
    assert_eq!(
        (queue_damage[0].cid.as_str(), queue_damage[0].code),
        (&*chunks[0].to_string(), "storage.missing")
    );
    assert!(report.lost.is_empty(), "{report:?}");
    assert_eq!(report.from_queue, 1);
    assert_eq!(repaired.queue_status().size, 40 - 16);
    assert!(
        matches!(&repaired.take_events()[..], [Event::QueueLost { code, .. }] if code == "storage.missing")
    );
    save(&mut repaired, &store);
    assert_eq!(load(&store).queue_status().size, 40 - 16);
    assert_eq!(store.block_count(), linked(&mut repaired, &store).len());
}

#[test]
fn failed_saves_leave_no_chunk_behind() {
    let disk = MemoryBlockstore::new();
    let mut node = queued(40);
    save(&mut node, &disk);
    let clean = store_blocks(&disk);
    for round in 0..10u64 {
        node.submit(reg(2, &format!("late{round}"), T0 + round), T0 + round).unwrap();
        // The save fails after writing part of it: blocks first, the state never.
        let failing = FaultyBlockstore::new(disk.clone(), Some(round % 3), FaultMode::Fail);
        let done = block_on(node.prepare_save(|_| true).commit(&failing, &LastCommit::default()));
        node.give_back(done.leftovers);
        assert!(done.outcome.is_err() || round % 3 > 0);
    }
    assert!(store_blocks(&disk) >= clean);
    save(&mut node, &disk);
    assert_eq!(disk.block_count(), linked(&mut node, &disk).len(), "only linked blocks left");
    let loaded = load(&disk);
    assert_eq!(loaded.queue_status(), node.queue_status());
}

fn store_blocks(store: &MemoryBlockstore) -> usize {
    store.block_count()
}

#[test]
fn a_version_1_queue_loads_and_is_stored_as_chunks_by_the_next_save() {
    let store = MemoryBlockstore::new();
    let mut node = queued(40);
    save(&mut node, &store);
    // The queue as nodes wrote it before chunks: one value, under the same key.
    let mut old = vns::sync::DeltaQueue::new(1000);
    for entry in node.queue_entries() {
        old.push(entry.clone());
    }
    let chunks = record(&store).chunks;
    block_on(store.delete_many(&chunks)).unwrap();
    block_on(store.commit(&[], &[(QUEUE_KEY.into(), Some(old.encode()))])).unwrap();

    let mut loaded = load(&store);
    assert_eq!(loaded.queue_status().size, 40);
    assert!(loaded.take_events().is_empty(), "nothing lost");
    let written = save(&mut loaded, &store);
    assert_eq!(written.blocks, 3, "the three chunks");
    assert_eq!(record(&store).chunks.len(), 3);
    assert_eq!(load(&store).queue_status().size, 40);
}
