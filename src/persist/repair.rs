//! Loading a damaged store: every intact entry that can be found, and an exact account of
//! what could not.
//!
//! [`super::load`] refuses a store with any missing or corrupt block, since a node that
//! starts on part of its state would serve it as if it were whole. [`load_repairing`] is the
//! operator's way out when blocks are damaged: it walks the tree from the root pointer as far
//! as intact nodes reach, keeps each entry block that is intact and is for the name the tree
//! files it under, and, where the store can list its blocks, also reads every stored block
//! the walk did not reach, keeping entry blocks for names it has no entry for (the newest
//! sequence number wins among several). Those are this node's own blocks, written after
//! their entries were verified and checked against their CIDs again here, so, as in
//! [`super::load`], signatures are not checked again. The namespace it returns holds those
//! entries with every block marked unsaved: its next save writes a whole, consistent tree
//! (damaged blocks that the new tree reaches are written again with their right bytes).
//!
//! A missing root pointer is not an error here: the store's blocks are scanned all the same.
//! Storage failures (I/O) are errors: a disk that cannot be read cannot be repaired from.
//!
//! ```
//! use vns::{blockstore::{Blockstore, MemoryBlockstore}, build, identity::Keypair, name::Name};
//! use vns::{namespace::{Limits, Namespace}, params::NetworkParams, persist};
//! # pollster::block_on(async {
//! let params = NetworkParams::testing();
//! let store = MemoryBlockstore::new();
//! let mut ns = Namespace::new(params.clone());
//! let key = Keypair::from_secret(&[4; 32]);
//! for label in ["alice", "bob"] {
//!     let name = Name::parse(label).unwrap();
//!     ns.register(build::register(&params, &key, &name, vec![], 1_000).unwrap(), 1_000).unwrap();
//! }
//! persist::save(&mut ns, &store, &[]).await.unwrap();
//! let bob = Name::parse("bob").unwrap();
//! store.delete_many(&[*ns.get_encoded(&bob).unwrap().cid()]).await.unwrap();
//!
//! let repaired = persist::load_repairing(&store, params, Limits::default()).await.unwrap();
//! assert_eq!(repaired.report.lost, vec!["bob.vfs".to_string()]);
//! assert_eq!(repaired.namespace.len(), 1, "alice.vfs is kept");
//! # });
//! ```

use std::collections::{BTreeMap, HashMap, HashSet};

use cid::Cid;

use super::{decode_root, ROOT_KEY};
use crate::block::Block;
use crate::blockstore::{verified, Blockstore, StorageError};
use crate::entry::EncodedEntry;
use crate::namespace::{Limits, Namespace};
use crate::params::NetworkParams;
use crate::tree::{empty_root, Node};

/// Blocks read per request while scanning a store that has no bulk read.
const SCAN_BATCH: usize = 4096;

/// One damaged block found while repairing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DamagedBlock {
    /// The block's CID (text).
    pub cid: String,
    /// What it should have held: `"node"` (a tree node), `"entry"` (an entry block),
    /// `"queue"` (a chunk of the saved delta queue) or `"root"` (the root pointer itself); a
    /// scrub, which does not tell the kinds of block apart, says `"block"`.
    pub kind: &'static str,
    /// The storage error's code: `storage.missing`, `storage.corrupt`, `load.bad_entry`, ….
    pub code: &'static str,
    /// What is wrong, in words.
    pub reason: String,
}

/// What [`load_repairing`] found and kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RepairReport {
    /// Entries loaded (from the tree and from the scan).
    pub entries: usize,
    /// Of those, entries found by the scan outside what the tree walk reached (under a
    /// damaged node, or with no root pointer at all).
    pub from_scan: usize,
    /// Of those, entries taken from the caller's own copies (the delta queue's): names the
    /// store had lost, or older versions of.
    pub from_queue: usize,
    /// Names the tree lists whose entry block is missing or damaged, and for which the scan
    /// found no other version: this node no longer holds them (peers may).
    pub lost: Vec<String>,
    /// Every damaged block met, in the order met.
    pub damaged: Vec<DamagedBlock>,
    /// Whether every stored block was read (the store can list its blocks). When it is
    /// false and a tree node was damaged, names under that node are unknown to this node.
    pub scanned: bool,
}

