//! The acceptance suite every [`Blockstore`] backend must pass.
//!
//! One async function, [`run`], so the same checks run natively (memory), in headless Chromium
//! (IndexedDB, JS adapter) and under Node. It returns the first failed check as an error
//! message instead of panicking, so it can also be reported across the wasm boundary.
//!
//! ```
//! use vns::blockstore::{acceptance, MemoryBlockstore};
//! pollster::block_on(acceptance::run(&MemoryBlockstore::new())).unwrap();
//! ```

use cid::Cid;

use super::{get_verified, Blockstore, StorageError};
use crate::block::{cid_of, Block};

/// Number of blocks in the large-batch check.
pub const LARGE_BATCH: usize = 1_000;

/// Which check failed, and why.
pub type Failure = String;

fn ensure(ok: bool, check: &str) -> Result<(), Failure> {
    if ok {
        Ok(())
    } else {
        Err(format!("blockstore acceptance: {check}"))
    }
}

/// Adds the failing step to a storage error.
fn step<T>(what: &str, result: Result<T, StorageError>) -> Result<T, Failure> {
    result.map_err(|e| format!("blockstore acceptance: {what}: {e} [{}]", e.code()))
}

fn block(i: usize) -> Block {
    Block::encode(&("acceptance", i)).expect("tuples encode")
}

/// A block with arbitrary (non-CBOR) bytes: stores must not care what the bytes are.
fn raw_block(bytes: Vec<u8>) -> Block {
    Block { cid: cid_of(&bytes), bytes }
}

fn sorted(mut cids: Vec<Cid>) -> Vec<Cid> {
    // Unstable: equal CIDs are equal values, and the wasm then shares the tree's one sort.
    cids.sort_unstable();
    cids
}

/// Runs every check against `store`, which must be empty. Leaves it empty of blocks and of the
/// state keys it used.
pub async fn run<S: Blockstore>(store: &S) -> Result<(), Failure> {
    ensure(step("list", store.list().await)?.is_empty(), "a fresh store lists no blocks")?;
    basic_blocks(store).await?;
    state(store).await?;
    commit(store).await?;
    verification(store).await?;
    large_batch(store).await?;
    ensure(step("list", store.list().await)?.is_empty(), "the store is empty at the end")
}

/// put/get/has/delete, missing blocks, list, odd sizes.
async fn basic_blocks<S: Blockstore>(store: &S) -> Result<(), Failure> {
    let empty = raw_block(Vec::new());
    let big = raw_block((0..256 * 1024).map(|i| (i * 7 % 251) as u8).collect());
    let blocks = vec![block(1), block(2), block(3), empty, big];
    let missing = block(999);

    step("put_many", store.put_many(&blocks).await)?;
    step("put_many again (idempotent)", store.put_many(&blocks[..1]).await)?;
    step("put_many of nothing", store.put_many(&[]).await)?;
    for b in &blocks {
        let got = step("get", store.get(&b.cid).await)?;
        ensure(got.as_ref() == Some(&b.bytes), "get returns the bytes put (incl. empty, 256 KiB)")?;
        ensure(step("has", store.has(&b.cid).await)?, "has is true after put")?;
    }
    ensure(step("get missing", store.get(&missing.cid).await)?.is_none(), "missing get is None")?;
    ensure(!step("has missing", store.has(&missing.cid).await)?, "has is false when missing")?;
    let all: Vec<Cid> = blocks.iter().map(|b| b.cid).collect();
    ensure(sorted(step("list", store.list().await)?) == sorted(all.clone()), "list = put CIDs")?;

    step("delete_many", store.delete_many(&[blocks[0].cid, missing.cid]).await)?;
    ensure(step("get", store.get(&blocks[0].cid).await)?.is_none(), "deleted block is gone")?;
    ensure(!step("has", store.has(&blocks[0].cid).await)?, "has is false after delete")?;
    ensure(step("has", store.has(&blocks[1].cid).await)?, "delete leaves other blocks")?;
    ensure(sorted(step("list", store.list().await)?) == sorted(all[1..].to_vec()), "list")?;
    step("delete_many of nothing", store.delete_many(&[]).await)?;
    step("delete_many", store.delete_many(&all).await)
}

