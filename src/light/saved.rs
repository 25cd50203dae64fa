//! The light client's cache on disk: the verified answers, most recently used first, bounded
//! by [`LightConfig::cache_bytes`](crate::light::LightConfig::cache_bytes), kept under one
//! state key of the storage (IndexedDB in a browser, the folder or memory in Node). What is
//! read back is checked again by every rule (stored bytes are not trusted more than a peer's),
//! and comes back unconfirmed: answered offline at once, marked stale after
//! [`LightConfig::stale_after_ms`](crate::light::LightConfig::stale_after_ms), and asked again
//! of the first peer that connects.

use serde::{Deserialize, Serialize};

use super::cache::Known;
use super::client::LightClient;
use super::error::LightError;
use super::verify::verify_entry_at;
use crate::block::shape::LIGHT_CACHE;
use crate::block::{from_cbor_shaped, to_cbor};
use crate::blockstore::{Blockstore, StorageError};
use crate::entry::EncodedEntry;
use crate::name::Name;
use crate::sync::Outbound;

/// The state key the cache is saved under.
pub const CACHE_KEY: &str = "light-cache";

/// The format's version.
const FORMAT_VERSION: u64 = 1;

/// The saved cache (keys in DAG-CBOR's order: shorter first).
#[derive(Debug, Serialize, Deserialize)]
struct Saved {
    v: u64,
    names: Vec<SavedName>,
}

/// One verified answer: when, for which name, and the entry (`null`: proven absent).
#[derive(Debug, Serialize, Deserialize)]
struct SavedName {
    at: u64,
    name: String,
    entry: Option<EncodedEntry>,
}

impl LightClient {
    /// The verified answers as saved bytes: most recently used first, as many as fit
    /// [`LightConfig::cache_bytes`](crate::light::LightConfig::cache_bytes).
    pub fn export_cache(&self) -> Vec<u8> {
        let mut names = Vec::new();
        let mut size = 0;
        for (name, known) in self.cache.recent_first() {
            size += known.entry.as_ref().map_or(0, |e| e.bytes().len()) + name.as_str().len();
            if size > self.config.cache_bytes {
                break;
            }
            let entry = known.entry.clone();
            names.push(SavedName { at: known.verified_at, name: name.to_string(), entry });
        }
        to_cbor(&Saved { v: FORMAT_VERSION, names }).expect("the cache always encodes")
    }

    /// Reads back what [`LightClient::export_cache`] wrote: each answer checked again by
    /// every rule at `now`, kept unconfirmed. Returns how many were restored; bytes that do
    /// not decode exactly are `light.cache_corrupt` and restore nothing (the client starts
    /// empty, as if nothing was saved); an entry that no longer passes is left out, and so is
    /// a name the client already verified since it started. Restored while peers are
    /// connected, the names are theirs to watch and confirm: see
    /// [`LightClient::watch_restored`].
    pub fn restore_cache(&mut self, bytes: &[u8], now: u64) -> Result<usize, LightError> {
        let corrupt = |reason: String| LightError::CacheCorrupt { reason };
        let saved: Saved =
            from_cbor_shaped(bytes, &LIGHT_CACHE).map_err(|e| corrupt(e.to_string()))?;
        if saved.v != FORMAT_VERSION {
            return Err(corrupt(format!("unknown format version {}", saved.v)));
        }
        let mut restored = Vec::new();
        for item in saved.names {
            let name = Name::parse(&item.name).map_err(|e| corrupt(e.to_string()))?;
            if name.as_str() != item.name {
                return Err(corrupt(format!("{:?} is not a name's canonical spelling", item.name)));
            }
            if item.entry.as_ref().is_some_and(|e| e.name() != &name) {
                return Err(corrupt(format!("the entry saved for {name} is another name's")));
            }
            restored.push((name, item));
        }
        let mut count = 0;
        // Oldest first, so that the most recently used ends up the most recent again.
        for (name, item) in restored.into_iter().rev() {
            // What a peer showed since the client started is newer than what was saved.
            if self.cache.get(&name).is_some() {
                continue;
            }
            if let Some(entry) = &item.entry {
                if verify_entry_at(&self.params, entry, now).is_err() {
                    continue;
                }
            }
            self.cache.touch(&name);
            let known = Known { entry: item.entry, verified_at: item.at, confirmed: false };
            self.cache.set(&name, known);
            count += 1;
        }
        Ok(count)
    }
}

impl LightClient {
    /// After [`LightClient::restore_cache`] on a client whose peers are already connected
    /// (the cache is read while the first peer dials): the watch list goes to every ready
    /// peer and each unconfirmed name is asked again, as a peer's `hello` would have done had
    /// it come after. Nothing without a ready peer: the first `hello` does it then.
    pub fn watch_restored(&mut self, now: u64) -> Vec<Outbound> {
        let mut out = Vec::new();
        if self.peers().is_empty() {
            return out;
        }
        self.send_watch(&mut out);
        let unconfirmed = self.unconfirmed();
        self.ask(unconfirmed, now, &mut out);
        out
    }

    /// The watched names whose answer no connected peer has confirmed, in name order.
    pub(super) fn unconfirmed(&self) -> Vec<Name> {
        let names = self.cache.names();
        names.into_iter().filter(|n| self.cache.get(n).is_some_and(|k| !k.confirmed)).collect()
    }
}

/// Reads the cache saved in `store` (nothing if none was saved), for
/// [`LightClient::restore_saved`]: the read needs no client, so it can run while the client
/// already dials its peers.
pub async fn read_cache<S: Blockstore + ?Sized>(
    store: &S,
) -> Result<Option<Vec<u8>>, StorageError> {
    store.get_state(CACHE_KEY).await
}

impl LightClient {
    /// Restores what [`read_cache`] read: a storage that could not be read is reported as
    /// `light.cache_corrupt`, like bytes that do not decode, and the client goes on without it.
    pub fn restore_saved(
        &mut self,
        saved: Result<Option<Vec<u8>>, StorageError>,
        now: u64,
    ) -> Result<usize, LightError> {
        match saved {
            Ok(Some(bytes)) => self.restore_cache(&bytes, now),
            Ok(None) => Ok(0),
            Err(e) => Err(LightError::CacheCorrupt { reason: e.to_string() }),
        }
    }
}

/// Saves `bytes` (from [`LightClient::export_cache`]) in `store`, in one commit.
pub async fn save_cache<S: Blockstore>(store: &S, bytes: Vec<u8>) -> Result<(), StorageError> {
    store.commit(&[], &[(CACHE_KEY.to_string(), Some(bytes))]).await
}