impl RepairReport {
    /// Whether nothing was damaged: the store loaded as [`super::load`] would load it.
    pub fn is_clean(&self) -> bool {
        self.damaged.is_empty()
    }
}

/// A namespace loaded from a damaged store, and the account of it.
#[derive(Debug)]
pub struct Repaired {
    /// The intact entries, every block unsaved (the next save writes a whole tree).
    pub namespace: Namespace,
    /// What was found.
    pub report: RepairReport,
}

/// Loads every intact entry `store` holds (see the module docs). Fails only when the store
/// itself fails.
pub async fn load_repairing<S: Blockstore>(
    store: &S,
    params: NetworkParams,
    limits: Limits,
) -> Result<Repaired, StorageError> {
    load_repairing_with(store, params, limits, Vec::new()).await
}

/// [`load_repairing`], also taking `copies`: entries this node holds elsewhere (the delta
/// queue keeps the local changes peers have not had yet). A copy fills in a name the store
/// lost, or replaces an older version of it (a higher sequence number).
pub async fn load_repairing_with<S: Blockstore>(
    store: &S,
    params: NetworkParams,
    limits: Limits,
    copies: Vec<EncodedEntry>,
) -> Result<Repaired, StorageError> {
    let mut report = RepairReport::default();
    let mut blocks = Blocks::open(store).await?;
    let root = match store.get_state(ROOT_KEY).await? {
        None => None,
        Some(bytes) => match decode_root(&bytes) {
            Ok(root) => Some(root),
            Err(reason) => {
                let cid = String::from_utf8_lossy(&bytes).into_owned();
                report.damaged.push(DamagedBlock {
                    cid,
                    kind: "root",
                    code: "load.bad_root",
                    reason,
                });
                None
            }
        },
    };
    let mut found: BTreeMap<String, EncodedEntry> = BTreeMap::new();
    let mut lost: Vec<String> = Vec::new();
    let mut level: Vec<Cid> = root.into_iter().filter(|r| *r != empty_root()).collect();
    while !level.is_empty() {
        let mut leaves = Vec::new();
        let mut next = Vec::new();
        for (cid, read) in level.iter().zip(blocks.read(store, &level).await?) {
            let node =
                read.and_then(|b| Node::decode(&b.bytes).map_err(|e| (e.code(), e.to_string())));
            match node {
                Ok(node) => {
                    next.extend(node.children());
                    leaves.extend(node.entries.into_iter().map(|leaf| (leaf.key, leaf.value)));
                }
                Err((code, reason)) => report.damaged.push(damage(cid, "node", code, reason)),
            }
        }
        let cids: Vec<Cid> = leaves.iter().map(|(_, cid)| *cid).collect();
        for ((key, cid), read) in leaves.into_iter().zip(blocks.read(store, &cids).await?) {
            match read.and_then(|b| entry_for(&key, b)) {
                Ok(entry) => {
                    found.insert(key, entry);
                }
                Err((code, reason)) => {
                    report.damaged.push(damage(&cid, "entry", code, reason));
                    lost.push(key);
                }
            }
        }
        level = next;
    }
    let walked = found.len();
    report.scanned = blocks.scan_rest(store, &mut found).await?;
    report.from_scan = found.len() - walked;
    for copy in copies {
        if found.get(copy.name().as_str()).is_none_or(|held| held.seq() < copy.seq()) {
            report.from_queue += 1;
            found.insert(copy.name().as_str().to_string(), copy);
        }
    }
    lost.retain(|name| !found.contains_key(name));
    // Equal names are the same text: an unstable sort gives the same list.
    lost.sort_unstable();
    report.lost = lost;
    report.entries = found.len();
    let namespace = Namespace::restored(params, limits, found.into_values().collect());
    Ok(Repaired { namespace, report })
}

