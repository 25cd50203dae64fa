//! A blockstore backed by a storage object supplied by the JavaScript app.
//!
//! The object has methods that return values or Promises (both are accepted):
//!
//! ```ts
//! interface VnsBlockstoreAdapter {
//!   put(cid: Uint8Array, bytes: Uint8Array): Promise<void>;
//!   get(cid: Uint8Array): Promise<Uint8Array | undefined>;
//!   has(cid: Uint8Array): Promise<boolean>;
//!   delete(cid: Uint8Array): Promise<void>;
//!   list?(): Promise<Uint8Array[]>;            // optional; needed for garbage collection
//!   getState(key: string): Promise<Uint8Array | undefined>;
//!   setState(key: string, bytes: Uint8Array | undefined): Promise<void>; // undefined deletes
//!   // optional; a store with transactions commits a save's blocks and state as one:
//!   commit?(blocks: [Uint8Array, Uint8Array][], state: [string, Uint8Array | undefined][]): Promise<void>;
//!   readAll?(): Promise<[Uint8Array, Uint8Array][]>; // optional: every block in one call, for loading
//!   close?(): Promise<void>;                        // optional: releases the store
//! }
//! ```
//!
//! CIDs cross as their binary form (`cid.bytes` in `multiformats`). A missing block should
//! resolve `undefined` (or `null`). Because IPFS `interface-blockstore` stores throw instead, a
//! rejection that is recognisably "not found" also means absent: an error whose `code` is
//! `"ERR_NOT_FOUND"`, or whose `name` is `"NotFoundError"` and which is not a `DOMException`
//! (a DOMException of that name is an IndexedDB schema problem, not a missing key). Any other
//! rejection is a [`StorageError::Io`].
//!
//! An adapter with `commit` gets each save in one call, the blocks as `[cid, bytes]` pairs and
//! the state entries (the root pointer first) as `[key, bytes]` pairs, and must apply all of it
//! or nothing (one database transaction). Without it there is no transaction: a save puts every
//! block, waits for all of them, then writes the state entries in order, so a crash never
//! leaves state pointing at missing blocks.

use std::collections::HashMap;

use cid::Cid;
use js_sys::{Array, ArrayBuffer, Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::{Blockstore, StorageError};
use crate::block::Block;

#[wasm_bindgen]
extern "C" {
    /// The app's storage object (see the module documentation for its shape).
    #[derive(Debug, Clone)]
    type Adapter;

    #[wasm_bindgen(method, catch)]
    fn put(this: &Adapter, cid: &Uint8Array, bytes: &Uint8Array) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn get(this: &Adapter, cid: &Uint8Array) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn has(this: &Adapter, cid: &Uint8Array) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn delete(this: &Adapter, cid: &Uint8Array) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn list(this: &Adapter) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = getState)]
    fn get_state(this: &Adapter, key: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = setState)]
    fn set_state(this: &Adapter, key: &str, bytes: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = commit)]
    fn commit_all(this: &Adapter, blocks: &Array, state: &Array) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = readAll)]
    fn read_all(this: &Adapter) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = close)]
    fn close_adapter(this: &Adapter) -> Result<JsValue, JsValue>;
}

const REQUIRED: [&str; 6] = ["put", "get", "has", "delete", "getState", "setState"];

/// A blockstore over a JS storage object.
///
/// ```no_run
/// # fn example(adapter: wasm_bindgen::JsValue) -> Result<(), vns::blockstore::StorageError> {
/// use vns::blockstore::JsBlockstore;
/// let store = JsBlockstore::new(adapter)?; // checks the methods exist
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct JsBlockstore {
    adapter: Adapter,
    has_list: bool,
    has_commit: bool,
    has_read_all: bool,
    has_close: bool,
}

fn is_function(object: &JsValue, name: &str) -> bool {
    Reflect::get(object, &JsValue::from_str(name)).is_ok_and(|v| v.is_instance_of::<Function>())
}

/// A JS exception or rejection as text (`Error.message` when there is one).
fn describe(error: &JsValue) -> String {
    if let Some(e) = error.dyn_ref::<js_sys::Error>() {
        return format!("{}: {}", String::from(e.name()), String::from(e.message()));
    }
    error.as_string().unwrap_or_else(|| format!("{error:?}"))
}

