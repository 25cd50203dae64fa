//! IndexedDB blockstore (browsers, workers; Node/Deno with `fake-indexeddb`).
//!
//! One database per store, chosen by the caller, with two object stores: `blocks` (key: CID
//! string, value: `Uint8Array`) and `state` (key: string, value: `Uint8Array`). `commit` writes
//! blocks and state in one readwrite transaction, so it is atomic.

use std::cell::Cell;

use cid::Cid;
use idb::{Database, DatabaseEvent, Factory, ObjectStoreParams, Query, TransactionMode};
use js_sys::{ArrayBuffer, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use super::{Blockstore, StorageError};
use crate::block::Block;

const BLOCKS: &str = "blocks";
const STATE: &str = "state";
const VERSION: u32 = 1;

/// A blockstore in an IndexedDB database.
///
/// ```no_run
/// # async fn example() -> Result<(), vns::blockstore::StorageError> {
/// use vns::blockstore::{Blockstore, IndexedDbBlockstore};
/// let store = IndexedDbBlockstore::open("vns").await?;
/// let root = store.get_state("root").await?;
/// store.close().await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct IndexedDbBlockstore {
    db: Database,
    name: String,
    closed: Cell<bool>,
}

/// Turns IndexedDB errors into [`StorageError::Io`] naming the operation and database.
fn io(name: &str, operation: &str) -> impl Fn(idb::Error) -> StorageError {
    let operation = format!("indexeddb {operation} in database {name:?}");
    move |e| StorageError::io(operation.clone(), e.to_string())
}

fn factory() -> Result<Factory, StorageError> {
    Factory::new().map_err(|e| StorageError::io("indexeddb open", e.to_string()))
}

/// Deletes the database `name` (tests and "forget everything"). Close open stores first: the
/// deletion waits for every connection to close.
pub async fn delete_database(name: &str) -> Result<(), StorageError> {
    let request = factory()?.delete(name).map_err(io(name, "delete database"))?;
    request.await.map_err(io(name, "delete database"))
}

/// Reads a stored value as bytes (`Uint8Array`, or an `ArrayBuffer` written by other code).
fn to_bytes(value: JsValue) -> Option<Vec<u8>> {
    if let Some(array) = value.dyn_ref::<Uint8Array>() {
        Some(array.to_vec())
    } else {
        value.dyn_ref::<ArrayBuffer>().map(|buffer| Uint8Array::new(buffer).to_vec())
    }
}

fn key(cid: &Cid) -> JsValue {
    JsValue::from_str(&cid.to_string())
}

impl IndexedDbBlockstore {
    /// Opens (or creates) the database `name`.
    pub async fn open(name: &str) -> Result<Self, StorageError> {
        let mut request = factory()?.open(name, Some(VERSION)).map_err(io(name, "open"))?;
        request.on_upgrade_needed(|event| {
            // Errors here abort the upgrade, which makes the open request fail with them.
            let Ok(db) = event.database() else { return };
            let existing = db.store_names();
            for store in [BLOCKS, STATE] {
                if !existing.iter().any(|s| s == store) {
                    let _ = db.create_object_store(store, ObjectStoreParams::new());
                }
            }
        });
        let db = request.await.map_err(io(name, "open"))?;
        Ok(Self { db, name: name.to_owned(), closed: Cell::new(false) })
    }

    /// The database name.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn check_open(&self) -> Result<(), StorageError> {
        if self.closed.get() {
            return Err(StorageError::Closed { name: self.name.clone() });
        }
        Ok(())
    }

    async fn read(&self, store: &str, key: JsValue) -> Result<Option<JsValue>, StorageError> {
        self.check_open()?;
        let fail = io(&self.name, "read");
        let tx = self.db.transaction(&[store], TransactionMode::ReadOnly).map_err(&fail)?;
        let request = tx.object_store(store).map_err(&fail)?.get(key).map_err(&fail)?;
        request.await.map_err(&fail)
    }

    /// Runs `fill` against the `blocks` and `state` stores of one readwrite transaction and
    /// waits until it is committed. Requests are issued without awaiting each one, so the
    /// transaction stays active; the first failing request aborts the whole transaction.
    async fn write(
        &self,
        operation: &str,
        fill: impl FnOnce(&idb::ObjectStore, &idb::ObjectStore) -> Result<(), idb::Error>,
    ) -> Result<(), StorageError> {
        self.check_open()?;
        let fail = io(&self.name, operation);
        let tx =
            self.db.transaction(&[BLOCKS, STATE], TransactionMode::ReadWrite).map_err(&fail)?;
        let blocks = tx.object_store(BLOCKS).map_err(&fail)?;
        let state = tx.object_store(STATE).map_err(&fail)?;
        if let Err(e) = fill(&blocks, &state) {
            let _ = tx.abort();
            return Err(fail(e));
        }
        let result = tx.await.map_err(&fail)?;
        if result.is_aborted() {
            return Err(StorageError::io(
                format!("indexeddb {operation} in database {:?}", self.name),
                "transaction aborted",
            ));
        }
        Ok(())
    }
}

fn put_blocks(store: &idb::ObjectStore, blocks: &[Block]) -> Result<(), idb::Error> {
    for block in blocks {
        let value = Uint8Array::from(block.bytes.as_slice());
        store.put(&value, Some(&key(&block.cid)))?;
    }
    Ok(())
}