/// A damaged block's account.
fn damage(cid: &Cid, kind: &'static str, code: &'static str, reason: String) -> DamagedBlock {
    DamagedBlock { cid: cid.to_string(), kind, code, reason }
}

/// Why a read block cannot be used: a code and words.
type Unusable = (&'static str, String);

/// The entry in `block`, if it is a valid entry block for `key`.
fn entry_for(key: &str, block: Block) -> Result<EncodedEntry, Unusable> {
    let entry = EncodedEntry::decode_block(block).map_err(|e| ("load.bad_entry", e.to_string()))?;
    if entry.name().as_str() != key {
        return Err((
            "load.bad_entry",
            format!("entry is for {}, filed under {key}", entry.name()),
        ));
    }
    Ok(entry)
}

/// The store's blocks as the repair reads them: from one bulk read when the store offers it
/// (what the walk takes is removed, so the rest is what it did not reach), else by batches.
struct Blocks {
    all: Option<HashMap<Cid, Vec<u8>>>,
    /// Blocks the walk read, for a store without a bulk read (the scan skips them).
    seen: HashSet<Cid>,
}

impl Blocks {
    async fn open<S: Blockstore>(store: &S) -> Result<Blocks, StorageError> {
        Ok(Blocks { all: store.get_all().await?, seen: HashSet::new() })
    }

    /// `cids`, each verified: the block, or why it cannot be used.
    async fn read<S: Blockstore>(
        &mut self,
        store: &S,
        cids: &[Cid],
    ) -> Result<Vec<Result<Block, Unusable>>, StorageError> {
        let found = match self.all.as_mut() {
            Some(all) => cids.iter().map(|cid| all.remove(cid)).collect(),
            None => {
                self.seen.extend(cids.iter().copied());
                store.get_many(cids).await?
            }
        };
        Ok(cids.iter().zip(found).map(|(cid, bytes)| usable(cid, bytes)).collect())
    }

    /// Reads every block the walk did not reach and adds the entry blocks among them for
    /// names not in `found` (the highest sequence number wins). Returns whether the store
    /// could be listed.
    async fn scan_rest<S: Blockstore>(
        &mut self,
        store: &S,
        found: &mut BTreeMap<String, EncodedEntry>,
    ) -> Result<bool, StorageError> {
        let walked: HashSet<String> = found.keys().cloned().collect();
        let mut keep = |block: Block| {
            let Ok(entry) = EncodedEntry::decode_block(block) else { return };
            let name = entry.name().as_str();
            if walked.contains(name) {
                return;
            }
            match found.get(name) {
                Some(held) if held.seq() >= entry.seq() => {}
                _ => {
                    found.insert(name.to_string(), entry);
                }
            }
        };
        if let Some(all) = self.all.take() {
            for (cid, bytes) in all {
                if let Ok(block) = verified(&cid, Some(bytes)) {
                    keep(block);
                }
            }
            return Ok(true);
        }
        let listed = match store.list().await {
            Ok(listed) => listed,
            Err(StorageError::Unsupported { .. }) => return Ok(false),
            Err(e) => return Err(e),
        };
        let rest: Vec<Cid> = listed.into_iter().filter(|cid| !self.seen.contains(cid)).collect();
        for batch in rest.chunks(SCAN_BATCH) {
            for (cid, bytes) in batch.iter().zip(store.get_many(batch).await?) {
                if let Ok(block) = verified(cid, bytes) {
                    keep(block);
                }
            }
        }
        Ok(true)
    }
}

/// A read block checked against its CID.
fn usable(cid: &Cid, bytes: Option<Vec<u8>>) -> Result<Block, Unusable> {
    verified(cid, bytes).map_err(|e| (e.code(), e.to_string()))
}