/// Whether a rejection means "no such key" (see the module documentation).
fn is_not_found(error: &JsValue) -> bool {
    let field =
        |name: &str| Reflect::get(error, &JsValue::from_str(name)).ok().and_then(|v| v.as_string());
    field("code").as_deref() == Some("ERR_NOT_FOUND")
        || (field("name").as_deref() == Some("NotFoundError")
            && !error.is_instance_of::<web_sys::DomException>())
}

/// Awaits an adapter call's result, whether it returned a Promise or a plain value.
async fn settle(call: Result<JsValue, JsValue>) -> Result<JsValue, JsValue> {
    JsFuture::from(Promise::resolve(&call?)).await
}

fn bytes_of(value: &JsValue) -> Option<Vec<u8>> {
    if let Some(array) = value.dyn_ref::<Uint8Array>() {
        Some(array.to_vec())
    } else {
        value.dyn_ref::<ArrayBuffer>().map(|buffer| Uint8Array::new(buffer).to_vec())
    }
}

/// A CID the adapter handed back (from `list` or `readAll`).
fn stored_cid(bytes: &[u8]) -> Result<Cid, StorageError> {
    Cid::try_from(bytes).map_err(|e| StorageError::InvalidKey {
        key: bytes.iter().map(|b| format!("{b:02x}")).collect(),
        reason: e.to_string(),
    })
}

fn cid_bytes(cid: &Cid) -> Uint8Array {
    Uint8Array::from(cid.to_bytes().as_slice())
}

fn io(operation: &str, error: &JsValue) -> StorageError {
    StorageError::io(format!("js adapter {operation}"), describe(error))
}

impl JsBlockstore {
    /// Wraps `adapter`, checking that it has every required method.
    pub fn new(adapter: JsValue) -> Result<Self, StorageError> {
        if !adapter.is_object() {
            return Err(StorageError::InvalidAdapter { reason: "not an object".into() });
        }
        if let Some(missing) = REQUIRED.iter().find(|m| !is_function(&adapter, m)) {
            return Err(StorageError::InvalidAdapter {
                reason: format!("method {missing}() is missing"),
            });
        }
        let has_list = is_function(&adapter, "list");
        let has_commit = is_function(&adapter, "commit");
        let has_read_all = is_function(&adapter, "readAll");
        let has_close = is_function(&adapter, "close");
        Ok(Self {
            adapter: adapter.unchecked_into(),
            has_list,
            has_commit,
            has_read_all,
            has_close,
        })
    }

    async fn put_all(&self, blocks: &[Block]) -> Result<(), StorageError> {
        // Puts run concurrently; the batch succeeds only when every one has.
        let pending = Array::new();
        for block in blocks {
            let call =
                self.adapter.put(&cid_bytes(&block.cid), &Uint8Array::from(block.bytes.as_slice()));
            let value = call.map_err(|e| io(&format!("put {}", block.cid), &e))?;
            pending.push(&value);
        }
        JsFuture::from(Promise::all(&pending)).await.map_err(|e| io("put", &e))?;
        Ok(())
    }

    /// One `commit` call for the whole save (the adapter applies it as one transaction).
    async fn commit_at_once(
        &self,
        blocks: &[Block],
        state: &[(String, Option<Vec<u8>>)],
    ) -> Result<(), StorageError> {
        let pairs: Array = blocks
            .iter()
            .map(|b| Array::of2(&cid_bytes(&b.cid), &Uint8Array::from(b.bytes.as_slice())))
            .collect();
        let entries: Array = state
            .iter()
            .map(|(key, value)| Array::of2(&JsValue::from_str(key), &state_value(value)))
            .collect();
        settle(self.adapter.commit_all(&pairs, &entries)).await.map_err(|e| io("commit", &e))?;
        Ok(())
    }
}

/// A state entry's value as the adapter takes it: bytes, or `undefined` to delete.
fn state_value(value: &Option<Vec<u8>>) -> JsValue {
    match value {
        Some(bytes) => Uint8Array::from(bytes.as_slice()).into(),
        None => JsValue::UNDEFINED,
    }
}

