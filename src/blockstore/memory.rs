//! In-memory blockstore, and a fault-injecting wrapper for crash-safety tests.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use cid::Cid;

use super::{Blockstore, StorageError};
use crate::block::Block;

#[derive(Debug, Default)]
struct Data {
    blocks: BTreeMap<Cid, Vec<u8>>,
    state: BTreeMap<String, Vec<u8>>,
}

/// A blockstore in memory.
///
/// Clones are handles to the same data: a test keeps one clone, drops the store that "crashed",
/// and "reopens" by using the clone. Nothing is verified on write, so a test can plant corrupt
/// bytes under a CID.
///
/// ```
/// use vns::block::Block;
/// use vns::blockstore::{Blockstore, MemoryBlockstore};
///
/// # pollster::block_on(async {
/// let store = MemoryBlockstore::new();
/// let reopened = store.clone();
/// store.put_many(&[Block::encode(&1u8).unwrap()]).await.unwrap();
/// assert_eq!(reopened.block_count(), 1);
/// # });
/// ```
#[derive(Debug, Clone, Default)]
pub struct MemoryBlockstore {
    data: Rc<RefCell<Data>>,
}

impl MemoryBlockstore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many blocks are stored.
    pub fn block_count(&self) -> usize {
        self.data.borrow().blocks.len()
    }

    fn put_block(&self, block: &Block) {
        self.data.borrow_mut().blocks.insert(block.cid, block.bytes.clone());
    }

    fn delete_block(&self, cid: &Cid) {
        self.data.borrow_mut().blocks.remove(cid);
    }

    fn set_state(&self, key: &str, value: Option<&Vec<u8>>) {
        let mut data = self.data.borrow_mut();
        match value {
            Some(bytes) => data.state.insert(key.to_owned(), bytes.clone()),
            None => data.state.remove(key),
        };
    }
}

impl Blockstore for MemoryBlockstore {
    async fn get(&self, cid: &Cid) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self.data.borrow().blocks.get(cid).cloned())
    }

    async fn has(&self, cid: &Cid) -> Result<bool, StorageError> {
        Ok(self.data.borrow().blocks.contains_key(cid))
    }

    async fn put_many(&self, blocks: &[Block]) -> Result<(), StorageError> {
        blocks.iter().for_each(|b| self.put_block(b));
        Ok(())
    }

    async fn delete_many(&self, cids: &[Cid]) -> Result<(), StorageError> {
        cids.iter().for_each(|c| self.delete_block(c));
        Ok(())
    }

    async fn list(&self) -> Result<Vec<Cid>, StorageError> {
        Ok(self.data.borrow().blocks.keys().copied().collect())
    }

    async fn get_state(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self.data.borrow().state.get(key).cloned())
    }

    /// A copy of every block: memory hands them over at once, so loads take the bulk path.
    async fn get_all(&self) -> Result<Option<HashMap<Cid, Vec<u8>>>, StorageError> {
        Ok(Some(self.data.borrow().blocks.iter().map(|(c, b)| (*c, b.clone())).collect()))
    }

    async fn commit(
        &self,
        blocks: &[Block],
        state: &[(String, Option<Vec<u8>>)],
    ) -> Result<(), StorageError> {
        blocks.iter().for_each(|b| self.put_block(b));
        state.iter().for_each(|(k, v)| self.set_state(k, v.as_ref()));
        Ok(())
    }
}

/// What a [`FaultyBlockstore`] does when it reaches its fault point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultMode {
    /// The write at the fault point fails with [`StorageError::Io`] and is not persisted;
    /// later writes succeed (a transient I/O error).
    Fail,
    /// The write at the fault point and every later write are not persisted and fail with
    /// [`StorageError::Crashed`] (the process died there). Reads still work, but a test should
    /// "reopen" by using a clone of the inner [`MemoryBlockstore`].
    Crash,
}

