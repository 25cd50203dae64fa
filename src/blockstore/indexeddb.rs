//! IndexedDB blockstore (browsers, workers; Node/Deno with `fake-indexeddb`).
//!
//! One database per store, chosen by the caller, with two object stores:
//!
//! - `packs`: blocks packed many to a record ([`super::pack`]), because browsers spend tens of
//!   microseconds on every record they read, even in one `getAll`: 100k names as one record
//!   per block took 7 s to load in Chromium. A record is `{ cids, bytes }` (the pack's CID
//!   strings and the pack) under an auto-incremented key; a multi-entry index `cid` on `cids`
//!   finds the pack holding a block, so `get`, `has` and `delete` still work by CID. When a
//!   block is stored twice, the copy in the newest pack (highest key) is the one read.
//! - `state`: key string, value `Uint8Array` (the root pointer and other small entries).
//!
//! `commit` writes packs and state in one readwrite transaction, so it is atomic. Version 1
//! kept one record per block in a `blocks` store; opening such a database packs its blocks
//! during the upgrade, in the upgrade's own transaction, so nothing is lost.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::future::IntoFuture;
use std::rc::Rc;

use cid::Cid;
use idb::event::VersionChangeEvent;
use idb::{
    CursorDirection, Database, DatabaseEvent, Event, Factory, IndexParams, KeyPath, ObjectStore,
    ObjectStoreParams, Query, Request, Transaction, TransactionMode,
};
use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use super::pack::{pack, unpack, Pack, PACK_BYTES};
use super::{reserve_heap, Blockstore, StorageError};
use crate::block::Block;

const PACKS: &str = "packs";
/// Multi-entry index of `packs` on the CIDs each pack holds.
const BY_CID: &str = "cid";
const STATE: &str = "state";
/// Version 1's store: one record per block (key: CID string, value: `Uint8Array`).
const V1_BLOCKS: &str = "blocks";
const VERSION: u32 = 2;

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
fn to_bytes(value: &JsValue) -> Option<Vec<u8>> {
    if let Some(array) = value.dyn_ref::<Uint8Array>() {
        Some(array.to_vec())
    } else {
        value.dyn_ref::<ArrayBuffer>().map(|buffer| Uint8Array::new(buffer).to_vec())
    }
}

fn key(cid: &Cid) -> JsValue {
    JsValue::from_str(&cid.to_string())
}

/// The record stored for a pack: `{ cids: [CID strings], bytes: Uint8Array }`.
fn record(pack: &Pack) -> JsValue {
    let record = Object::new();
    let cids: Array = pack.cids.iter().map(key).collect();
    // Setting a property on a fresh plain object cannot fail.
    let _ = Reflect::set(&record, &"cids".into(), &cids);
    let _ = Reflect::set(&record, &"bytes".into(), &Uint8Array::from(pack.bytes.as_slice()));
    record.into()
}

/// The blocks of a stored pack record (`id` names it in errors).
fn blocks_of(id: &JsValue, record: &JsValue) -> Result<Vec<(Cid, Vec<u8>)>, StorageError> {
    let bad = |detail: String| StorageError::io(format!("indexeddb read pack {id:?}"), detail);
    let bytes = Reflect::get(record, &"bytes".into())
        .ok()
        .and_then(|bytes| to_bytes(&bytes))
        .ok_or_else(|| bad("record has no bytes".into()))?;
    let blocks = unpack(&bytes).map_err(bad)?;
    Ok(blocks.into_iter().map(|(cid, b)| (cid, b.to_vec())).collect())
}

/// Pack ids are auto-incremented numbers: ordered, and usable as map keys.
fn pack_id(key: &JsValue) -> Result<u64, StorageError> {
    key.as_f64().map(|id| id as u64).ok_or_else(|| StorageError::InvalidKey {
        key: format!("{key:?}"),
        reason: "pack keys are numbers".into(),
    })
}

/// Packs `blocks` into `store` as new records (they get the highest keys, so they are newest).
fn put_packs<'a>(
    store: &ObjectStore,
    blocks: impl IntoIterator<Item = (Cid, &'a [u8])>,
) -> Result<(), idb::Error> {
    pack(blocks).iter().try_for_each(|p| store.put(&record(p), None).map(drop))
}

