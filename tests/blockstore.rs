//! Native tests of the blockstore layer: the shared acceptance suite over memory, and the
//! fault-injecting store that crash-safety tests build on.
#![cfg(not(target_arch = "wasm32"))]

use pollster::block_on;
use vns::block::Block;
use vns::blockstore::{
    acceptance, get_verified, Blockstore, FaultMode, FaultyBlockstore, MemoryBlockstore,
};

fn blocks(n: usize) -> Vec<Block> {
    (0..n).map(|i| Block::encode(&("test", i)).unwrap()).collect()
}

fn root(block: &Block) -> Vec<(String, Option<Vec<u8>>)> {
    vec![("root".to_string(), Some(block.cid.to_bytes()))]
}

#[test]
fn memory_passes_acceptance() {
    block_on(acceptance::run(&MemoryBlockstore::new())).unwrap();
}

#[test]
fn faulty_without_fault_passes_acceptance() {
    let store = FaultyBlockstore::new(MemoryBlockstore::new(), None, FaultMode::Crash);
    block_on(acceptance::run(&store)).unwrap();
    assert!(store.writes() > acceptance::LARGE_BATCH as u64);
}

#[test]
fn memory_clones_share_data() {
    block_on(async {
        let store = MemoryBlockstore::new();
        let reopened = store.clone();
        let b = blocks(1);
        store.commit(&b, &root(&b[0])).await.unwrap();
        drop(store);
        assert_eq!(get_verified(&reopened, &b[0].cid).await.unwrap(), b[0]);
        assert_eq!(reopened.get_state("root").await.unwrap(), Some(b[0].cid.to_bytes()));
    });
}

/// A crash at any write point of a commit leaves the old root or the new one, and whatever
/// root is visible points at blocks that are all present.
#[test]
fn crash_at_every_write_point_leaves_old_or_new_root() {
    block_on(async {
        let old = blocks(2);
        let new: Vec<Block> = (10..14).map(|i| Block::encode(&("new", i)).unwrap()).collect();

        let probe = FaultyBlockstore::new(MemoryBlockstore::new(), None, FaultMode::Crash);
        probe.commit(&new, &root(&new[0])).await.unwrap();
        let points = probe.writes();
        assert_eq!(points, new.len() as u64 + 1);

        for k in 0..points {
            let disk = MemoryBlockstore::new();
            disk.commit(&old, &root(&old[0])).await.unwrap();
            let store = FaultyBlockstore::new(disk.clone(), Some(k), FaultMode::Crash);
            let err = store.commit(&new, &root(&new[0])).await.unwrap_err();
            assert_eq!(err.code(), "storage.crashed", "k = {k}");
            assert!(store.crashed());
            // Later writes are lost too.
            assert!(store.put_many(&old).await.is_err());

            let pointer = disk.get_state("root").await.unwrap().unwrap();
            assert!(pointer == old[0].cid.to_bytes(), "k = {k}: root moved before its blocks");
            for b in &old {
                get_verified(&disk, &b.cid).await.unwrap();
            }
        }
    });
}

#[test]
fn fail_mode_fails_one_write_then_recovers() {
    block_on(async {
        let disk = MemoryBlockstore::new();
        let store = FaultyBlockstore::new(disk.clone(), Some(1), FaultMode::Fail);
        let b = blocks(3);
        let err = store.put_many(&b).await.unwrap_err();
        assert_eq!(err.code(), "storage.io");
        assert!(err.to_string().contains("write point 1"), "{err}");
        assert_eq!(disk.block_count(), 1);
        store.put_many(&b).await.unwrap();
        assert_eq!(disk.block_count(), 3);
        assert!(!store.crashed());
    });
}

#[test]
fn deletes_count_as_write_points() {
    block_on(async {
        let store = FaultyBlockstore::new(MemoryBlockstore::new(), Some(4), FaultMode::Crash);
        let b = blocks(3);
        store.put_many(&b).await.unwrap();
        let cids: Vec<_> = b.iter().map(|b| b.cid).collect();
        assert!(store.delete_many(&cids).await.is_err());
        assert_eq!(store.inner().block_count(), 2);
        assert_eq!(store.writes(), 5);
    });
}

#[test]
fn unsupported_cid_is_reported() {
    block_on(async {
        let store = MemoryBlockstore::new();
        let b = blocks(1).remove(0);
        let raw = cid::Cid::new_v1(0x55, *b.cid.hash());
        store.put_many(&[Block { cid: raw, bytes: b.bytes }]).await.unwrap();
        let err = get_verified(&store, &raw).await.unwrap_err();
        assert_eq!(err.code(), "storage.unsupported_cid");
        assert!(err.to_string().contains(&raw.to_string()));
    });
}
