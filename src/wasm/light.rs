//! The `VnsLight` class: one [`LightClient`] driven from JS. Every method is synchronous;
//! peer methods return the frames to send (`Outbound[]`), events are taken with
//! `takeEvents()`.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::args;
use super::args::option;
use super::convert::{self, num, object};
use super::error::{busy, coded, JsResult};
use super::keys::Keys;
use super::options;
use super::storage::Storage;
use crate::blockstore::{Blockstore, StorageError};
use crate::entry::EncodedEntry;
use crate::light::{
    read_cache, rehearse_lookup, save_cache, Answer, LightClient, LightConfig, LightEvent, Started,
};
use crate::namespace::Resolved;
use crate::sync::LocalChange;

#[wasm_bindgen(typescript_custom_section)]
const LIGHT_TYPES: &'static str = r#"
/** Where a lookup stands: `ready` (read `answer` now), or the frames that ask the peers. */
export interface LightLookup { ready: boolean; out: Outbound[] }
/** A verified answer: `stale` when no connected peer has watched the name since it was verified. */
export interface LightResolved extends Resolved { stale: boolean; verifiedAt: number }
/** Frames and bytes over every session of a light client. */
export interface LightTraffic { framesIn: number; bytesIn: number; framesOut: number; bytesOut: number }
/** Events of a light client. */
export type LightEventObject =
  | { type: "answered"; name: string }
  | { type: "change"; name: string }
  | { type: "peer-connected"; peer: number }
  | { type: "peer-disconnected"; peer: number; code: string | null }
  | { type: "peer-fault"; peer: number; name: string; code: string; message: string };
"#;

/// A light client: no replica, answers verified against its peers' roots.
///
/// ```ts
/// const light = new VnsLight({ network: 'testing' });
/// const out = light.connect(1, Date.now()); // the light_hello for peer 1
/// ```
#[wasm_bindgen]
pub struct VnsLight {
    client: RefCell<LightClient>,
    /// Where the verified answers are saved (`restore`), if anywhere.
    storage: RefCell<Option<Rc<Storage>>>,
    /// Why the saved cache could not be read at `restore`, if it could not.
    cache_error: RefCell<Option<JsValue>>,
}

/// A light client's storage, opened, with what was saved in it (read, not yet checked): the
/// value of [`VnsLight::open_storage`], taken by [`VnsLight::restore`].
#[wasm_bindgen]
pub struct LightStorage {
    storage: Rc<Storage>,
    saved: Result<Option<Vec<u8>>, StorageError>,
}

/// Default IndexedDB database of a light client's cache.
const DEFAULT_DB_NAME: &str = "vns-light";

/// The light client's tunables from `options`: `staleAfterMs`, `cacheBytes`, `watchCapacity`.
fn light_config(options: &JsValue) -> JsResult<LightConfig> {
    let mut config = LightConfig::default();
    if let Some(ms) = args::option_uint(options, "staleAfterMs")? {
        config.stale_after_ms = ms;
    }
    if let Some(bytes) = args::option_uint(options, "cacheBytes")? {
        config.cache_bytes = bytes as usize;
    }
    if let Some(names) = args::option_uint(options, "watchCapacity")? {
        config.watch_capacity = names as usize;
    }
    Ok(config)
}