/// Creates the version 2 stores, and packs version 1's blocks into them, in the upgrade
/// transaction: either the whole upgrade commits or the database stays at version 1.
/// A failure is written to `failed`, since the open request only reports "aborted".
fn upgrade(event: VersionChangeEvent, failed: Rc<RefCell<Option<String>>>) {
    let Some(tx) = event.target().ok().and_then(|request| request.transaction()) else {
        *failed.borrow_mut() = Some("no upgrade transaction".into());
        return;
    };
    let steps = || -> Result<Option<(Database, ObjectStore)>, idb::Error> {
        let db = event.database()?;
        let existing = db.store_names();
        if !existing.iter().any(|s| s == STATE) {
            db.create_object_store(STATE, ObjectStoreParams::new())?;
        }
        let mut params = ObjectStoreParams::new();
        params.auto_increment(true);
        let packs = db.create_object_store(PACKS, params)?;
        let mut by_cid = IndexParams::new();
        by_cid.multi_entry(true);
        packs.create_index(BY_CID, KeyPath::new_single("cids"), Some(by_cid))?;
        Ok(existing.iter().any(|s| s == V1_BLOCKS).then_some((db, packs)))
    };
    let (db, packs) = match steps() {
        Ok(Some(v1)) => v1,
        Ok(None) => return,
        Err(e) => {
            *failed.borrow_mut() = Some(e.to_string());
            let _ = tx.abort();
            return;
        }
    };
    // Issue both reads now, so that the upgrade transaction waits for them.
    let reads = tx.object_store(V1_BLOCKS).and_then(|old| {
        Ok((old.get_all_keys(None, None)?.into_future(), old.get_all(None, None)?.into_future()))
    });
    wasm_bindgen_futures::spawn_local(async move {
        // Runs from the reads' success events, while the upgrade transaction is still active.
        let moved = async {
            let text = |e: idb::Error| e.to_string();
            let (keys, values) = reads.map_err(text)?;
            let (keys, values) = (keys.await.map_err(text)?, values.await.map_err(text)?);
            let mut blocks = Vec::with_capacity(keys.len());
            for (k, v) in keys.iter().zip(&values) {
                let cid = k.as_string().and_then(|k| crate::block::parse_cid_text(&k).ok());
                blocks.push(cid.zip(to_bytes(v)).ok_or(format!("record {k:?} is not a block"))?);
            }
            put_packs(&packs, blocks.iter().map(|(c, b)| (*c, b.as_slice()))).map_err(text)?;
            db.delete_object_store(V1_BLOCKS).map_err(text)
        };
        if let Err(e) = moved.await {
            *failed.borrow_mut() = Some(format!("packing the blocks of version 1: {e}"));
            let _ = tx.abort();
        }
    });
}

impl IndexedDbBlockstore {
    /// Opens (or creates) the database `name`, upgrading one written by an older version.
    pub async fn open(name: &str) -> Result<Self, StorageError> {
        let mut request = factory()?.open(name, Some(VERSION)).map_err(io(name, "open"))?;
        let failed = Rc::new(RefCell::new(None));
        let upgrade_failed = failed.clone();
        request.on_upgrade_needed(move |event| upgrade(event, upgrade_failed));
        let db = request.await.map_err(|e| {
            let detail = failed.borrow_mut().take().unwrap_or_else(|| e.to_string());
            StorageError::io(format!("indexeddb open database {name:?}"), detail)
        })?;
        Ok(Self { db, name: name.to_owned(), closed: Cell::new(false) })
    }

    /// The database name.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn transaction(
        &self,
        stores: &[&str],
        mode: TransactionMode,
    ) -> Result<Transaction, StorageError> {
        if self.closed.get() {
            return Err(StorageError::Closed { name: self.name.clone() });
        }
        self.db.transaction(stores, mode).map_err(io(&self.name, "transaction"))
    }

    /// Runs `body` in one readwrite transaction over `stores` and waits until it is committed.
    /// If `body` fails, the transaction is aborted: none of its writes happen.
    async fn write(
        &self,
        stores: &[&str],
        operation: &str,
        body: impl AsyncFnOnce(&Transaction) -> Result<(), StorageError>,
    ) -> Result<(), StorageError> {
        let tx = self.transaction(stores, TransactionMode::ReadWrite)?;
        if let Err(e) = body(&tx).await {
            let _ = tx.abort();
            return Err(e);
        }
        let result = tx.await.map_err(io(&self.name, operation))?;
        if result.is_aborted() {
            return Err(StorageError::io(
                format!("indexeddb {operation} in database {:?}", self.name),
                "transaction aborted",
            ));
        }
        Ok(())
    }

    /// The blocks of the packs `ids` (an absent pack has none).
    async fn read_packs(
        &self,
        packs: &ObjectStore,
        ids: impl IntoIterator<Item = u64>,
    ) -> Result<BTreeMap<u64, Vec<(Cid, Vec<u8>)>>, StorageError> {
        let fail = io(&self.name, "read packs");
        // Issue every request before awaiting any: they run in parallel in one transaction.
        let requests = ids
            .into_iter()
            .map(|id| Ok((id, packs.get(JsValue::from(id as f64))?.into_future())))
            .collect::<Result<Vec<_>, idb::Error>>()
            .map_err(&fail)?;
        let mut out = BTreeMap::new();
        for (id, request) in requests {
            let blocks = match request.await.map_err(&fail)? {
                Some(record) => blocks_of(&JsValue::from(id as f64), &record)?,
                None => Vec::new(),
            };
            out.insert(id, blocks);
        }
        Ok(out)
    }
}

