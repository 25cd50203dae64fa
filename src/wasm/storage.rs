//! The storage handle of a node: memory, IndexedDB, or a JS adapter object.
//!
//! Saving is split so that no borrow of the node is held across an `await`: the node saves
//! synchronously into a [`Capture`] (which only records what it was asked to commit), then the
//! captured blocks and state are committed to the real store asynchronously. If that commit
//! fails, the blocks go back to the namespace's unsaved set for the next save.

use std::cell::RefCell;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use cid::Cid;
use wasm_bindgen::JsValue;

use crate::block::Block;
use crate::blockstore::StorageError;
use crate::blockstore::{Blockstore, IndexedDbBlockstore, JsBlockstore, MemoryBlockstore};
use crate::namespace::Limits;
use crate::params::NetworkParams;
use crate::sync::{SyncConfig, SyncError, SyncNode};

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
    pub(crate) async fn commit(&self, blocks: &[Block], state: &State) -> Result<(), StorageError> {
        match self {
            Storage::Memory(s) => s.commit(blocks, state).await,
            Storage::IndexedDb(s) => s.commit(blocks, state).await,
            Storage::Js(s) => s.commit(blocks, state).await,
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

/// What a save must write: the blocks created since the last save, then the state entries.
/// Synchronous: the namespace treats these blocks as saved until [`unsaved_again`] says not.
pub(crate) fn take_save(node: &mut SyncNode) -> Result<(Vec<Block>, State), SyncError> {
    let capture = Capture::default();
    let mut future = pin!(node.save(&capture));
    // Capture never suspends, so one poll completes the save.
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(result) => result?,
        Poll::Pending => {
            return Err(SyncError::Storage(StorageError::io("save", "capture suspended")));
        }
    };
    let taken = capture.taken.borrow_mut().take();
    Ok(taken.unwrap_or_default())
}

/// A failed commit: the blocks are written again by the next save.
pub(crate) fn unsaved_again(node: &mut SyncNode, blocks: Vec<Block>) {
    node.namespace_mut().unsaved_again(blocks);
}
