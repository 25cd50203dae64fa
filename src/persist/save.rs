//! Saving in two phases: [`prepare_save`] takes from the namespace, synchronously, what to write
//! and what to delete; [`PendingSave::commit`] writes and deletes without the namespace and
//! hands back, as [`Leftovers`], whatever the namespace must take back because part of it
//! failed. A caller that cannot hold a borrow of the namespace across an `.await` (the wasm
//! node lives in a `RefCell`) saves through the same code as everyone else: it borrows for
//! the prepare, awaits the commit with no borrow held, and borrows again to give the leftovers
//! back. [`save`] and [`save_and_prune`] are the two phases back to back.
//!
//! ```
//! use vns::{blockstore::MemoryBlockstore, build, identity::Keypair, name::Name};
//! use vns::{namespace::Namespace, params::NetworkParams, persist};
//! # pollster::block_on(async {
//! let params = NetworkParams::testing();
//! let (key, name) = (Keypair::from_secret(&[4; 32]), Name::parse("alice").unwrap());
//! let mut ns = Namespace::new(params.clone());
//! ns.register(build::register(&params, &key, &name, vec![], 1_000).unwrap(), 1_000).unwrap();
//! let store = MemoryBlockstore::new();
//! let last = persist::LastCommit::default();
//! let pending = persist::prepare_save(&mut ns, &[], |_| true);
//! // No borrow of `ns` is needed from here until the leftovers go back.
//! let done = pending.commit(&store, &last).await;
//! done.leftovers.give_back(&mut ns);
//! assert_eq!(done.outcome.unwrap().blocks, 2, "the entry and the root node");
//! // The same state again: nothing to write, so the store is not touched.
//! let again = persist::prepare_save(&mut ns, &[], |_| true).commit(&store, &last).await;
//! assert_eq!(again.outcome.unwrap().blocks, 0);
//! # });
//! ```

use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};

use cid::Cid;

use super::ROOT_KEY;
use crate::block::Block;
use crate::blockstore::{Blockstore, StorageError};
use crate::namespace::Namespace;

/// State entries written with a commit: key and bytes (`None` deletes the entry).
pub type StateEntry = (String, Option<Vec<u8>>);

/// What a save wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SaveReport {
    /// Blocks written.
    pub blocks: usize,
    /// Bytes of those blocks.
    pub bytes: usize,
}

/// What a save writes beside the namespace's own blocks, for another structure kept in the same
/// store and committed with the root pointer (the delta queue's chunks and record): its new
/// blocks and state entries, the blocks it stopped referencing, and every block it references.
#[derive(Debug, Default)]
pub struct Beside {
    /// Blocks to write with this save.
    pub blocks: Vec<Block>,
    /// State entries to write with this save, after the root pointer.
    pub state: Vec<StateEntry>,
    /// Blocks no longer referenced: deleted with the namespace's garbage, by this save if it
    /// prunes, else by the next one that does.
    pub garbage: Vec<Cid>,
    /// Every block referenced now: never deleted by a prune or a collection, whatever else
    /// listed it as garbage.
    pub live: HashSet<Cid>,
}

impl Beside {
    /// Nothing but `state` (e.g. a caller's own state entries).
    pub fn state(state: &[StateEntry]) -> Beside {
        Beside { state: state.to_vec(), ..Beside::default() }
    }
}

/// One save taken from a namespace by [`prepare_save`]: the blocks created since the last save,
/// the state entries (the root pointer first), and, for a pruning save, the blocks to delete
/// once the new state is committed. Until [`PendingSave::commit`] says otherwise, the namespace
/// treats these blocks as saved and the dropped ones as deleted.
#[derive(Debug)]
#[must_use = "a pending save does nothing until it is committed"]
pub struct PendingSave {
    blocks: Vec<Block>,
    /// How many of `blocks`, from the first, are the namespace's (the rest are [`Beside`]).
    own: usize,
    state: Vec<StateEntry>,
    /// `Some` for a pruning save (possibly empty).
    dropped: Option<Vec<Cid>>,
}

/// Takes a save from `ns`, synchronously: the blocks to write, the root pointer plus `state`
/// (e.g. the persisted delta queue), and, if `prune` says so once the blocks are taken, the
/// blocks the namespace stopped referencing. `prune` sees the namespace after this save's own
/// garbage is counted, so a store that prunes in batches can decide on the total.
pub fn prepare_save(
    ns: &mut Namespace,
    state: &[StateEntry],
    prune: impl FnOnce(&Namespace) -> bool,
) -> PendingSave {
    prepare_save_beside(ns, Beside::state(state), prune)
}