/// For each of `cids`, the ids of the packs holding it, oldest first.
async fn locate(packs: &ObjectStore, cids: &[Cid]) -> Result<Vec<Vec<u64>>, StorageError> {
    let fail = |e: idb::Error| StorageError::io("indexeddb find blocks", e.to_string());
    let index = packs.index(BY_CID).map_err(fail)?;
    let requests = cids
        .iter()
        .map(|cid| Ok(index.get_all_keys(Some(Query::Key(key(cid))), None)?.into_future()))
        .collect::<Result<Vec<_>, idb::Error>>()
        .map_err(fail)?;
    let mut out = Vec::with_capacity(cids.len());
    for request in requests {
        let ids = request.await.map_err(fail)?;
        out.push(ids.iter().map(pack_id).collect::<Result<_, _>>()?);
    }
    Ok(out)
}

fn size(blocks: &[(Cid, Vec<u8>)]) -> usize {
    blocks.iter().map(|(_, b)| b.len()).sum()
}

impl Blockstore for IndexedDbBlockstore {
    async fn get(&self, cid: &Cid) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self.get_many(std::slice::from_ref(cid)).await?.pop().flatten())
    }

    async fn get_many(&self, cids: &[Cid]) -> Result<Vec<Option<Vec<u8>>>, StorageError> {
        let tx = self.transaction(&[PACKS], TransactionMode::ReadOnly)?;
        let packs = tx.object_store(PACKS).map_err(io(&self.name, "read blocks"))?;
        // The newest copy of each block; each pack is read once.
        let newest: Vec<Option<u64>> =
            locate(&packs, cids).await?.into_iter().map(|ids| ids.last().copied()).collect();
        let ids: HashSet<u64> = newest.iter().flatten().copied().collect();
        let mut read = self.read_packs(&packs, ids).await?;
        Ok(cids
            .iter()
            .zip(newest)
            .map(|(cid, id)| {
                let blocks = read.get_mut(&id?)?;
                let at = blocks.iter().rposition(|(c, _)| c == cid)?;
                Some(std::mem::take(&mut blocks[at].1))
            })
            .collect())
    }

    async fn get_all(&self) -> Result<Option<HashMap<Cid, Vec<u8>>>, StorageError> {
        let tx = self.transaction(&[PACKS], TransactionMode::ReadOnly)?;
        let fail = io(&self.name, "read all blocks");
        let packs = tx.object_store(PACKS).map_err(&fail)?;
        // Keys and values of one transaction come in the same (key) order.
        let keys = packs.get_all_keys(None, None).map_err(&fail)?.into_future();
        let values = packs.get_all(None, None).map_err(&fail)?.into_future();
        let (keys, values) = (keys.await.map_err(&fail)?, values.await.map_err(&fail)?);
        // The blocks and the map take about 1.5 times the packs' bytes.
        reserve_heap(values.len() * PACK_BYTES * 3 / 2);
        let mut all = HashMap::new();
        for (id, record) in keys.iter().zip(&values) {
            // Oldest pack first, so the newest copy of a block stored twice wins.
            all.extend(blocks_of(id, record)?);
        }
        Ok(Some(all))
    }

    async fn has(&self, cid: &Cid) -> Result<bool, StorageError> {
        let tx = self.transaction(&[PACKS], TransactionMode::ReadOnly)?;
        let fail = io(&self.name, "has");
        let index = tx.object_store(PACKS).and_then(|s| s.index(BY_CID)).map_err(&fail)?;
        let count = index.count(Some(Query::Key(key(cid)))).map_err(&fail)?.await.map_err(&fail)?;
        Ok(count > 0)
    }

    async fn put_many(&self, blocks: &[Block]) -> Result<(), StorageError> {
        self.commit(blocks, &[]).await
    }

    /// Replaces the packs holding any of `cids` by new packs of their other blocks, in one
    /// transaction: a pack is rewritten anyway, and packing the survivors together keeps packs
    /// full after garbage collection.
    async fn delete_many(&self, cids: &[Cid]) -> Result<(), StorageError> {
        let fail = io(&self.name, "delete blocks");
        self.write(&[PACKS], "delete blocks", async |tx| {
            let packs = tx.object_store(PACKS).map_err(&fail)?;
            let touched: HashSet<u64> = locate(&packs, cids).await?.into_iter().flatten().collect();
            let dead: HashSet<&Cid> = cids.iter().collect();
            let mut kept = Vec::new();
            for (id, blocks) in self.read_packs(&packs, touched).await? {
                packs.delete(Query::Key(JsValue::from(id as f64))).map_err(&fail)?;
                kept.extend(blocks.into_iter().filter(|(cid, _)| !dead.contains(cid)));
            }
            put_packs(&packs, kept.iter().map(|(c, b)| (*c, b.as_slice()))).map_err(&fail)
        })
        .await
    }

    async fn list(&self) -> Result<Vec<Cid>, StorageError> {
        let all = self.get_all().await?.unwrap_or_default();
        Ok(all.into_keys().collect())
    }

    async fn get_state(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        let tx = self.transaction(&[STATE], TransactionMode::ReadOnly)?;
        let fail = io(&self.name, "read state");
        let store = tx.object_store(STATE).map_err(&fail)?;
        match store.get(JsValue::from_str(key)).map_err(&fail)?.await.map_err(&fail)? {
            None => Ok(None),
            Some(value) => to_bytes(&value).map(Some).ok_or_else(|| {
                StorageError::io(
                    format!("indexeddb read state {key:?} in database {:?}", self.name),
                    "stored value is not a Uint8Array",
                )
            }),
        }
    }

    /// Writes `blocks` as a new pack and `state` in one transaction. The newest packs are
    /// merged into the new one while each is no larger than what is being written (and the
    /// result fits a pack), like the carries of a binary counter: many small saves leave a
    /// few packs, not one per save, and each byte is rewritten only a few times.
    async fn commit(
        &self,
        blocks: &[Block],
        state: &[(String, Option<Vec<u8>>)],
    ) -> Result<(), StorageError> {
        let fail = io(&self.name, "commit");
        self.write(&[PACKS, STATE], "commit", async |tx| {
            let packs = tx.object_store(PACKS).map_err(&fail)?;
            let mut size: usize = blocks.iter().map(|b| b.bytes.len()).sum();
            let mut older = Vec::new();
            if !blocks.is_empty() && size < PACK_BYTES {
                let newest_first = packs.open_cursor(None, Some(CursorDirection::Prev));
                let mut cursor = newest_first.map_err(&fail)?.await.map_err(&fail)?;
                while let Some(newest) = cursor {
                    let id = newest.primary_key().map_err(&fail)?;
                    let found = blocks_of(&id, &newest.value().map_err(&fail)?)?;
                    if self::size(&found) > size || size + self::size(&found) > PACK_BYTES {
                        break;
                    }
                    newest.delete().map_err(&fail)?;
                    size += self::size(&found);
                    older.push(found);
                    cursor = newest.next(None).map_err(&fail)?.await.map_err(&fail)?;
                }
            }
            // `older` is newest first: oldest blocks go first, so newer copies win.
            let merged = older.iter().rev().flatten().map(|(c, b)| (*c, b.as_slice()));
            let new = blocks.iter().map(|b| (b.cid, b.bytes.as_slice()));
            put_packs(&packs, merged.chain(new)).map_err(&fail)?;
            let state_store = tx.object_store(STATE).map_err(&fail)?;
            for (key, value) in state {
                let key = JsValue::from_str(key);
                match value {
                    Some(bytes) => {
                        let bytes = Uint8Array::from(bytes.as_slice());
                        drop(state_store.put(&bytes, Some(&key)).map_err(&fail)?)
                    }
                    None => drop(state_store.delete(key).map_err(&fail)?),
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
