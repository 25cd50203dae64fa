//! Saving and loading a namespace through any [`Blockstore`].
//!
//! State is the set of blocks reachable from one root pointer (the state key [`ROOT_KEY`]):
//! tree nodes and entry blocks. [`save`] writes only blocks created since the last save and
//! swaps the pointer last, in the same commit, so a crash leaves the old or the new state.
//! [`load`] walks from the pointer, checks every block against its CID and rebuilds the
//! namespace and owner index without re-checking signatures (this node wrote those blocks after
//! verifying them; the CIDs prove they are unchanged). [`save_and_prune`] also deletes the
//! blocks the namespace stopped referencing, without listing the store; [`collect_garbage`]
//! lists it and removes every block no longer reachable from the root. [`load_repairing`]
//! loads what a damaged store still holds, with an account of what it does not; [`Scrub`]
//! checks stored blocks against their CIDs while the node runs and writes damaged ones again.
//!
//! Saving and collecting exist once, in two phases: a synchronous prepare
//! ([`prepare_save`], [`prepare_collection`]) that takes from the namespace what to write and
//! what to delete, and an async commit ([`PendingSave::commit`],
//! [`PendingCollection::commit`]) that needs no borrow of the namespace and returns the
//! [`Leftovers`] to give back when part of it failed. The functions above are the two phases
//! back to back; the wasm node, whose namespace cannot stay borrowed across an `.await`, runs
//! them apart.
//!
//! ```
//! use vns::{blockstore::MemoryBlockstore, build, identity::Keypair, name::Name};
//! use vns::{namespace::{Limits, Namespace}, params::NetworkParams, persist};
//! # pollster::block_on(async {
//! let params = NetworkParams::testing();
//! let store = MemoryBlockstore::new();
//! let mut ns = Namespace::new(params.clone());
//! let key = Keypair::from_secret(&[4; 32]);
//! let name = Name::parse("alice").unwrap();
//! ns.register(build::register(&params, &key, &name, vec![], 1_000).unwrap(), 1_000).unwrap();
//! persist::save(&mut ns, &store, &[]).await.unwrap();
//! let mut loaded = persist::load(&store, params, Limits::default()).await.unwrap();
//! assert_eq!(loaded.merkle_root(), ns.merkle_root());
//! assert!(loaded.resolve(&name, 2_000).is_ok());
//! # });
//! ```

pub mod acceptance;
mod collect;
mod repair;
mod save;
mod scrub;

pub use collect::{collect_garbage, prepare_collection, prepare_collection_beside, reachable};
pub use collect::{Collected, PendingCollection};
pub use repair::{load_repairing, load_repairing_with, DamagedBlock, RepairReport, Repaired};
pub use save::{prepare_save, prepare_save_beside, save, save_and_prune, Beside, CommitResult};
pub use save::{Committed, LastCommit, Leftovers, PendingSave, SaveReport, StateEntry};
pub use scrub::{check_blocks, replacements, Scrub};

use std::collections::HashMap;

use cid::Cid;

use crate::block::Block;
use crate::blockstore::{get_many_verified, verified, Blockstore, StorageError};
use crate::entry::EncodedEntry;
use crate::namespace::{Limits, Namespace};
use crate::params::NetworkParams;
use crate::tree::{child_links, empty_root, Tree, TreeError};

/// Entry blocks read per batch while loading: large enough to amortise a storage round trip,
/// small enough to bound memory held in flight.
const LOAD_BATCH: usize = 4096;

/// State key of the root pointer (the CID bytes of the tree's root node).
pub const ROOT_KEY: &str = "root";

/// Why a saved namespace could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// The blockstore failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The stored tree is missing blocks or is not a valid tree.
    #[error(transparent)]
    Tree(#[from] TreeError),
    /// The saved root pointer is not a CID.
    #[error("root pointer is not a CID: {0}")]
    BadRoot(String),
    /// An entry block the tree links to is missing or not a valid entry for its key.
    #[error("entry block {cid} under {key}: {reason}")]
    BadEntry {
        /// The entry block's CID.
        cid: String,
        /// The name it is stored under.
        key: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl LoadError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            LoadError::Storage(e) => e.code(),
            LoadError::Tree(e) => e.code(),
            LoadError::BadRoot(_) => "load.bad_root",
            LoadError::BadEntry { .. } => "load.bad_entry",
        }
    }
}

