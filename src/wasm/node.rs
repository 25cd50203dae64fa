//! The `VnsNode` class: one [`SyncNode`] and its storage, driven from JS.
//!
//! Every method is synchronous except `open`, `save` and `close`. Peer methods return the
//! frames to send (`Outbound[]`); events are queued and taken with `takeEvents()`.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::args::{self, option};
use super::convert::{self, num, object};
use super::error::{busy, coded, invalid, JsResult};
use super::keys::Keys;
use super::options;
use super::storage::{collect_garbage, commit, LastCommit, Storage};
use crate::blockstore::Blockstore;
use crate::sync::{LocalChange, SyncNode};
use crate::tree::{verify_proof, Proof};

/// Default IndexedDB database name.
const DEFAULT_DB_NAME: &str = "vns";

/// A VNS node: the namespace, its peer sessions and its storage.
///
/// ```ts
/// const node = await VnsNode.open({ storage: 'memory', network: 'testing' });
/// const out = node.connect(1, Date.now()); // frames for peer 1
/// ```
#[wasm_bindgen]
pub struct VnsNode {
    pub(super) node: Rc<RefCell<SyncNode>>,
    pub(super) storage: Rc<Storage>,
    /// What the last save committed, to skip saves with nothing new.
    last_commit: Rc<LastCommit>,
    /// The account of a repairing open.
    repair: Option<crate::persist::RepairReport>,
    /// The scrub pass under way, if any.
    pub(super) scrub: Rc<RefCell<crate::persist::Scrub>>,
}

fn outbound(result: Vec<crate::sync::Outbound>) -> Array {
    convert::outbound(result)
}

/// Submits a local change and hands back what it did (`Committed`).
fn submit_local(node: &mut SyncNode, change: LocalChange<'_>, now: u64) -> JsResult<JsValue> {
    node.submit(change, now).map(convert::committed).map_err(coded)
}

#[wasm_bindgen]
impl VnsNode {
    /// Opens a node: loads what `options.storage` holds (default `"indexeddb"`, database
    /// `options.dbName` or `"vns"`; `"memory"`; or an adapter object).
    pub async fn open(
        #[wasm_bindgen(unchecked_param_type = "VnsNodeOptions | undefined")] options: JsValue,
    ) -> JsResult<VnsNode> {
        super::init();
        let settings = options::settings(&options)?;
        let kind = option(&options, "storage").unwrap_or_else(|| "indexeddb".into());
        let db_name = match option(&options, "dbName") {
            None => DEFAULT_DB_NAME.to_string(),
            Some(v) => v.as_string().ok_or_else(|| invalid("dbName", "not a string"))?,
        };
        let repair = option(&options, "repair").is_some_and(|v| v.is_truthy());
        let storage = Storage::open(&kind, &db_name).await.map_err(coded)?;
        let (params, limits, config) = (settings.params, settings.limits, settings.config);
        let (node, repair) = if repair {
            let (node, report) =
                SyncNode::load_repairing(&storage, params, limits, config).await.map_err(coded)?;
            (node, Some(report))
        } else {
            (storage.load(params, limits, config).await.map_err(coded)?, None)
        };
        Ok(VnsNode {
            node: Rc::new(RefCell::new(node)),
            storage: Rc::new(storage),
            last_commit: Default::default(),
            repair,
            scrub: Default::default(),
        })
    }

    /// What a node opened with `repair: true` found in its store (`undefined` otherwise):
    /// entries loaded, names lost, every damaged block.
    ///
    /// ```ts
    /// const node = await VnsNode.open({ storage: adapter, repair: true });
    /// console.log(node.repairReport?.lost); // names this store no longer holds
    /// ```
    #[wasm_bindgen(getter, js_name = repairReport, unchecked_return_type = "RepairReport | undefined")]
    pub fn repair_report(&self) -> JsValue {
        self.repair.as_ref().map_or(JsValue::UNDEFINED, super::upkeep::repair_report)
    }

