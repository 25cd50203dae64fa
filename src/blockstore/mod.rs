//! Persistence: where blocks and the root pointer live (design guarantee 8).
//!
//! A [`Blockstore`] is a small byte-level, async interface: blocks (DAG-CBOR bytes named by
//! their CID) plus a few named state entries such as the root pointer. The core only talks to
//! this trait, so the same code runs over memory ([`MemoryBlockstore`]), IndexedDB
//! (`IndexedDbBlockstore`, wasm only) or any storage object the app supplies from JavaScript
//! (`JsBlockstore`, wasm only). Every backend passes the same [`acceptance`] suite.
//!
//! Crash safety comes from the write order in [`Blockstore::commit`]: new blocks first, the state
//! (root pointer) last, so storage never points at blocks it does not hold. Reads are checked
//! with [`get_verified`], so a corrupted block is an error naming its CID, never bad data.
//!
//! ```
//! use vns::block::Block;
//! use vns::blockstore::{get_verified, Blockstore, MemoryBlockstore};
//!
//! # pollster::block_on(async {
//! let store = MemoryBlockstore::new();
//! let block = Block::encode(&("alice.vfs", 1u64)).unwrap();
//! let root = [("root".to_string(), Some(block.cid.to_bytes()))];
//! store.commit(&[block.clone()], &root).await.unwrap();
//! assert_eq!(get_verified(&store, &block.cid).await.unwrap(), block);
//! assert_eq!(store.get_state("root").await.unwrap(), Some(block.cid.to_bytes()));
//! # });
//! ```

use std::collections::HashMap;

use cid::Cid;

use crate::block::{Block, BlockError};

pub mod acceptance;
mod memory;
pub mod pack;

#[cfg(all(target_arch = "wasm32", feature = "wasm"))]
mod indexeddb;
#[cfg(all(target_arch = "wasm32", feature = "wasm"))]
mod js;

#[cfg(all(target_arch = "wasm32", feature = "wasm"))]
pub use indexeddb::{delete_database, IndexedDbBlockstore};
#[cfg(all(target_arch = "wasm32", feature = "wasm"))]
pub use js::JsBlockstore;
pub use memory::{FaultMode, FaultyBlockstore, MemoryBlockstore};

/// Why a storage operation failed.
///
/// Every message names what failed (the operation, the CID or the key); [`StorageError::code`]
/// gives a stable dotted code for the JS side.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    /// The backend reported an error (I/O, quota, aborted transaction, adapter exception).
    #[error("storage {operation} failed: {detail}")]
    Io {
        /// What was being done, e.g. `indexeddb put blocks in "vns"`.
        operation: String,
        /// The backend's own message.
        detail: String,
    },
    /// A stored block does not match its CID, or is not a byte array.
    #[error("block {cid} is corrupt: {reason}")]
    Corrupt {
        /// The CID the bytes were stored under.
        cid: String,
        /// What is wrong with them.
        reason: String,
    },
    /// A block that must exist (e.g. reachable from the root) is not in the store.
    #[error("block {cid} is missing from the store")]
    Missing {
        /// The CID that was looked up.
        cid: String,
    },
    /// The CID is not one VNS stores (CIDv1, DAG-CBOR, BLAKE3-256).
    #[error("block {cid}: unsupported CID (expected CIDv1, DAG-CBOR, BLAKE3-256)")]
    UnsupportedCid {
        /// The offending CID.
        cid: String,
    },
    /// A key found in storage is not a valid CID.
    #[error("storage key {key:?} is not a valid CID: {reason}")]
    InvalidKey {
        /// The key as stored (hex for raw bytes).
        key: String,
        /// Why it did not parse.
        reason: String,
    },
    /// The backend does not offer this operation (e.g. a JS adapter without `list`).
    #[error("storage backend does not support {operation}")]
    Unsupported {
        /// The missing operation.
        operation: String,
    },
    /// The JS object given as a storage adapter lacks a required method.
    #[error("storage adapter is invalid: {reason}")]
    InvalidAdapter {
        /// What is missing or wrong.
        reason: String,
    },
    /// The store was closed.
    #[error("storage {name:?} is closed")]
    Closed {
        /// Name of the store (database name for IndexedDB).
        name: String,
    },
    /// A simulated crash ([`FaultyBlockstore`]): this and every later write were not persisted.
    #[error("storage crashed (simulated) at write point {at}")]
    Crashed {
        /// Index of the write point at which the crash happened (0-based).
        at: u64,
    },
}