impl Blockstore for JsBlockstore {
    async fn get(&self, cid: &Cid) -> Result<Option<Vec<u8>>, StorageError> {
        match settle(self.adapter.get(&cid_bytes(cid))).await {
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(io(&format!("get {cid}"), &e)),
            Ok(v) if v.is_undefined() || v.is_null() => Ok(None),
            Ok(v) => bytes_of(&v).map(Some).ok_or_else(|| StorageError::Corrupt {
                cid: cid.to_string(),
                reason: "adapter get() returned something other than a Uint8Array".into(),
            }),
        }
    }

    async fn has(&self, cid: &Cid) -> Result<bool, StorageError> {
        let value = settle(self.adapter.has(&cid_bytes(cid)))
            .await
            .map_err(|e| io(&format!("has {cid}"), &e))?;
        Ok(value.is_truthy())
    }

    async fn put_many(&self, blocks: &[Block]) -> Result<(), StorageError> {
        self.put_all(blocks).await
    }

    async fn delete_many(&self, cids: &[Cid]) -> Result<(), StorageError> {
        for cid in cids {
            match settle(self.adapter.delete(&cid_bytes(cid))).await {
                Err(e) if !is_not_found(&e) => return Err(io(&format!("delete {cid}"), &e)),
                _ => {}
            }
        }
        Ok(())
    }

    async fn list(&self) -> Result<Vec<Cid>, StorageError> {
        if !self.has_list {
            return Err(StorageError::Unsupported {
                operation: "list (adapter has no list())".into(),
            });
        }
        let value = settle(self.adapter.list()).await.map_err(|e| io("list", &e))?;
        if !Array::is_array(&value) {
            return Err(StorageError::io("js adapter list", "list() did not return an array"));
        }
        Array::from(&value)
            .iter()
            .map(|item| {
                let bytes = bytes_of(&item).ok_or_else(|| StorageError::InvalidKey {
                    key: format!("{item:?}"),
                    reason: "list() item is not a Uint8Array".into(),
                })?;
                stored_cid(&bytes)
            })
            .collect()
    }

    async fn get_all(&self) -> Result<Option<HashMap<Cid, Vec<u8>>>, StorageError> {
        if !self.has_read_all {
            return Ok(None);
        }
        let value = settle(self.adapter.read_all()).await.map_err(|e| io("readAll", &e))?;
        if !Array::is_array(&value) {
            return Err(StorageError::io(
                "js adapter readAll",
                "readAll() did not return an array",
            ));
        }
        let mut all = HashMap::new();
        for pair in Array::from(&value).iter() {
            let pair = Array::from(&pair);
            let (key, bytes) = (bytes_of(&pair.get(0)), bytes_of(&pair.get(1)));
            let (Some(key), Some(bytes)) = (key, bytes) else {
                return Err(StorageError::io(
                    "js adapter readAll",
                    "an item is not a [Uint8Array, Uint8Array] pair",
                ));
            };
            all.insert(stored_cid(&key)?, bytes);
        }
        Ok(Some(all))
    }

    async fn close(&self) -> Result<(), StorageError> {
        if self.has_close {
            settle(self.adapter.close_adapter()).await.map_err(|e| io("close", &e))?;
        }
        Ok(())
    }

    async fn get_state(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        match settle(self.adapter.get_state(key)).await {
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(io(&format!("getState {key:?}"), &e)),
            Ok(v) if v.is_undefined() || v.is_null() => Ok(None),
            Ok(v) => bytes_of(&v).map(Some).ok_or_else(|| {
                StorageError::io(
                    format!("js adapter getState {key:?}"),
                    "returned something other than a Uint8Array",
                )
            }),
        }
    }

    async fn commit(
        &self,
        blocks: &[Block],
        state: &[(String, Option<Vec<u8>>)],
    ) -> Result<(), StorageError> {
        if self.has_commit {
            return self.commit_at_once(blocks, state).await;
        }
        self.put_all(blocks).await?;
        for (key, value) in state {
            settle(self.adapter.set_state(key, &state_value(value)))
                .await
                .map_err(|e| io(&format!("setState {key:?}"), &e))?;
        }
        Ok(())
    }
}