    /// Runs `f` on the node. A re-entrant call (from a storage adapter during a wasm call)
    /// is refused with `vns.busy` instead of panicking.
    pub(super) fn with<T>(&self, f: impl FnOnce(&mut SyncNode) -> JsResult<T>) -> JsResult<T> {
        let mut node = self.node.try_borrow_mut().map_err(|_| busy())?;
        f(&mut node)
    }

    /// Proof-of-work difficulty of this node's network, in leading zero bits.
    #[wasm_bindgen(getter)]
    pub fn difficulty(&self) -> JsResult<u8> {
        self.with(|n| Ok(n.namespace().params().pow_difficulty))
    }

    /// The network id (hex): peers with different ids refuse each other.
    #[wasm_bindgen(getter, js_name = networkId)]
    pub fn network_id(&self) -> JsResult<String> {
        self.with(|n| Ok(convert::hex(&n.namespace().params().network_id())))
    }

    /// Every parameter of this node's network as the core enforces it (name, id, difficulty,
    /// periods, skew, settlement window, reserved names) and the protocol's size limits.
    ///
    /// ```ts
    /// const { registrationPeriodMs, limits } = node.network;
    /// ```
    #[wasm_bindgen(getter, unchecked_return_type = "NetworkInfo")]
    pub fn network(&self) -> JsResult<JsValue> {
        self.with(|n| Ok(convert::network(n.namespace().params())))
    }

    /// Writes what changed since the last save (blocks, root pointer, delta queue), then
    /// deletes blocks no longer reachable (every save, or in batches on IndexedDB). Resolves to
    /// `{ blocks, bytes, pruned }`, plus `pruneError` if deleting failed (the blocks are
    /// deleted by a later save; nothing saved is lost). Do not start a save before the
    /// previous one settled (the shim serialises them).
    #[wasm_bindgen(unchecked_return_type = "Promise<SaveReport>")]
    pub fn save(&self) -> Promise {
        let storage = self.storage.clone();
        let pending = self.with(|n| Ok(n.prepare_save(|ns| storage.prunes(ns))));
        let pending = match pending {
            Ok(pending) => pending,
            Err(e) => return Promise::reject(&e),
        };
        let (node, last) = (self.node.clone(), self.last_commit.clone());
        future_to_promise(async move {
            let done = commit(&storage, &node, &last, pending).await.map_err(coded)?;
            let report = object(&[
                ("blocks", num(done.blocks as u64)),
                ("bytes", num(done.bytes as u64)),
                ("pruned", num(*done.pruned.as_ref().unwrap_or(&0) as u64)),
            ]);
            if let Err(e) = done.pruned {
                js_sys::Reflect::set(&report, &"pruneError".into(), &coded(e))?;
            }
            Ok(report)
        })
    }

    /// Garbage collection on demand (the shim also runs it after sweeps that removed names):
    /// saves and prunes, then lists the store and deletes every block the saved root does not
    /// reach, such as blocks left behind by a crash. Never deletes a reachable block. Resolves
    /// to `{ removed, complete }`; `complete` is false when the storage cannot list its
    /// blocks, so only the pruning save ran. Serialise it with saves, as for `save`.
    #[wasm_bindgen(js_name = collectGarbage, unchecked_return_type = "Promise<GcReport>")]
    pub fn collect_garbage(&self) -> Promise {
        let storage = self.storage.clone();
        let (node, last) = (self.node.clone(), self.last_commit.clone());
        future_to_promise(async move {
            let (removed, complete) = collect_garbage(&storage, &node, &last).await?;
            Ok(object(&[
                ("removed", num(removed as u64)),
                ("complete", JsValue::from_bool(complete)),
            ]))
        })
    }

