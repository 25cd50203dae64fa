//! The storage handle of a node: memory, IndexedDB, or a JS adapter object.
//!
//! Saving is split so that no borrow of the node is held across an `await`: the node saves
//! synchronously into a [`Capture`] (which only records what it was asked to commit), then the
//! captured blocks and state are committed to the real store asynchronously. If that commit
//! fails, the blocks go back to the namespace's unsaved set for the next save.
//!
//! A save may also prune: after its commit it deletes the blocks the namespace stopped
//! referencing ([`crate::persist::save_and_prune`], split the same way). Memory and JS
//! adapters (a `blockstore-fs` folder deletes a block by unlinking one file) prune on every
//! save. IndexedDB rewrites the ~256 KiB packs holding a deleted block, so it lets the garbage
//! grow to a quarter of the names (at least [`IDB_PRUNE_MIN`] blocks) and prunes it in one go.

use std::cell::RefCell;
use std::collections::HashSet;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use cid::Cid;
use wasm_bindgen::JsValue;

use super::error::{busy, coded, JsResult};
use crate::block::Block;
use crate::blockstore::StorageError;
use crate::blockstore::{Blockstore, IndexedDbBlockstore, JsBlockstore, MemoryBlockstore};
use crate::namespace::{Limits, Namespace};
use crate::params::NetworkParams;
use crate::persist;
use crate::sync::{SyncConfig, SyncError, SyncNode};

/// Fewest unreachable blocks an IndexedDB store prunes at once (see the module docs).
const IDB_PRUNE_MIN: usize = 4096;

/// Where a node keeps its blocks.
pub(crate) enum Storage {
    /// Nothing survives the page (tests, throwaway nodes).
    Memory(MemoryBlockstore),
    /// The browser's IndexedDB (the default in browsers).
    IndexedDb(IndexedDbBlockstore),
    /// A storage object supplied by the app.
    Js(JsBlockstore),
}

/// State entries to write with a commit (the root pointer, the queue).
pub(crate) type State = Vec<(String, Option<Vec<u8>>)>;

impl Storage {
    /// The node saved in this storage (an empty one if none).
    pub(crate) async fn load(
        &self,
        params: NetworkParams,
        limits: Limits,
        config: SyncConfig,
    ) -> Result<SyncNode, SyncError> {
        match self {
            Storage::Memory(s) => SyncNode::load(s, params, limits, config).await,
            Storage::IndexedDb(s) => SyncNode::load(s, params, limits, config).await,
            Storage::Js(s) => SyncNode::load(s, params, limits, config).await,
        }
    }

    /// Writes blocks, then state (see [`Blockstore::commit`]).
    async fn commit(&self, blocks: &[Block], state: &State) -> Result<(), StorageError> {
        match self {
            Storage::Memory(s) => s.commit(blocks, state).await,
            Storage::IndexedDb(s) => s.commit(blocks, state).await,
            Storage::Js(s) => s.commit(blocks, state).await,
        }
    }

    async fn delete(&self, cids: &[Cid]) -> Result<(), StorageError> {
        match self {
            Storage::Memory(s) => s.delete_many(cids).await,
            Storage::IndexedDb(s) => s.delete_many(cids).await,
            Storage::Js(s) => s.delete_many(cids).await,
        }
    }

    async fn list(&self) -> Result<Vec<Cid>, StorageError> {
        match self {
            Storage::Memory(s) => s.list().await,
            Storage::IndexedDb(s) => s.list().await,
            Storage::Js(s) => s.list().await,
        }
    }

    /// Whether the next save should delete the namespace's garbage (see the module docs).
    pub(crate) fn prunes(&self, ns: &Namespace) -> bool {
        match self {
            Storage::IndexedDb(_) => ns.dropped_len() >= IDB_PRUNE_MIN.max(ns.len() / 4),
            Storage::Memory(_) | Storage::Js(_) => true,
        }
    }

    /// Releases the backend.
    pub(crate) async fn close(&self) -> Result<(), StorageError> {
        match self {
            Storage::Memory(s) => s.close().await,
            Storage::IndexedDb(s) => s.close().await,
            Storage::Js(s) => s.close().await,
        }
    }

    /// Opens the storage named by the `storage` option: `"memory"`, `"indexeddb"` (database
    /// `db_name`) or an adapter object.
    pub(crate) async fn open(kind: &JsValue, db_name: &str) -> Result<Storage, StorageError> {
        match kind.as_string().as_deref() {
            Some("memory") => Ok(Storage::Memory(MemoryBlockstore::new())),
            Some("indexeddb") => Ok(Storage::IndexedDb(IndexedDbBlockstore::open(db_name).await?)),
            Some(other) => Err(StorageError::InvalidAdapter {
                reason: format!("unknown storage {other:?} (memory, indexeddb or an object)"),
            }),
            None => Ok(Storage::Js(JsBlockstore::new(kind.clone())?)),
        }
    }
}

/// A blockstore that only records the one commit a save makes.
#[derive(Default)]
struct Capture {
    taken: RefCell<Option<(Vec<Block>, State)>>,
}