/// A [`MemoryBlockstore`] wrapper that fails or crashes at the k-th write point.
///
/// Write points are counted from 0, one per block put (in `put_many` and `commit`), one per
/// deleted CID, and one per state entry written or deleted in `commit`. `commit` performs them
/// in order: blocks, then state. Run the operation once with no fault to learn how many write
/// points it has ([`FaultyBlockstore::writes`]), then once per k.
///
/// ```
/// use vns::block::Block;
/// use vns::blockstore::{Blockstore, FaultMode, FaultyBlockstore, MemoryBlockstore};
///
/// # pollster::block_on(async {
/// let disk = MemoryBlockstore::new();
/// let store = FaultyBlockstore::new(disk.clone(), Some(1), FaultMode::Crash);
/// let block = Block::encode(&"entry").unwrap();
/// let state = [("root".to_string(), Some(block.cid.to_bytes()))];
/// let err = store.commit(&[block.clone()], &state).await.unwrap_err();
/// assert_eq!(err.code(), "storage.crashed");
/// // After the "crash": the block was written, the root pointer was not.
/// assert!(disk.has(&block.cid).await.unwrap());
/// assert_eq!(disk.get_state("root").await.unwrap(), None);
/// # });
/// ```
#[derive(Debug, Clone)]
pub struct FaultyBlockstore {
    inner: MemoryBlockstore,
    fault_at: Option<u64>,
    mode: FaultMode,
    writes: Rc<Cell<u64>>,
    crashed: Rc<Cell<bool>>,
}

impl FaultyBlockstore {
    /// Wraps `inner`; the write point with index `fault_at` (if any) fails as `mode` says.
    pub fn new(inner: MemoryBlockstore, fault_at: Option<u64>, mode: FaultMode) -> Self {
        Self {
            inner,
            fault_at,
            mode,
            writes: Rc::new(Cell::new(0)),
            crashed: Rc::new(Cell::new(false)),
        }
    }

    /// Number of write points reached so far (including failed ones).
    pub fn writes(&self) -> u64 {
        self.writes.get()
    }

    /// Whether the simulated crash has happened.
    pub fn crashed(&self) -> bool {
        self.crashed.get()
    }

    /// The underlying store (what survives a crash).
    pub fn inner(&self) -> &MemoryBlockstore {
        &self.inner
    }

    /// Counts one write point and decides whether it may be persisted.
    fn write_point(&self) -> Result<(), StorageError> {
        let at = self.writes.get();
        self.writes.set(at + 1);
        if self.crashed.get() {
            return Err(StorageError::Crashed { at });
        }
        if self.fault_at == Some(at) {
            return match self.mode {
                FaultMode::Fail => {
                    Err(StorageError::io("write", format!("injected fault at write point {at}")))
                }
                FaultMode::Crash => {
                    self.crashed.set(true);
                    Err(StorageError::Crashed { at })
                }
            };
        }
        Ok(())
    }

    fn put_blocks(&self, blocks: &[Block]) -> Result<(), StorageError> {
        for block in blocks {
            self.write_point()?;
            self.inner.put_block(block);
        }
        Ok(())
    }
}

impl Blockstore for FaultyBlockstore {
    async fn get(&self, cid: &Cid) -> Result<Option<Vec<u8>>, StorageError> {
        self.inner.get(cid).await
    }

    async fn has(&self, cid: &Cid) -> Result<bool, StorageError> {
        self.inner.has(cid).await
    }

    async fn put_many(&self, blocks: &[Block]) -> Result<(), StorageError> {
        self.put_blocks(blocks)
    }

    async fn delete_many(&self, cids: &[Cid]) -> Result<(), StorageError> {
        for cid in cids {
            self.write_point()?;
            self.inner.delete_block(cid);
        }
        Ok(())
    }

    async fn list(&self) -> Result<Vec<Cid>, StorageError> {
        self.inner.list().await
    }

    async fn get_state(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        self.inner.get_state(key).await
    }

    async fn commit(
        &self,
        blocks: &[Block],
        state: &[(String, Option<Vec<u8>>)],
    ) -> Result<(), StorageError> {
        self.put_blocks(blocks)?;
        for (key, value) in state {
            self.write_point()?;
            self.inner.set_state(key, value.as_ref());
        }
        Ok(())
    }
}