    /// Releases the storage (closes the IndexedDB connection). Save first.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn close(&self) -> Promise {
        let storage = self.storage.clone();
        future_to_promise(async move {
            storage.close().await.map_err(coded)?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Throws what `register` would refuse a registration of `name` by `keys` at `ts` for,
    /// except its proof-of-work: a bad name or record, a reserved or taken name, a bad
    /// timestamp, the rate limit. Call it before spending the proof-of-work.
    #[wasm_bindgen(js_name = checkRegister)]
    pub fn check_register(
        &self,
        keys: &Keys,
        name: &str,
        #[wasm_bindgen(unchecked_param_type = "RecordInput[] | undefined")] records: JsValue,
        ts: f64,
    ) -> JsResult<()> {
        let registration = args::Registration::parse(name, &records, ts)?;
        let ts = registration.ts;
        self.with(|n| {
            // Any nonce: the check leaves the proof-of-work out.
            let entry = registration.build(n.namespace().params(), &keys.key, 0)?;
            // At the time `register` will judge it (the peers' when this clock is skewed).
            n.namespace().check_register(&entry, n.judged(ts)).map_err(coded)
        })
    }

    /// Submits a registration whose proof-of-work `nonce` was found with `powSearch` for the
    /// same name, `keys.peerId` and `ts`.
    #[wasm_bindgen(unchecked_return_type = "Committed")]
    pub fn register(
        &self,
        keys: &Keys,
        name: &str,
        #[wasm_bindgen(unchecked_param_type = "RecordInput[] | undefined")] records: JsValue,
        ts: f64,
        nonce: f64,
    ) -> JsResult<JsValue> {
        let registration = args::Registration::parse(name, &records, ts)?;
        let (ts, nonce) = (registration.ts, args::uint("nonce", nonce)?);
        self.with(|n| {
            let entry = registration.build(n.namespace().params(), &keys.key, nonce)?;
            submit_local(n, entry.into(), ts)
        })
    }

    /// Replaces the records of `name` (signed by `keys`, which must own it).
    #[wasm_bindgen(unchecked_return_type = "Committed")]
    pub fn update(
        &self,
        keys: &Keys,
        name: &str,
        #[wasm_bindgen(unchecked_param_type = "RecordInput[]")] records: JsValue,
        now: f64,
    ) -> JsResult<JsValue> {
        let name = args::name(name)?;
        let records = args::records(&records)?;
        let now = args::uint("now", now)?;
        self.with(|n| submit_local(n, LocalChange::Update { key: &keys.key, name, records }, now))
    }

    /// Extends `name` by one registration period from `now`.
    #[wasm_bindgen(unchecked_return_type = "Committed")]
    pub fn renew(&self, keys: &Keys, name: &str, now: f64) -> JsResult<JsValue> {
        let name = args::name(name)?;
        let now = args::uint("now", now)?;
        self.with(|n| submit_local(n, LocalChange::Renew { key: &keys.key, name }, now))
    }

    /// Hands `name` to `newOwner` (a peer id).
    #[wasm_bindgen(unchecked_return_type = "Committed")]
    pub fn transfer(
        &self,
        keys: &Keys,
        name: &str,
        new_owner: &str,
        now: f64,
    ) -> JsResult<JsValue> {
        let name = args::name(name)?;
        let new_owner = args::owner(new_owner)?;
        let now = args::uint("now", now)?;
        self.with(|n| {
            submit_local(n, LocalChange::Transfer { key: &keys.key, name, new_owner }, now)
        })
    }

    /// Submits an entry block built by another node (a client's own node, through the HTTP
    /// API): decoded and validated like any local change, then sent to peers or queued.
    /// Throws with the code of the rule it breaks (`entry.*`, `rule.*`, `record.*`, or
    /// `store.rate_limited` past the local registration limit).
    ///
    /// ```ts
    /// const bytes = client.entryBlock('alice.vfs')!; // after client.register(...)
    /// const { name, accepted, out } = server.submit(bytes, Date.now());
    /// ```
    #[wasm_bindgen(unchecked_return_type = "Committed")]
    pub fn submit(&self, bytes: &[u8], now: f64) -> JsResult<JsValue> {
        let now = args::uint("now", now)?;
        let entry = crate::entry::EncodedEntry::decode(bytes).map_err(coded)?;
        self.with(|n| submit_local(n, entry.into(), now))
    }

    /// The current version of `name` as its DAG-CBOR entry block (ownership chain and
    /// records), or `undefined` if the store holds none. Owners build their next change on it.
    #[wasm_bindgen(js_name = entryBlock)]
    pub fn entry_block(&self, name: &str) -> JsResult<Option<Uint8Array>> {
        let name = args::name(name)?;
        self.with(|n| Ok(n.namespace().get_encoded(&name).map(|e| Uint8Array::from(e.bytes()))))
    }

    /// How many names the store holds (expired ones until the sweep removes them).
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> JsResult<u32> {
        self.with(|n| Ok(n.namespace().len() as u32))
    }

    /// Node-wide counters: entries accepted and rejected by code, traffic, sessions.
    #[wasm_bindgen(unchecked_return_type = "NodeStats")]
    pub fn stats(&self) -> JsResult<JsValue> {
        self.with(|n| Ok(convert::stats(n.counters())))
    }

    /// The records of `name` at `now`; throws `resolve.not_found`, `resolve.in_grace`, ….
    #[wasm_bindgen(unchecked_return_type = "Resolved")]
    pub fn resolve(&self, name: &str, now: f64) -> JsResult<JsValue> {
        let name = args::name(name)?;
        let now = args::uint("now", now)?;
        self.with(|n| {
            // The entry's CID (what a proof leads to) comes from the same lookup.
            let (resolved, entry) = n.namespace().resolve_with_cid(&name, now).map_err(coded)?;
            Ok(convert::resolved(&resolved, Some(entry)))
        })
    }

    /// Names held by `owner` (a peer id), in name order.
    #[wasm_bindgen(js_name = namesByOwner)]
    pub fn names_by_owner(&self, owner: &str) -> JsResult<Vec<String>> {
        let owner = args::owner(owner)?;
        self.with(|n| {
            Ok(n.namespace().names_by_owner(&owner).into_iter().map(|x| x.to_string()).collect())
        })
    }

    /// The merkle root (CID text) of the namespace.
    #[wasm_bindgen(js_name = merkleRoot)]
    pub fn merkle_root(&self) -> JsResult<String> {
        self.with(|n| Ok(n.merkle_root().to_string()))
    }

    /// A proof that `name` has its current version, or none, under the current root: the
    /// root, the CID of the name's entry block (`null` if absent) and the proof's blocks.
    #[wasm_bindgen(unchecked_return_type = "NameProof")]
    pub fn proof(&self, name: &str) -> JsResult<JsValue> {
        let name = args::name(name)?;
        self.with(|n| {
            let root = n.merkle_root().to_string();
            let namespace = n.namespace_mut();
            let proof = namespace.proof(&name);
            let entry = namespace.tree().get(name.as_str()).map(|cid| cid.to_string());
            let blocks: Array = proof.blocks.iter().map(|b| convert::bytes(b)).collect();
            Ok(object(&[
                ("root", root.into()),
                ("entry", entry.map_or(JsValue::NULL, JsValue::from)),
                ("blocks", blocks.into()),
            ]))
        })
    }

    /// Checks a proof: the CID text of the name's entry block, or `null` if the proof shows
    /// the name is absent. Throws `proof.*` if the proof is invalid for this root.
    #[wasm_bindgen(js_name = verifyProof)]
    pub fn verify_proof(
        root: &str,
        name: &str,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array[]")] blocks: JsValue,
    ) -> JsResult<Option<String>> {
        super::init();
        let root = crate::block::parse_cid_text(root).map_err(|e| invalid("root", e))?;
        let name = args::name(name)?;
        let array = blocks.dyn_ref::<Array>().ok_or_else(|| invalid("blocks", "not an array"))?;
        let blocks = array
            .iter()
            .enumerate()
            .map(|(i, b)| {
                b.dyn_ref::<Uint8Array>()
                    .map(Uint8Array::to_vec)
                    .ok_or_else(|| invalid(&format!("blocks[{i}]"), "not a Uint8Array"))
            })
            .collect::<JsResult<Vec<_>>>()?;
        let found = verify_proof(&root, name.as_str(), &Proof { blocks }).map_err(coded)?;
        Ok(found.map(|cid| cid.to_string()))
    }

    /// Size, capacity and counters of the offline delta queue.
    #[wasm_bindgen(js_name = queueStatus, unchecked_return_type = "QueueStatus")]
    pub fn queue_status(&self) -> JsResult<JsValue> {
        self.with(|n| Ok(convert::queue_status(n.queue_status())))
    }

    /// Sends the queued deltas to every connected peer now.
    #[wasm_bindgen(js_name = replayQueued, unchecked_return_type = "Outbound[]")]
    pub fn replay_queued(&self, now: f64) -> JsResult<Array> {
        let now = args::uint("now", now)?;
        self.with(|n| Ok(outbound(n.replay_queued(now))))
    }

    /// Removes names past their grace period; returns them (a `change` event each).
    #[wasm_bindgen(js_name = sweepExpired)]
    pub fn sweep_expired(&self, now: f64) -> JsResult<Vec<String>> {
        let now = args::uint("now", now)?;
        self.with(|n| Ok(n.sweep_expired(now).into_iter().map(String::from).collect()))
    }

    /// A connection to `peer` (a handle chosen by the caller) opened: returns the `Hello`.
    #[wasm_bindgen(unchecked_return_type = "Outbound[]")]
    pub fn connect(&self, peer: f64, now: f64) -> JsResult<Array> {
        let peer = args::peer(peer)?;
        let now = args::uint("now", now)?;
        self.with(|n| Ok(outbound(n.connect(peer, now))))
    }

    /// Like `connect`, for a local link (another tab of this origin running on this node):
    /// it syncs like any peer, but changes stay queued until a network peer takes them.
    #[wasm_bindgen(js_name = connectLocal, unchecked_return_type = "Outbound[]")]
    pub fn connect_local(&self, peer: f64, now: f64) -> JsResult<Array> {
        let peer = args::peer(peer)?;
        let now = args::uint("now", now)?;
        self.with(|n| Ok(outbound(n.connect_local(peer, now))))
    }

    /// A frame from `peer`. A bad frame closes only that peer (a `close` action), never throws.
    #[wasm_bindgen(unchecked_return_type = "Outbound[]")]
    pub fn receive(&self, peer: f64, bytes: &[u8], now: f64) -> JsResult<Array> {
        let peer = args::peer(peer)?;
        let now = args::uint("now", now)?;
        self.with(|n| Ok(outbound(n.receive(peer, bytes, now))))
    }

    /// The connection to `peer` closed.
    pub fn disconnect(&self, peer: f64) -> JsResult<()> {
        let peer = args::peer(peer)?;
        self.with(|n| {
            n.disconnect(peer);
            Ok(())
        })
    }

    /// The transport could not send `bytes` to `peer`: deltas in it are queued again.
    #[wasm_bindgen(js_name = sendFailed)]
    pub fn send_failed(&self, peer: f64, bytes: &[u8], now: f64) -> JsResult<()> {
        let peer = args::peer(peer)?;
        let now = args::uint("now", now)?;
        self.with(|n| {
            n.send_failed(peer, bytes, now);
            Ok(())
        })
    }

    /// Periodic sync work (every few hundred ms): announcements, catch-up, queue replay.
    #[wasm_bindgen(unchecked_return_type = "Outbound[]")]
    pub fn tick(&self, now: f64) -> JsResult<Array> {
        let now = args::uint("now", now)?;
        self.with(|n| Ok(outbound(n.tick(now))))
    }

    /// How this node's clock stands against its peers' (`clock` events report changes).
    #[wasm_bindgen(js_name = clockHealth, unchecked_return_type = "ClockHealth")]
    pub fn clock_health(&self) -> JsResult<JsValue> {
        self.with(|n| Ok(convert::clock_health(&n.clock_health())))
    }

    /// Peers whose handshake completed.
    #[wasm_bindgen(unchecked_return_type = "number[]")]
    pub fn peers(&self) -> JsResult<Array> {
        self.with(|n| Ok(n.peers().into_iter().map(num).collect()))
    }

    /// Events since the last call, oldest first. If events were dropped since the last call,
    /// the first is `events-dropped`: listeners that mirror the store (caches) must then
    /// start over.
    #[wasm_bindgen(js_name = takeEvents, unchecked_return_type = "VnsEvent[]")]
    pub fn take_events(&self) -> JsResult<Array> {
        self.with(|n| Ok(n.take_events().into_iter().map(convert::event).collect()))
    }
}