impl StorageError {
    /// Stable machine-readable code, e.g. `storage.corrupt`.
    ///
    /// ```
    /// use vns::blockstore::StorageError;
    /// let err = StorageError::Missing { cid: "bafy…".into() };
    /// assert_eq!(err.code(), "storage.missing");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            StorageError::Io { .. } => "storage.io",
            StorageError::Corrupt { .. } => "storage.corrupt",
            StorageError::Missing { .. } => "storage.missing",
            StorageError::UnsupportedCid { .. } => "storage.unsupported_cid",
            StorageError::InvalidKey { .. } => "storage.invalid_key",
            StorageError::Unsupported { .. } => "storage.unsupported",
            StorageError::InvalidAdapter { .. } => "storage.invalid_adapter",
            StorageError::Closed { .. } => "storage.closed",
            StorageError::Crashed { .. } => "storage.crashed",
        }
    }

    /// Shorthand for [`StorageError::Io`].
    pub fn io(operation: impl Into<String>, detail: impl Into<String>) -> Self {
        StorageError::Io { operation: operation.into(), detail: detail.into() }
    }
}

/// Async, byte-level storage for blocks and a few named state entries (the root pointer).
///
/// Futures need not be `Send`: on wasm everything runs on one thread. Implementations do not
/// verify bytes on `put` or `get`; callers reading blocks they rely on use [`get_verified`].
///
/// ```
/// use vns::block::Block;
/// use vns::blockstore::{Blockstore, MemoryBlockstore};
///
/// # pollster::block_on(async {
/// let store = MemoryBlockstore::new();
/// let block = Block::encode(&"hello").unwrap();
/// store.put_many(&[block.clone()]).await.unwrap();
/// assert!(store.has(&block.cid).await.unwrap());
/// assert_eq!(store.list().await.unwrap(), vec![block.cid]);
/// # });
/// ```
#[allow(async_fn_in_trait)]
pub trait Blockstore {
    /// The bytes stored under `cid`, or `None` when absent.
    async fn get(&self, cid: &Cid) -> Result<Option<Vec<u8>>, StorageError>;
    /// Whether a block is stored under `cid`.
    async fn has(&self, cid: &Cid) -> Result<bool, StorageError>;
    /// Stores `blocks` (putting an existing block again is not an error).
    async fn put_many(&self, blocks: &[Block]) -> Result<(), StorageError>;
    /// Removes the blocks under `cids` (absent ones are ignored).
    async fn delete_many(&self, cids: &[Cid]) -> Result<(), StorageError>;
    /// Every stored CID, in no particular order (for garbage collection).
    async fn list(&self) -> Result<Vec<Cid>, StorageError>;
    /// The state entry under `key` (e.g. `"root"`), or `None`.
    async fn get_state(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError>;
    /// Writes `blocks`, then `state` (e.g. the root pointer); `None` deletes a state entry.
    ///
    /// Backends that can do it atomically (IndexedDB: one transaction) must; others write blocks
    /// first and state last, in the given order, so a crash leaves the old or the new state,
    /// never a pointer to missing blocks. Keep the root pointer in a single key so that a swap
    /// is one state write.
    async fn commit(
        &self,
        blocks: &[Block],
        state: &[(String, Option<Vec<u8>>)],
    ) -> Result<(), StorageError>;
    /// Releases the backend (closes the database). Later calls may fail with
    /// [`StorageError::Closed`].
    async fn close(&self) -> Result<(), StorageError> {
        Ok(())
    }
    /// Every stored block at once, if the backend can read them all in one request
    /// (IndexedDB's `getAll` of its packs); `None` when it cannot. Loading a whole namespace
    /// uses it: one bulk read is far cheaper than a request per block.
    async fn get_all(&self) -> Result<Option<HashMap<Cid, Vec<u8>>>, StorageError> {
        Ok(None)
    }
    /// Reads many blocks; the result is in the order of `cids`. Backends that can batch
    /// (IndexedDB: one transaction; JS adapters: concurrent calls) override this, since
    /// loading a namespace reads every block.
    async fn get_many(&self, cids: &[Cid]) -> Result<Vec<Option<Vec<u8>>>, StorageError> {
        let mut out = Vec::with_capacity(cids.len());
        for cid in cids {
            out.push(self.get(cid).await?);
        }
        Ok(out)
    }
}

/// Grows the wasm heap by `bytes` in one step, before IndexedDB's packs fill it. Each
/// `memory.grow` is slow in V8: a first load of 100k names took 4.2 s in Node, 1.3 s with
/// memory grown in one step first (measured before the allocator grew memory by a quarter at
/// a time). The allocation is freed at once; the allocator keeps the memory for what follows.
#[cfg(all(target_arch = "wasm32", feature = "wasm"))]
pub(crate) fn reserve_heap(bytes: usize) {
    // black_box: an allocation nobody uses would otherwise be optimised away.
    drop(std::hint::black_box(Vec::<u8>::with_capacity(bytes)));
}

/// Reads the block under `cid` and checks its bytes against the CID.
///
/// Errors: [`StorageError::Missing`] when absent, [`StorageError::Corrupt`] when the bytes do
/// not hash to the CID, [`StorageError::UnsupportedCid`] for a CID VNS never writes.
///
/// ```
/// use vns::block::{cid_of, Block};
/// use vns::blockstore::{get_verified, Blockstore, MemoryBlockstore};
///
/// # pollster::block_on(async {
/// let store = MemoryBlockstore::new();
/// let cid = cid_of(b"original");
/// store.put_many(&[Block { cid, bytes: b"tampered".to_vec() }]).await.unwrap();
/// let err = get_verified(&store, &cid).await.unwrap_err();
/// assert_eq!(err.code(), "storage.corrupt");
/// assert!(err.to_string().contains(&cid.to_string()));
/// # });
/// ```
pub async fn get_verified<S: Blockstore + ?Sized>(
    store: &S,
    cid: &Cid,
) -> Result<Block, StorageError> {
    let bytes = store.get(cid).await?;
    verified(cid, bytes)
}

/// Reads many blocks with [`Blockstore::get_many`] and checks each against its CID; the first
/// missing or corrupt block is the error.
pub async fn get_many_verified<S: Blockstore + ?Sized>(
    store: &S,
    cids: &[Cid],
) -> Result<Vec<Block>, StorageError> {
    let found = store.get_many(cids).await?;
    cids.iter().zip(found).map(|(cid, bytes)| verified(cid, bytes)).collect()
}

/// Checks bytes read for `cid` (absent, or present but not matching) as every read path must.
pub(crate) fn verified(cid: &Cid, bytes: Option<Vec<u8>>) -> Result<Block, StorageError> {
    let bytes = bytes.ok_or_else(|| StorageError::Missing { cid: cid.to_string() })?;
    Block::verify(*cid, bytes).map_err(|e| match e {
        BlockError::UnsupportedCid { cid } => StorageError::UnsupportedCid { cid },
        BlockError::HashMismatch { .. } => StorageError::Corrupt {
            cid: cid.to_string(),
            reason: "bytes do not match the CID".into(),
        },
        other => StorageError::Corrupt { cid: cid.to_string(), reason: other.to_string() },
    })
}