/// [`prepare_save`] with what `beside` writes: its blocks after the namespace's, its state
/// after the root pointer, its garbage deleted with the namespace's (now, or by a later
/// pruning save), and its live blocks kept out of any deletion.
pub fn prepare_save_beside(
    ns: &mut Namespace,
    beside: Beside,
    prune: impl FnOnce(&Namespace) -> bool,
) -> PendingSave {
    let root = ns.merkle_root();
    let mut blocks = ns.take_unsaved_blocks();
    let own = blocks.len();
    blocks.extend(beside.blocks);
    let mut state = vec![(ROOT_KEY.to_string(), Some(root.to_bytes()))];
    state.extend(beside.state);
    // Kept with the namespace's garbage, so a save that does not prune leaves it for one
    // that does.
    ns.dropped_again(beside.garbage);
    // After the blocks are taken: a dropped block needed again left the set then.
    let dropped = prune(ns).then(|| {
        let mut dropped = ns.take_dropped();
        dropped.retain(|cid| !beside.live.contains(cid));
        dropped
    });
    PendingSave { blocks, own, state, dropped }
}

/// What a commit did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    /// Blocks written.
    pub blocks: usize,
    /// Bytes of those blocks.
    pub bytes: usize,
    /// Blocks deleted after the commit (0 for a save that does not prune), or why deleting
    /// failed: the new state is committed all the same, and a later prune retries them.
    pub pruned: Result<usize, StorageError>,
}

impl Committed {
    /// What was written, as [`save`] reports it.
    pub fn report(&self) -> SaveReport {
        SaveReport { blocks: self.blocks, bytes: self.bytes }
    }
}

/// The outcome of [`PendingSave::commit`], and what the namespace must take back.
#[derive(Debug)]
#[must_use = "the leftovers must go back to the namespace"]
pub struct CommitResult {
    /// What was committed, or why the commit failed (the store then holds the previous state).
    pub outcome: Result<Committed, StorageError>,
    /// Blocks to write and blocks to delete on a later save: give them back with
    /// [`Leftovers::give_back`] whatever the outcome.
    pub leftovers: Leftovers,
}

/// What a failed (or partly failed) commit returns to the namespace: blocks it did not write
/// and dropped blocks it did not delete. Empty after a full success.
#[derive(Debug, Default)]
#[must_use = "the leftovers must go back to the namespace"]
pub struct Leftovers {
    pub(super) blocks: Vec<Block>,
    pub(super) dropped: Vec<Cid>,
    /// After a failed commit: the CIDs of the [`Beside`] blocks it was to write (some may
    /// be stored); `None` when the commit succeeded.
    pub(super) beside: Option<Vec<Cid>>,
}

impl Leftovers {
    /// Returns the leftovers to `ns`: its next save writes the blocks again, and its next
    /// prune deletes the dropped ones (unless a change needs one of them again by then).
    ///
    /// Blocks written beside the namespace are not the namespace's to write again: their owner
    /// takes the failure first, with [`Leftovers::take_beside_failure`].
    pub fn give_back(self, ns: &mut Namespace) {
        if !self.blocks.is_empty() {
            ns.unsaved_again(self.blocks);
        }
        if !self.dropped.is_empty() {
            ns.dropped_again(self.dropped);
        }
    }

    /// Whether there is nothing to give back.
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty() && self.dropped.is_empty() && self.beside.is_none()
    }

    /// After a failed commit, the CIDs of the [`Beside`] blocks it was to write (their owner
    /// no longer knows what the store holds of them); `None` after a successful one.
    pub fn take_beside_failure(&mut self) -> Option<Vec<Cid>> {
        self.beside.take()
    }

    /// What a failed commit of `blocks` (the first `own` the namespace's) gives back.
    pub(super) fn of_failure(blocks: Vec<Block>, own: usize, dropped: Vec<Cid>) -> Leftovers {
        let mut blocks = blocks;
        let beside = blocks.split_off(own.min(blocks.len())).iter().map(|b| b.cid).collect();
        Leftovers { blocks, dropped, beside: Some(beside) }
    }
}

/// The state entries committed through one handle on one store, so that a save with no
/// blocks to write and no state entry changed skips the store: on disk every commit rewrites
/// and syncs the state files, which costs ~10 ms even with nothing new (and `vns serve` saves
/// once per accepted change). A save may leave out an entry that did not change (the delta
/// queue's record), so each key keeps the value last committed under it. A fresh one knows
/// nothing, so the first commit always writes.
#[derive(Debug, Default)]
pub struct LastCommit(RefCell<Option<BTreeMap<String, Option<Vec<u8>>>>>);

impl LastCommit {
    fn holds(&self, state: &[StateEntry]) -> bool {
        self.0.borrow().as_ref().is_some_and(|known| {
            state.iter().all(|(key, value)| known.get(key).is_some_and(|v| v == value))
        })
    }
}