impl Blockstore for Capture {
    async fn get(&self, _: &Cid) -> Result<Option<Vec<u8>>, StorageError> {
        Err(StorageError::Unsupported { operation: "get".into() })
    }
    async fn has(&self, _: &Cid) -> Result<bool, StorageError> {
        Err(StorageError::Unsupported { operation: "has".into() })
    }
    async fn put_many(&self, _: &[Block]) -> Result<(), StorageError> {
        Err(StorageError::Unsupported { operation: "put".into() })
    }
    async fn delete_many(&self, _: &[Cid]) -> Result<(), StorageError> {
        Err(StorageError::Unsupported { operation: "delete".into() })
    }
    async fn list(&self) -> Result<Vec<Cid>, StorageError> {
        Err(StorageError::Unsupported { operation: "list".into() })
    }
    async fn get_state(&self, _: &str) -> Result<Option<Vec<u8>>, StorageError> {
        Err(StorageError::Unsupported { operation: "get state".into() })
    }
    async fn commit(
        &self,
        blocks: &[Block],
        state: &[(String, Option<Vec<u8>>)],
    ) -> Result<(), StorageError> {
        *self.taken.borrow_mut() = Some((blocks.to_vec(), state.to_vec()));
        Ok(())
    }
}

/// What one save takes from the node: the blocks created since the last save, the state
/// entries, and (when pruning) the blocks to delete once they are committed.
/// The namespace treats these blocks as saved, and the dropped ones as deleted, until
/// [`commit`] says otherwise.
pub(crate) struct Pending {
    blocks: Vec<Block>,
    state: State,
    dropped: Vec<Cid>,
}

/// Takes a save from the node, synchronously; also the garbage to delete if `prune` says so
/// once the save has added its own.
pub(crate) fn take_save(
    node: &mut SyncNode,
    prune: impl FnOnce(&Namespace) -> bool,
) -> Result<Pending, SyncError> {
    let capture = Capture::default();
    {
        let mut future = pin!(node.save(&capture));
        // Capture never suspends, so one poll completes the save.
        match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(result) => result?,
            Poll::Pending => {
                return Err(SyncError::Storage(StorageError::io("save", "capture suspended")));
            }
        };
    }
    let (blocks, state) = capture.taken.borrow_mut().take().unwrap_or_default();
    // After the save: a dropped block needed again was taken out of the set by it.
    let ns = node.namespace_mut();
    let dropped = if prune(ns) { ns.take_dropped() } else { Vec::new() };
    Ok(Pending { blocks, state, dropped })
}

/// What a committed save wrote and pruned.
pub(crate) struct Committed {
    pub blocks: usize,
    pub bytes: usize,
    /// Blocks deleted, or why deleting them failed (they are pruned by a later save).
    pub pruned: Result<usize, StorageError>,
}

/// The state entries of the last commit. A save with no blocks to write or delete and the
/// same state skips the store: on disk every commit rewrites and syncs the state files, which
/// cost ~10 ms even with nothing new (and `vns serve` saves once per accepted POST).
#[derive(Default)]
pub(crate) struct LastCommit(RefCell<Option<State>>);

/// Commits `pending` to `storage`, then deletes its dropped blocks. On failure the node gets
/// back what it gave: unsaved blocks are written, and dropped ones deleted, by a later save.
pub(crate) async fn commit(
    storage: &Storage,
    node: &RefCell<SyncNode>,
    last: &LastCommit,
    pending: Pending,
) -> Result<Committed, StorageError> {
    let Pending { blocks, state, dropped } = pending;
    let unchanged = last.0.borrow().as_ref() == Some(&state);
    if blocks.is_empty() && dropped.is_empty() && unchanged {
        return Ok(Committed { blocks: 0, bytes: 0, pruned: Ok(0) });
    }
    // Unknown until this commit settles: a failed one may have written part of the state.
    last.0.borrow_mut().take();
    let give_back = |blocks: Vec<Block>, dropped: Vec<Cid>| {
        if let Ok(mut node) = node.try_borrow_mut() {
            let ns = node.namespace_mut();
            ns.unsaved_again(blocks);
            ns.dropped_again(dropped);
        }
    };
    if let Err(e) = storage.commit(&blocks, &state).await {
        give_back(blocks, dropped);
        return Err(e);
    }
    *last.0.borrow_mut() = Some(state);
    let bytes = blocks.iter().map(|b| b.bytes.len()).sum();
    let pruned = match storage.delete(&dropped).await {
        Ok(()) => Ok(dropped.len()),
        Err(e) => {
            give_back(Vec::new(), dropped);
            Err(e)
        }
    };
    Ok(Committed { blocks: blocks.len(), bytes, pruned })
}

/// Full mark and sweep: a pruning save, then every stored block that the saved root does not
/// reach is deleted. Returns how many blocks were deleted, and whether the sweep ran (false
/// when the storage cannot list its blocks: only the pruning save did). The live set is taken in the same synchronous
/// step as the save, so it is exactly what the committed root reaches, whatever changes
/// arrive while the collection awaits.
pub(crate) async fn collect_garbage(
    storage: &Storage,
    node: &RefCell<SyncNode>,
    last: &LastCommit,
) -> JsResult<(usize, bool)> {
    let (pending, live) = {
        let mut n = node.try_borrow_mut().map_err(|_| busy())?;
        let pending = take_save(&mut n, |_| true).map_err(coded)?;
        let live: HashSet<Cid> = persist::reachable(n.namespace_mut());
        (pending, live)
    };
    let committed = commit(storage, node, last, pending).await.map_err(coded)?;
    let pruned = committed.pruned.map_err(coded)?;
    let listed = match storage.list().await {
        Ok(listed) => listed,
        Err(StorageError::Unsupported { .. }) => return Ok((pruned, false)),
        Err(e) => return Err(coded(e)),
    };
    let dead: Vec<Cid> = listed.into_iter().filter(|cid| !live.contains(cid)).collect();
    storage.delete(&dead).await.map_err(coded)?;
    Ok((pruned + dead.len(), true))
}
