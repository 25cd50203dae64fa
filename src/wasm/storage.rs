//! The storage handle of a node: memory, IndexedDB, or a JS adapter object.
//!
//! Saving itself lives in the core ([`crate::persist`]), in two phases, because a borrow of
//! the node cannot be held across an `await`: the node takes a save synchronously
//! ([`SyncNode::prepare_save`]), the save commits to this storage with no borrow held, and
//! what failed goes back to the node ([`commit`], [`collect_garbage`]).
//!
//! What is decided here is the storage choice, and with it how often a save prunes (deletes
//! the blocks the namespace stopped referencing). Memory and JS adapters (a `blockstore-fs`
//! folder deletes a block by unlinking one file) prune on every save. IndexedDB rewrites the
//! ~256 KiB packs holding a deleted block, so it lets the garbage grow to a quarter of the
//! names (at least [`IDB_PRUNE_MIN`] blocks) and prunes it in one go.

use std::cell::RefCell;
use std::collections::HashMap;

use cid::Cid;
use wasm_bindgen::JsValue;

use super::error::{busy, coded, JsResult};
use crate::block::Block;
use crate::blockstore::StorageError;
use crate::blockstore::{Blockstore, IndexedDbBlockstore, JsBlockstore, MemoryBlockstore};
use crate::namespace::{Limits, Namespace};
use crate::params::NetworkParams;
pub(crate) use crate::persist::LastCommit;
use crate::persist::{Committed, Leftovers, PendingSave};
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

impl Storage {
    /// The node saved in this storage (an empty one if none).
    pub(crate) async fn load(
        &self,
        params: NetworkParams,
        limits: Limits,
        config: SyncConfig,
    ) -> Result<SyncNode, SyncError> {
        SyncNode::load(self, params, limits, config).await
    }

    /// Whether the next save should delete the namespace's garbage (see the module docs).
    pub(crate) fn prunes(&self, ns: &Namespace) -> bool {
        match self {
            Storage::IndexedDb(_) => ns.dropped_len() >= IDB_PRUNE_MIN.max(ns.len() / 4),
            Storage::Memory(_) | Storage::Js(_) => true,
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

/// Runs the same call on whichever backend this is.
macro_rules! on_backend {
    ($storage:expr, $s:ident => $call:expr) => {
        match $storage {
            Storage::Memory($s) => $call,
            Storage::IndexedDb($s) => $call,
            Storage::Js($s) => $call,
        }
    };
}

impl Blockstore for Storage {
    async fn get(&self, cid: &Cid) -> Result<Option<Vec<u8>>, StorageError> {
        on_backend!(self, s => s.get(cid).await)
    }
    async fn has(&self, cid: &Cid) -> Result<bool, StorageError> {
        on_backend!(self, s => s.has(cid).await)
    }
    async fn put_many(&self, blocks: &[Block]) -> Result<(), StorageError> {
        on_backend!(self, s => s.put_many(blocks).await)
    }
    async fn delete_many(&self, cids: &[Cid]) -> Result<(), StorageError> {
        on_backend!(self, s => s.delete_many(cids).await)
    }
    async fn list(&self) -> Result<Vec<Cid>, StorageError> {
        on_backend!(self, s => s.list().await)
    }
    async fn get_state(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        on_backend!(self, s => s.get_state(key).await)
    }
    async fn commit(
        &self,
        blocks: &[Block],
        state: &[(String, Option<Vec<u8>>)],
    ) -> Result<(), StorageError> {
        on_backend!(self, s => s.commit(blocks, state).await)
    }
    async fn close(&self) -> Result<(), StorageError> {
        on_backend!(self, s => s.close().await)
    }
    async fn get_all(&self) -> Result<Option<HashMap<Cid, Vec<u8>>>, StorageError> {
        on_backend!(self, s => s.get_all().await)
    }
    async fn get_many(&self, cids: &[Cid]) -> Result<Vec<Option<Vec<u8>>>, StorageError> {
        on_backend!(self, s => s.get_many(cids).await)
    }
}

/// Gives a commit's leftovers back to the node. The commit's future resumes from the event
/// loop, never inside a call that holds the node, so the borrow succeeds.
fn give_back(node: &RefCell<SyncNode>, leftovers: Leftovers) {
    if leftovers.is_empty() {
        return;
    }
    if let Ok(mut node) = node.try_borrow_mut() {
        node.give_back(leftovers);
    }
}

/// Commits a save taken with [`SyncNode::prepare_save`] to `storage`, and gives what failed
/// back to the node: unsaved blocks are written, and dropped ones deleted, by a later save.
pub(crate) async fn commit(
    storage: &Storage,
    node: &RefCell<SyncNode>,
    last: &LastCommit,
    pending: PendingSave,
) -> Result<Committed, StorageError> {
    let done = pending.commit(storage, last).await;
    give_back(node, done.leftovers);
    done.outcome
}

/// Full mark and sweep ([`crate::persist::PendingCollection`]): a pruning save, then every
/// stored block the saved root does not reach is deleted. Returns how many blocks were
/// deleted, and whether the store was listed (false when it cannot list its blocks: only the
/// save's own garbage was deleted).
pub(crate) async fn collect_garbage(
    storage: &Storage,
    node: &RefCell<SyncNode>,
    last: &LastCommit,
) -> JsResult<(usize, bool)> {
    let pending = node.try_borrow_mut().map_err(|_| busy())?.prepare_collection();
    let (outcome, leftovers) = pending.commit(storage, last).await;
    give_back(node, leftovers);
    let collected = outcome.map_err(coded)?;
    Ok((collected.removed, collected.complete))
}