impl PendingSave {
    /// Writes the blocks, then the state (one [`Blockstore::commit`], so a crash leaves the old
    /// or the new state), then deletes the dropped blocks of a pruning save. Deletion follows
    /// the commit, so a crash between the two only leaves unreachable blocks behind. `last`
    /// lets a commit with nothing new skip the store (see [`LastCommit`]).
    pub async fn commit<S: Blockstore + ?Sized>(
        self,
        store: &S,
        last: &LastCommit,
    ) -> CommitResult {
        let PendingSave { blocks, own, state, dropped } = self;
        let dropped = dropped.unwrap_or_default();
        if let Err(e) = write(store, last, &blocks, state).await {
            let leftovers = Leftovers::of_failure(blocks, own, dropped);
            return CommitResult { outcome: Err(e), leftovers };
        }
        let bytes = blocks.iter().map(|b| b.bytes.len()).sum();
        let (pruned, leftovers) = match delete(store, &dropped).await {
            Ok(n) => (Ok(n), Leftovers::default()),
            Err(e) => (Err(e), Leftovers { dropped, ..Leftovers::default() }),
        };
        CommitResult { outcome: Ok(Committed { blocks: blocks.len(), bytes, pruned }), leftovers }
    }

    /// Commits the blocks and the state alone, for a caller that deletes differently (garbage
    /// collection deletes what its listing finds): the dropped blocks, or on failure the
    /// leftovers.
    pub(super) async fn write_only<S: Blockstore + ?Sized>(
        self,
        store: &S,
        last: &LastCommit,
    ) -> Result<Vec<Cid>, (StorageError, Leftovers)> {
        let PendingSave { blocks, own, state, dropped } = self;
        let dropped = dropped.unwrap_or_default();
        match write(store, last, &blocks, state).await {
            Ok(()) => Ok(dropped),
            Err(e) => Err((e, Leftovers::of_failure(blocks, own, dropped))),
        }
    }
}

/// Commits `blocks` and `state`, unless `last` shows the store already holds exactly this.
pub(super) async fn write<S: Blockstore + ?Sized>(
    store: &S,
    last: &LastCommit,
    blocks: &[Block],
    state: Vec<StateEntry>,
) -> Result<(), StorageError> {
    if blocks.is_empty() && last.holds(&state) {
        return Ok(());
    }
    // Unknown until this commit settles: a failed one may have written part of the state.
    let known = last.0.borrow_mut().take();
    store.commit(blocks, &state).await?;
    let mut known = known.unwrap_or_default();
    known.extend(state);
    *last.0.borrow_mut() = Some(known);
    Ok(())
}

/// Deletes `cids` (no request at all when there are none); how many were asked for.
pub(super) async fn delete<S: Blockstore + ?Sized>(
    store: &S,
    cids: &[Cid],
) -> Result<usize, StorageError> {
    if !cids.is_empty() {
        store.delete_many(cids).await?;
    }
    Ok(cids.len())
}

/// Writes the blocks created since the last save and then the root pointer (plus `state`,
/// e.g. the persisted delta queue) in one commit. On failure the blocks are kept for the
/// next attempt and the stored state is the previous one. Blocks this save makes unreachable
/// stay in the store and are remembered by the namespace until a [`save_and_prune`] or
/// [`super::collect_garbage`] deletes them.
pub async fn save<S: Blockstore + ?Sized>(
    ns: &mut Namespace,
    store: &S,
    state: &[StateEntry],
) -> Result<SaveReport, StorageError> {
    let done = prepare_save(ns, state, |_| false).commit(store, &LastCommit::default()).await;
    done.leftovers.give_back(ns);
    Ok(done.outcome?.report())
}

/// [`save`], then deletes the blocks the saved root no longer needs: entries replaced or
/// removed and tree nodes no longer reachable, since the last prune. Unlike
/// [`super::collect_garbage`] it never lists the store, so it also works where listing is slow
/// or impossible. Deletion follows the commit, so a crash between the two only leaves
/// unreachable blocks behind; a failed save or deletion keeps the blocks for the next prune.
/// Returns the report and how many blocks were deleted.
///
/// ```
/// use vns::{blockstore::{Blockstore, MemoryBlockstore}, build, identity::Keypair};
/// use vns::{name::Name, namespace::Namespace, params::NetworkParams, persist};
/// # pollster::block_on(async {
/// let params = NetworkParams::testing();
/// let (key, name) = (Keypair::from_secret(&[4; 32]), Name::parse("alice").unwrap());
/// let store = MemoryBlockstore::new();
/// let mut ns = Namespace::new(params.clone());
/// ns.register(build::register(&params, &key, &name, vec![], 1_000).unwrap(), 1_000).unwrap();
/// persist::save_and_prune(&mut ns, &store, &[]).await.unwrap();
/// ns.update(&key, &name, vec![], 2_000).unwrap();
/// let (_, deleted) = persist::save_and_prune(&mut ns, &store, &[]).await.unwrap();
/// assert_eq!(deleted, 2, "the old entry and the old root node");
/// assert_eq!(store.block_count(), persist::reachable(&mut ns).len());
/// # });
/// ```
pub async fn save_and_prune<S: Blockstore + ?Sized>(
    ns: &mut Namespace,
    store: &S,
    state: &[StateEntry],
) -> Result<(SaveReport, usize), StorageError> {
    let done = prepare_save(ns, state, |_| true).commit(store, &LastCommit::default()).await;
    done.leftovers.give_back(ns);
    let committed = done.outcome?;
    Ok((committed.report(), committed.pruned?))
}
