//! Scrubbing: reading back every block the namespace's root reaches and checking it against
//! its CID, in batches, while the node runs. A damaged block (missing, or bytes that do not
//! match) is written again from memory: the running namespace holds every entry's bytes and
//! every tree node's, so nothing is lost while the process lives. A block the namespace no
//! longer reaches when its batch is checked (a save pruned it meanwhile) is skipped, never
//! written back, and a scrub never deletes anything.
//!
//! ```
//! use vns::{blockstore::{Blockstore, MemoryBlockstore}, build, identity::Keypair, name::Name};
//! use vns::{namespace::Namespace, params::NetworkParams, persist::{self, Scrub}};
//! # pollster::block_on(async {
//! let params = NetworkParams::testing();
//! let store = MemoryBlockstore::new();
//! let mut ns = Namespace::new(params.clone());
//! let (key, name) = (Keypair::from_secret(&[4; 32]), Name::parse("alice").unwrap());
//! ns.register(build::register(&params, &key, &name, vec![], 1_000).unwrap(), 1_000).unwrap();
//! persist::save(&mut ns, &store, &[]).await.unwrap();
//! store.delete_many(&[*ns.get_encoded(&name).unwrap().cid()]).await.unwrap();
//!
//! let mut scrub = Scrub::of(&mut ns);
//! let batch = scrub.next_batch(100);
//! let damaged = persist::check_blocks(&store, &batch).await.unwrap();
//! assert_eq!(damaged.len(), 1);
//! let again = persist::replacements(&mut ns, &damaged);
//! store.put_many(&again).await.unwrap();
//! assert!(persist::check_blocks(&store, &batch).await.unwrap().is_empty());
//! # });
//! ```

use cid::Cid;

use super::{reachable, DamagedBlock};
use crate::block::Block;
use crate::blockstore::{verified, Blockstore, StorageError};
use crate::namespace::Namespace;

/// One scrub pass: the blocks the root reached when it began, and how far it got.
#[derive(Debug, Default)]
pub struct Scrub {
    targets: Vec<Cid>,
    next: usize,
}

impl Scrub {
    /// A pass over every block `ns`'s current root reaches (tree nodes and entries).
    pub fn of(ns: &mut Namespace) -> Scrub {
        Scrub::of_with(ns, [])
    }

    /// A pass over every block `ns`'s current root reaches and the blocks `beside` (what is
    /// stored beside the namespace: the delta queue's chunks).
    pub fn of_with(ns: &mut Namespace, beside: impl IntoIterator<Item = Cid>) -> Scrub {
        let mut targets: Vec<Cid> = reachable(ns).into_iter().chain(beside).collect();
        targets.sort_unstable();
        targets.dedup();
        // Sorted: the order is the store's key order, which disk-backed stores read fastest.
        Scrub { targets, next: 0 }
    }

    /// The next (at most) `n` blocks to check.
    pub fn next_batch(&mut self, n: usize) -> Vec<Cid> {
        let end = (self.next + n.max(1)).min(self.targets.len());
        let batch = self.targets[self.next..end].to_vec();
        self.next = end;
        batch
    }

    /// Blocks handed out so far.
    pub fn checked(&self) -> usize {
        self.next
    }

    /// Blocks in the pass.
    pub fn total(&self) -> usize {
        self.targets.len()
    }

    /// Whether every block was handed out.
    pub fn is_done(&self) -> bool {
        self.next >= self.targets.len()
    }
}

/// Reads `cids` from `store` and checks each against its CID: the damaged ones, with why
/// (`kind` is `"block"`: a scrub does not tell nodes from entries). Fails only when the
/// store itself fails.
pub async fn check_blocks<S: Blockstore + ?Sized>(
    store: &S,
    cids: &[Cid],
) -> Result<Vec<DamagedBlock>, StorageError> {
    let found = store.get_many(cids).await?;
    Ok(cids
        .iter()
        .zip(found)
        .filter_map(|(cid, bytes)| verified(cid, bytes).err().map(|e| (cid, e)))
        .map(|(cid, e)| DamagedBlock {
            cid: cid.to_string(),
            kind: "block",
            code: e.code(),
            reason: e.to_string(),
        })
        .collect())
}

/// The blocks among `damaged` that `ns` still reaches, with their bytes from memory, to
/// write again. Blocks it no longer reaches (pruned since the pass began) are left out.
pub fn replacements(ns: &mut Namespace, damaged: &[DamagedBlock]) -> Vec<Block> {
    let wanted: std::collections::HashSet<Cid> =
        damaged.iter().filter_map(|d| crate::block::parse_cid_text(&d.cid).ok()).collect();
    if wanted.is_empty() {
        return Vec::new();
    }
    let tree = ns.tree();
    let mut blocks: Vec<Block> = wanted
        .iter()
        .filter_map(|cid| tree.block(cid).map(|bytes| Block { cid: *cid, bytes }))
        .collect();
    let leaves: Vec<String> =
        tree.iter().filter(|(_, cid)| wanted.contains(cid)).map(|(name, _)| name).collect();
    for leaf in leaves {
        let held = crate::name::Name::parse(&leaf).ok().and_then(|name| ns.get_encoded(&name));
        if let Some(entry) = held.filter(|e| wanted.contains(e.cid())) {
            blocks.push(entry.block().clone());
        }
    }
    blocks
}