impl Blockstore for IndexedDbBlockstore {
    async fn get(&self, cid: &Cid) -> Result<Option<Vec<u8>>, StorageError> {
        match self.read(BLOCKS, key(cid)).await? {
            None => Ok(None),
            Some(value) => to_bytes(value).map(Some).ok_or_else(|| StorageError::Corrupt {
                cid: cid.to_string(),
                reason: "stored value is not a Uint8Array".into(),
            }),
        }
    }

    async fn get_many(&self, cids: &[Cid]) -> Result<Vec<Option<Vec<u8>>>, StorageError> {
        self.check_open()?;
        let fail = io(&self.name, "read blocks");
        let tx = self.db.transaction(&[BLOCKS], TransactionMode::ReadOnly).map_err(&fail)?;
        let store = tx.object_store(BLOCKS).map_err(&fail)?;
        // Issue every request before awaiting any, so they share one live transaction.
        let requests = cids
            .iter()
            .map(|cid| store.get(key(cid)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(&fail)?;
        let mut out = Vec::with_capacity(cids.len());
        for (cid, request) in cids.iter().zip(requests) {
            out.push(match request.await.map_err(&fail)? {
                None => None,
                Some(value) => Some(to_bytes(value).ok_or_else(|| StorageError::Corrupt {
                    cid: cid.to_string(),
                    reason: "stored value is not a Uint8Array".into(),
                })?),
            });
        }
        Ok(out)
    }

    async fn get_all(&self) -> Result<Option<Vec<(Cid, Vec<u8>)>>, StorageError> {
        self.check_open()?;
        let fail = io(&self.name, "read all blocks");
        let tx = self.db.transaction(&[BLOCKS], TransactionMode::ReadOnly).map_err(&fail)?;
        let store = tx.object_store(BLOCKS).map_err(&fail)?;
        // Keys and values of one transaction come in the same (key) order.
        let keys = store.get_all_keys(None, None).map_err(&fail)?;
        let values = store.get_all(None, None).map_err(&fail)?;
        let (keys, values) = (keys.await.map_err(&fail)?, values.await.map_err(&fail)?);
        if keys.len() != values.len() {
            return Err(StorageError::io(
                "indexeddb read all blocks",
                "keys and values differ in number",
            ));
        }
        keys.into_iter()
            .zip(values)
            .map(|(k, v)| {
                let text = k.as_string().ok_or_else(|| StorageError::InvalidKey {
                    key: format!("{k:?}"),
                    reason: "not a string".into(),
                })?;
                let cid = Cid::try_from(text.as_str())
                    .map_err(|e| StorageError::InvalidKey { key: text, reason: e.to_string() })?;
                let bytes = to_bytes(v).ok_or_else(|| StorageError::Corrupt {
                    cid: cid.to_string(),
                    reason: "stored value is not a Uint8Array".into(),
                })?;
                Ok((cid, bytes))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    async fn has(&self, cid: &Cid) -> Result<bool, StorageError> {
        self.check_open()?;
        let fail = io(&self.name, "has");
        let tx = self.db.transaction(&[BLOCKS], TransactionMode::ReadOnly).map_err(&fail)?;
        let store = tx.object_store(BLOCKS).map_err(&fail)?;
        let count = store.count(Some(Query::Key(key(cid)))).map_err(&fail)?.await.map_err(&fail)?;
        Ok(count > 0)
    }

    async fn put_many(&self, blocks: &[Block]) -> Result<(), StorageError> {
        self.write("put blocks", |store, _| put_blocks(store, blocks)).await
    }

    async fn delete_many(&self, cids: &[Cid]) -> Result<(), StorageError> {
        self.write("delete blocks", |store, _| {
            cids.iter().try_for_each(|cid| store.delete(key(cid)).map(drop))
        })
        .await
    }

    async fn list(&self) -> Result<Vec<Cid>, StorageError> {
        self.check_open()?;
        let fail = io(&self.name, "list");
        let tx = self.db.transaction(&[BLOCKS], TransactionMode::ReadOnly).map_err(&fail)?;
        let store = tx.object_store(BLOCKS).map_err(&fail)?;
        let keys = store.get_all_keys(None, None).map_err(&fail)?.await.map_err(&fail)?;
        keys.into_iter()
            .map(|k| {
                let text = k.as_string().ok_or_else(|| StorageError::InvalidKey {
                    key: format!("{k:?}"),
                    reason: "not a string".into(),
                })?;
                Cid::try_from(text.as_str())
                    .map_err(|e| StorageError::InvalidKey { key: text, reason: e.to_string() })
            })
            .collect()
    }

    async fn get_state(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        match self.read(STATE, JsValue::from_str(key)).await? {
            None => Ok(None),
            Some(value) => to_bytes(value).map(Some).ok_or_else(|| {
                StorageError::io(
                    format!("indexeddb read state {key:?} in database {:?}", self.name),
                    "stored value is not a Uint8Array",
                )
            }),
        }
    }

    async fn commit(
        &self,
        blocks: &[Block],
        state: &[(String, Option<Vec<u8>>)],
    ) -> Result<(), StorageError> {
        self.write("commit", |block_store, state_store| {
            put_blocks(block_store, blocks)?;
            for (key, value) in state {
                let key = JsValue::from_str(key);
                match value {
                    Some(bytes) => {
                        drop(state_store.put(&Uint8Array::from(bytes.as_slice()), Some(&key))?)
                    }
                    None => drop(state_store.delete(key)?),
                }
            }
            Ok(())
        })
        .await
    }

    async fn close(&self) -> Result<(), StorageError> {
        self.closed.set(true);
        self.db.close();
        Ok(())
    }
}