/// State entries: missing, round trip, overwrite, delete, unusual keys.
async fn state<S: Blockstore>(store: &S) -> Result<(), Failure> {
    let keys = ["root", "root/ü née ✓", ""];
    for key in keys {
        let got = step("get_state missing", store.get_state(key).await)?;
        ensure(got.is_none(), "missing state is None")?;
        let put = [(key.to_string(), Some(b"v1".to_vec()))];
        step("commit state", store.commit(&[], &put).await)?;
        let got = step("get_state", store.get_state(key).await)?;
        ensure(got.as_deref() == Some(&b"v1"[..]), "state round trip")?;
        let put = [(key.to_string(), Some(Vec::new()))];
        step("commit state", store.commit(&[], &put).await)?;
        let got = step("get_state", store.get_state(key).await)?;
        ensure(got.as_deref() == Some(&[][..]), "state overwrite (empty value is not absent)")?;
    }
    let delete: Vec<_> = keys.iter().map(|k| (k.to_string(), None)).collect();
    step("commit state deletion", store.commit(&[], &delete).await)?;
    for key in keys {
        ensure(step("get_state", store.get_state(key).await)?.is_none(), "state deleted")?;
    }
    step("commit of nothing", store.commit(&[], &[]).await)
}

/// commit makes blocks and the root pointer visible together.
async fn commit<S: Blockstore>(store: &S) -> Result<(), Failure> {
    let blocks = vec![block(10), block(11)];
    let root = blocks[0].cid.to_bytes();
    let state = [("root".to_string(), Some(root.clone())), ("other".to_string(), None)];
    step("commit", store.commit(&blocks, &state).await)?;
    for b in &blocks {
        let got = step("get after commit", store.get(&b.cid).await)?;
        ensure(got.as_ref() == Some(&b.bytes), "committed blocks are visible")?;
    }
    let got = step("get_state after commit", store.get_state("root").await)?;
    ensure(got == Some(root), "committed state is visible")?;
    let cids: Vec<Cid> = blocks.iter().map(|b| b.cid).collect();
    step("delete_many", store.delete_many(&cids).await)?;
    step("commit", store.commit(&[], &[("root".to_string(), None)]).await)
}

/// get_verified accepts good blocks and names the CID of corrupt or missing ones.
async fn verification<S: Blockstore>(store: &S) -> Result<(), Failure> {
    let good = block(20);
    step("put_many", store.put_many(std::slice::from_ref(&good)).await)?;
    let got = step("get_verified", get_verified(store, &good.cid).await)?;
    ensure(got == good, "get_verified returns the block")?;

    let corrupt = Block { cid: block(21).cid, bytes: b"not the bytes of this CID".to_vec() };
    step("put_many corrupt", store.put_many(std::slice::from_ref(&corrupt)).await)?;
    let cid = corrupt.cid.to_string();
    match get_verified(store, &corrupt.cid).await {
        Err(e @ StorageError::Corrupt { .. }) => {
            ensure(e.code() == "storage.corrupt", "corruption has code storage.corrupt")?;
            ensure(e.to_string().contains(&cid), "corruption error names the CID")?;
        }
        other => return Err(format!("blockstore acceptance: corrupt block read as {other:?}")),
    }
    let missing = block(22).cid;
    match get_verified(store, &missing).await {
        Err(e @ StorageError::Missing { .. }) => {
            ensure(e.to_string().contains(&missing.to_string()), "missing error names the CID")?;
        }
        other => return Err(format!("blockstore acceptance: missing block read as {other:?}")),
    }
    step("delete_many", store.delete_many(&[good.cid, corrupt.cid]).await)
}

/// A thousand blocks in one batch.
async fn large_batch<S: Blockstore>(store: &S) -> Result<(), Failure> {
    let blocks: Vec<Block> = (0..LARGE_BATCH).map(|i| block(1_000 + i)).collect();
    let cids: Vec<Cid> = blocks.iter().map(|b| b.cid).collect();
    let state = [("root".to_string(), Some(cids[LARGE_BATCH - 1].to_bytes()))];
    step("commit large batch", store.commit(&blocks, &state).await)?;
    ensure(step("list", store.list().await)?.len() == LARGE_BATCH, "list after large batch")?;
    for b in blocks.iter().step_by(97) {
        let got = step("get_verified", get_verified(store, &b.cid).await)?;
        ensure(got == *b, "large batch blocks read back")?;
    }
    step("delete_many large batch", store.delete_many(&cids).await)?;
    ensure(step("list", store.list().await)?.is_empty(), "large batch deleted")?;
    step("commit", store.commit(&[], &[("root".to_string(), None)]).await)
}