#[wasm_bindgen]
impl VnsLight {
    /// A light client on the network `options` name (the same network options as `VnsNode`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "VnsNodeOptions | undefined")] options: JsValue,
    ) -> JsResult<VnsLight> {
        super::init();
        let settings = options::settings(&options)?;
        let client = LightClient::new(settings.params, light_config(&options)?);
        Ok(VnsLight {
            client: RefCell::new(client),
            storage: RefCell::default(),
            cache_error: RefCell::default(),
        })
    }

    /// Opens the storage `options.storage` names (`"memory"`, `"indexeddb"` with database
    /// `options.dbName` or `"vns-light"`, or an adapter object) and reads the verified
    /// answers saved there, for [`VnsLight::restore`]. It holds no client, so the read runs
    /// while the client already dials its peers.
    ///
    /// ```ts
    /// const light = new VnsLight({ network: 'testing' });
    /// const saved = VnsLight.openStorage({ storage: 'indexeddb' }); // reading…
    /// light.restore(await saved, Date.now()); // the frames to send, if a peer is ready
    /// ```
    #[wasm_bindgen(js_name = openStorage)]
    pub async fn open_storage(
        #[wasm_bindgen(unchecked_param_type = "VnsNodeOptions | undefined")] options: JsValue,
    ) -> JsResult<LightStorage> {
        super::init();
        let kind = option(&options, "storage").unwrap_or_else(|| "memory".into());
        let db_name = match option(&options, "dbName") {
            None => DEFAULT_DB_NAME.to_string(),
            Some(v) => {
                v.as_string().ok_or_else(|| super::error::invalid("dbName", "not a string"))?
            }
        };
        let storage = Storage::open(&kind, &db_name).await.map_err(coded)?;
        let saved = read_cache(&storage).await;
        Ok(LightStorage { storage: Rc::new(storage), saved })
    }

    /// Takes the storage [`VnsLight::open_storage`] opened: its saved answers are restored,
    /// checked again by every rule, unconfirmed (they answer at once, offline too), and from
    /// then on saved there. A saved cache that cannot be read is left out (`cacheError` says
    /// why). Returns the frames that put the restored names on the ready peers' watch lists
    /// and ask them again (none before a peer's `hello`, which does it then).
    #[wasm_bindgen(unchecked_return_type = "Outbound[]")]
    pub fn restore(&self, storage: LightStorage, now: f64) -> JsResult<Array> {
        let now = args::uint("now", now)?;
        let LightStorage { storage, saved } = storage;
        let restored = self.with(|c| {
            let restored = c.restore_saved(saved, now);
            Ok((restored, c.watch_restored(now)))
        });
        let (restored, out) = restored?;
        *self.cache_error.borrow_mut() = restored.err().map(coded);
        *self.storage.borrow_mut() = Some(storage);
        Ok(convert::outbound(out))
    }

    /// Runs one lookup on a throwaway client against a node's recorded frames, so that the
    /// code a first answer runs is compiled before it comes (engines may compile wasm
    /// functions on their first call); call it while waiting for the storage and the first
    /// peer. Returns whether the rehearsal verified its answer. Nothing of this client is
    /// touched.
    pub fn rehearse(&self, now: f64) -> JsResult<bool> {
        Ok(rehearse_lookup(args::uint("now", now)?))
    }

    /// Why the saved cache could not be read at `restore` (a `light.cache_corrupt` error), or
    /// `undefined`.
    #[wasm_bindgen(getter, js_name = cacheError)]
    pub fn cache_error(&self) -> JsValue {
        self.cache_error.borrow().clone().unwrap_or(JsValue::UNDEFINED)
    }

    /// Saves the verified answers (bounded by `cacheBytes`) to the storage of `restore`;
    /// nothing without one.
    pub fn save(&self) -> JsResult<Promise> {
        let bytes = self.with(|c| Ok(c.export_cache()))?;
        let storage = self.storage.borrow().clone();
        Ok(future_to_promise(async move {
            if let Some(storage) = storage {
                save_cache(storage.as_ref(), bytes).await.map_err(coded)?;
            }
            Ok(JsValue::UNDEFINED)
        }))
    }

    /// Releases the storage (after a last `save`).
    #[wasm_bindgen(js_name = closeStorage)]
    pub fn close_storage(&self) -> Promise {
        let storage = self.storage.borrow().clone();
        future_to_promise(async move {
            if let Some(storage) = storage {
                storage.close().await.map_err(coded)?;
            }
            Ok(JsValue::UNDEFINED)
        })
    }

    pub(super) fn with<T>(&self, f: impl FnOnce(&mut LightClient) -> JsResult<T>) -> JsResult<T> {
        let mut client = self.client.try_borrow_mut().map_err(|_| busy())?;
        f(&mut client)
    }

    /// The network's parameters, as `VnsNode.network` gives them.
    #[wasm_bindgen(getter, unchecked_return_type = "NetworkInfo")]
    pub fn network(&self) -> JsResult<JsValue> {
        self.with(|c| Ok(convert::network(c.params())))
    }

    /// A connection to a full node opened: returns the `light_hello`.
    #[wasm_bindgen(unchecked_return_type = "Outbound[]")]
    pub fn connect(&self, peer: f64, now: f64) -> JsResult<Array> {
        let (peer, now) = (args::peer(peer)?, args::uint("now", now)?);
        self.with(|c| Ok(convert::outbound(c.connect(peer, now))))
    }

    /// A frame from `peer`. A bad frame closes only that peer (a `close` action), never throws.
    #[wasm_bindgen(unchecked_return_type = "Outbound[]")]
    pub fn receive(&self, peer: f64, bytes: &[u8], now: f64) -> JsResult<Array> {
        let (peer, now) = (args::peer(peer)?, args::uint("now", now)?);
        self.with(|c| Ok(convert::outbound(c.receive(peer, bytes, now))))
    }

    /// The connection to `peer` closed.
    pub fn disconnect(&self, peer: f64, now: f64) -> JsResult<()> {
        let (peer, now) = (args::peer(peer)?, args::uint("now", now)?);
        self.with(|c| {
            c.disconnect(peer, now);
            Ok(())
        })
    }

    /// Periodic work (every few hundred ms): handshake retries, lookup timeouts.
    #[wasm_bindgen(unchecked_return_type = "Outbound[]")]
    pub fn tick(&self, now: f64) -> JsResult<Array> {
        let now = args::uint("now", now)?;
        self.with(|c| Ok(convert::outbound(c.tick(now))))
    }

    /// Starts a lookup: `{ ready: true, out: [] }` when `answer` can be read now, else the
    /// frames asking the peers (an `answered` event follows). Throws `resolve.offline` with
    /// nothing cached and no peer, `resolve.reserved`, or a name's own error.
    #[wasm_bindgen(unchecked_return_type = "LightLookup")]
    pub fn lookup(&self, name: &str, now: f64) -> JsResult<JsValue> {
        let (name, now) = (args::name(name)?, args::uint("now", now)?);
        self.with(|c| {
            let (ready, out) = match c.lookup(&name, now).map_err(coded)? {
                Started::Ready => (true, Vec::new()),
                Started::Asked(out) => (false, out),
            };
            Ok(object(&[("ready", ready.into()), ("out", convert::outbound(out).into())]))
        })
    }

    /// The verified answer (`Resolved` with `stale` and `verifiedAt`), or the coded error.
    #[wasm_bindgen(unchecked_return_type = "LightResolved")]
    pub fn answer(&self, name: &str, now: f64) -> JsResult<JsValue> {
        let (name, now) = (args::name(name)?, args::uint("now", now)?);
        self.with(|c| Ok(resolved(c.answer(&name, now).map_err(coded)?)))
    }

    /// Throws what a registration of `name` by `keys` at `ts` would be refused for against
    /// the version verified here, except its proof-of-work (look the name up first).
    #[wasm_bindgen(js_name = checkRegister)]
    pub fn check_register(
        &self,
        keys: &Keys,
        name: &str,
        #[wasm_bindgen(unchecked_param_type = "RecordInput[] | undefined")] records: JsValue,
        ts: f64,
    ) -> JsResult<()> {
        let registration = args::Registration::parse(name, &records, ts)?;
        self.with(|c| {
            let ts = registration.ts;
            // Any nonce: the check leaves the proof-of-work out.
            c.check_register(&registration.build(c.params(), &keys.key, 0)?, ts).map_err(coded)
        })
    }

    /// Sends a registration whose proof-of-work `nonce` was found with `powSearch`; the
    /// outcome is read with `committed` after the name's `answered` event.
    #[wasm_bindgen(unchecked_return_type = "Outbound[]")]
    pub fn register(
        &self,
        keys: &Keys,
        name: &str,
        #[wasm_bindgen(unchecked_param_type = "RecordInput[] | undefined")] records: JsValue,
        ts: f64,
        nonce: f64,
    ) -> JsResult<Array> {
        let (registration, nonce) =
            (args::Registration::parse(name, &records, ts)?, args::uint("nonce", nonce)?);
        self.with(|c| {
            let ts = registration.ts;
            change(c, registration.build(c.params(), &keys.key, nonce)?.into(), ts)
        })
    }

    /// Sends an update of `name`'s records, built on its verified version.
    #[wasm_bindgen(unchecked_return_type = "Outbound[]")]
    pub fn update(
        &self,
        keys: &Keys,
        name: &str,
        #[wasm_bindgen(unchecked_param_type = "RecordInput[]")] records: JsValue,
        now: f64,
    ) -> JsResult<Array> {
        let (name, records, now) =
            (args::name(name)?, args::records(&records)?, args::uint("now", now)?);
        self.with(|c| change(c, LocalChange::Update { key: &keys.key, name, records }, now))
    }

    /// Sends a renewal of `name`, built on its verified version.
    #[wasm_bindgen(unchecked_return_type = "Outbound[]")]
    pub fn renew(&self, keys: &Keys, name: &str, now: f64) -> JsResult<Array> {
        let (name, now) = (args::name(name)?, args::uint("now", now)?);
        self.with(|c| change(c, LocalChange::Renew { key: &keys.key, name }, now))
    }

    /// Sends a transfer of `name` to `newOwner` (a peer id), built on its verified version.
    #[wasm_bindgen(unchecked_return_type = "Outbound[]")]
    pub fn transfer(&self, keys: &Keys, name: &str, new_owner: &str, now: f64) -> JsResult<Array> {
        let (name, new_owner) = (args::name(name)?, args::owner(new_owner)?);
        let now = args::uint("now", now)?;
        self.with(|c| change(c, LocalChange::Transfer { key: &keys.key, name, new_owner }, now))
    }

    /// The outcome of the last change of `name` once its `answered` event came: the verified
    /// answer holding it, or the coded refusal (`light.not_accepted`, `light.no_answer`).
    #[wasm_bindgen(unchecked_return_type = "LightResolved")]
    pub fn committed(&self, name: &str, now: f64) -> JsResult<JsValue> {
        let (name, now) = (args::name(name)?, args::uint("now", now)?);
        self.with(|c| Ok(resolved(c.committed(&name, now).map_err(coded)?)))
    }

    /// A signed entry block (from an owner's client): checked, then sent to every peer.
    #[wasm_bindgen(unchecked_return_type = "Outbound[]")]
    pub fn submit(&self, bytes: &[u8], now: f64) -> JsResult<Array> {
        let now = args::uint("now", now)?;
        let entry = EncodedEntry::decode(bytes).map_err(coded)?;
        self.with(|c| Ok(convert::outbound(c.submit(entry, now).map_err(coded)?)))
    }

    /// Peers whose `hello` arrived.
    #[wasm_bindgen(unchecked_return_type = "number[]")]
    pub fn peers(&self) -> JsResult<Array> {
        self.with(|c| Ok(c.peers().into_iter().map(num).collect()))
    }

    /// The watched names, in name order.
    pub fn watched(&self) -> JsResult<Vec<String>> {
        self.with(|c| Ok(c.watched().into_iter().map(String::from).collect()))
    }

    /// Frames and bytes in and out over every session: `{ framesIn, bytesIn, framesOut,
    /// bytesOut }`.
    #[wasm_bindgen(unchecked_return_type = "LightTraffic")]
    pub fn traffic(&self) -> JsResult<JsValue> {
        self.with(|c| {
            let t = c.totals();
            Ok(object(&[
                ("framesIn", num(t.frames_in)),
                ("bytesIn", num(t.bytes_in)),
                ("framesOut", num(t.frames_out)),
                ("bytesOut", num(t.bytes_out)),
            ]))
        })
    }

    /// Events since the last call, oldest first.
    #[wasm_bindgen(js_name = takeEvents, unchecked_return_type = "LightEventObject[]")]
    pub fn take_events(&self) -> JsResult<Array> {
        self.with(|c| Ok(c.take_events().into_iter().map(event).collect()))
    }
}