/// Loads the namespace saved in `store` (an empty one if nothing was saved yet).
pub async fn load<S: Blockstore>(
    store: &S,
    params: NetworkParams,
    limits: Limits,
) -> Result<Namespace, LoadError> {
    let Some(root) = store.get_state(ROOT_KEY).await? else {
        return Ok(Namespace::with_limits(params, limits));
    };
    let root = decode_root(&root).map_err(LoadError::BadRoot)?;
    if root == empty_root() {
        return Ok(Namespace::with_limits(params, limits));
    }
    // One bulk read when the backend offers it; otherwise batched reads level by level. The
    // tree checks every node against its CID as it takes it.
    // No reservation ahead of the decoding: the wasm allocator grows memory by a quarter at a
    // time already, and a reservation of twice the blocks' bytes, on top of the blocks, was
    // the most a large load held at once (1,405 of its bytes per name at a million names).
    let mut all = store.get_all().await?;
    let (tree, leaves) = match all.as_mut() {
        Some(all) => Tree::from_fetch_with_leaves(root, |cid| all.remove(cid)),
        None => {
            let mut nodes = read_nodes(store, root).await?;
            Tree::from_fetch_with_leaves(root, |cid| nodes.remove(cid))
        }
    }
    .map_err(storage_error)?;
    let mut ns = Namespace::from_saved(params, limits, tree, Vec::new());
    for batch in leaves.chunks(LOAD_BATCH) {
        let cids: Vec<Cid> = batch.iter().map(|(_, cid)| *cid).collect();
        let mut entries = Vec::with_capacity(batch.len());
        for ((key, cid), block) in
            batch.iter().zip(fetch_verified(store, all.as_mut(), &cids).await?)
        {
            let bad = |reason: String| LoadError::BadEntry {
                cid: cid.to_string(),
                key: key.to_string(),
                reason,
            };
            let entry = EncodedEntry::decode_block(block).map_err(|e| bad(e.to_string()))?;
            if entry.name().as_str() != *key {
                return Err(bad(format!("entry is for {}", entry.name())));
            }
            entries.push(entry);
        }
        // Held batch by batch: the decoded batch and its bytes go before the next is read,
        // so the whole namespace is never held twice (see `Namespace::hold_saved`).
        ns.hold_saved(entries);
    }
    Ok(ns)
}

/// Reads the root pointer: the binary CID and nothing else, in its one encoding (minimal
/// varints, no trailing bytes), as for every other input.
fn decode_root(bytes: &[u8]) -> Result<Cid, String> {
    let root = Cid::try_from(bytes).map_err(|e| e.to_string())?;
    if root.to_bytes() != bytes {
        return Err("not the canonical CID bytes (trailing bytes or non-minimal varints)".into());
    }
    Ok(root)
}

/// The tree nodes under `root`, read one level per batch.
async fn read_nodes<S: Blockstore>(
    store: &S,
    root: Cid,
) -> Result<HashMap<Cid, Vec<u8>>, LoadError> {
    let mut blocks = HashMap::new();
    let mut level = vec![root];
    while !level.is_empty() {
        let mut next = Vec::new();
        for block in get_many_verified(store, &level).await? {
            next.extend(child_links(&block.bytes)?);
            blocks.insert(block.cid, block.bytes);
        }
        level = next;
    }
    Ok(blocks)
}

/// Nodes come from storage: a missing or corrupted node is a storage error, as for entries.
fn storage_error(e: TreeError) -> LoadError {
    match e {
        TreeError::MissingBlock { cid } => StorageError::Missing { cid: cid.to_string() }.into(),
        TreeError::CorruptBlock { cid, reason } => {
            StorageError::Corrupt { cid: cid.to_string(), reason }.into()
        }
        other => other.into(),
    }
}

/// Blocks for `cids`, each checked against its CID: taken from `all` (a bulk read) when
/// there is one, else read from the store in one batch.
async fn fetch_verified<S: Blockstore>(
    store: &S,
    all: Option<&mut HashMap<Cid, Vec<u8>>>,
    cids: &[Cid],
) -> Result<Vec<Block>, StorageError> {
    let Some(all) = all else {
        return get_many_verified(store, cids).await;
    };
    cids.iter().map(|cid| verified(cid, all.remove(cid))).collect()
}
