//! Garbage collection, in the same two phases as a save: [`prepare_collection`] takes a pruning
//! save and the set of blocks its root reaches, synchronously; [`PendingCollection::commit`]
//! commits the save, lists the store and deletes what the root does not reach. The live set
//! is taken in the same synchronous step as the save, so it is exactly what the committed root
//! reaches, whatever changes the namespace takes while the collection awaits.

use std::collections::HashSet;

use cid::Cid;

use super::save::StateEntry;
use super::save::{delete, prepare_save_beside, Beside, LastCommit, Leftovers, PendingSave};
use crate::blockstore::{Blockstore, StorageError};
use crate::namespace::Namespace;

/// Every block reachable from the namespace's current root: tree nodes and entries.
pub fn reachable(ns: &mut Namespace) -> HashSet<Cid> {
    let tree = ns.tree();
    tree.reachable_cids().chain(tree.iter().map(|(_, cid)| cid)).collect()
}

/// A collection taken from a namespace by [`prepare_collection`].
#[derive(Debug)]
#[must_use = "a pending collection does nothing until it is committed"]
pub struct PendingCollection {
    save: PendingSave,
    live: HashSet<Cid>,
}

/// What a collection deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Collected {
    /// Blocks deleted.
    pub removed: usize,
    /// Whether the store was listed, so every unreachable block is gone. `false` when the
    /// store cannot list its blocks: only the blocks the namespace knew it had dropped were
    /// deleted (what a pruning save deletes).
    pub complete: bool,
}

/// Takes a pruning save of `ns` with `state` (see [`super::prepare_save`]) and the blocks
/// its root reaches, synchronously.
pub fn prepare_collection(ns: &mut Namespace, state: &[StateEntry]) -> PendingCollection {
    prepare_collection_beside(ns, Beside::state(state))
}

/// [`prepare_collection`] with what `beside` writes (see [`prepare_save_beside`]): its live
/// blocks are part of the live set, so the collection keeps them.
pub fn prepare_collection_beside(ns: &mut Namespace, beside: Beside) -> PendingCollection {
    let mut live = beside.live.clone();
    let save = prepare_save_beside(ns, beside, |_| true);
    live.extend(reachable(ns));
    PendingCollection { save, live }
}

impl PendingCollection {
    /// Commits the save, then deletes every listed block the saved root does not reach (the
    /// save's own garbage among them), or, when the store cannot list, the save's garbage
    /// alone. A block the saved root needs is never deleted, so a crash during collection
    /// loses nothing. Returns the outcome and what the namespace must take back (see
    /// [`Leftovers::give_back`]). Run no save while it awaits: a block such a save wrote is
    /// outside the live set.
    pub async fn commit<S: Blockstore + ?Sized>(
        self,
        store: &S,
        last: &LastCommit,
    ) -> (Result<Collected, StorageError>, Leftovers) {
        let live = self.live;
        let dropped = match self.save.write_only(store, last).await {
            Ok(dropped) => dropped,
            Err((e, leftovers)) => return (Err(e), leftovers),
        };
        let (doomed, complete) = match store.list().await {
            Ok(listed) => (listed.into_iter().filter(|cid| !live.contains(cid)).collect(), true),
            Err(StorageError::Unsupported { .. }) => (dropped.clone(), false),
            Err(e) => return (Err(e), Leftovers { dropped, ..Leftovers::default() }),
        };
        match delete(store, &doomed).await {
            Ok(removed) => (Ok(Collected { removed, complete }), Leftovers::default()),
            Err(e) => (Err(e), Leftovers { dropped, ..Leftovers::default() }),
        }
    }
}

/// Mark and sweep: saves pending changes (so the stored root is the in-memory root), then
/// deletes every stored block not reachable from it. A block the stored root needs is never
/// removed, so a crash during collection loses nothing. Returns how many blocks were removed;
/// a store that cannot list its blocks is [`StorageError::Unsupported`] (after the save and
/// the deletion of the blocks the namespace knew it had dropped).
pub async fn collect_garbage<S: Blockstore + ?Sized>(
    ns: &mut Namespace,
    store: &S,
) -> Result<usize, StorageError> {
    let (outcome, leftovers) =
        prepare_collection(ns, &[]).commit(store, &LastCommit::default()).await;
    leftovers.give_back(ns);
    match outcome? {
        Collected { removed, complete: true } => Ok(removed),
        Collected { complete: false, .. } => {
            Err(StorageError::Unsupported { operation: "list (garbage collection)".into() })
        }
    }
}