/// Makes an owner's change on `client`: the frames that send it and ask for it again.
fn change(client: &mut LightClient, change: LocalChange<'_>, now: u64) -> JsResult<Array> {
    Ok(convert::outbound(client.change(change, now).map_err(coded)?))
}

/// `Resolved` with `stale` and `verifiedAt` for one verified answer.
fn resolved(answer: Answer<'_>) -> JsValue {
    let entry = answer.entry;
    let resolved = Resolved {
        name: entry.name(),
        records: &entry.records,
        owner: entry.owner(),
        expires: entry.expires(),
        seq: entry.seq(),
    };
    let value = convert::resolved(&resolved, Some(*entry.cid()));
    let _ = Reflect::set(&value, &"stale".into(), &answer.stale.into());
    let _ = Reflect::set(&value, &"verifiedAt".into(), &num(answer.verified_at));
    value
}

/// `{ type, … }` for one [`LightEvent`].
fn event(e: LightEvent) -> JsValue {
    match e {
        LightEvent::Answered { name } => {
            object(&[("type", "answered".into()), ("name", String::from(name).into())])
        }
        LightEvent::Change { name } => {
            object(&[("type", "change".into()), ("name", String::from(name).into())])
        }
        LightEvent::Peer(change) => convert::peer_change(change),
        LightEvent::PeerFault { peer, name, code, message } => object(&[
            ("type", "peer-fault".into()),
            ("peer", num(peer)),
            ("name", String::from(name).into()),
            ("code", code.into()),
            ("message", message.into()),
        ]),
    }
}
