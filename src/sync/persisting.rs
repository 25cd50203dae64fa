//! A sync node in storage: loading the namespace with its delta queue, and saving both in one
//! commit. The namespace is saved by [`crate::persist`]; the queue beside it, in chunks
//! (`queue_store.rs`), so a save writes only the chunks that changed.

use super::config::SyncConfig;
use super::error::SyncError;
use super::event::Event;
use super::node::SyncNode;
use super::queue_store::{load_queue, LoadedQueue};
use crate::block::Block;
use crate::blockstore::Blockstore;
use crate::namespace::{Limits, Namespace};
use crate::params::NetworkParams;
use crate::persist::{self, DamagedBlock, Leftovers, PendingCollection, PendingSave};
use crate::persist::{LastCommit, RepairReport, SaveReport, Scrub};

impl SyncNode {
    /// Loads the namespace and the delta queue saved in `store` by [`SyncNode::save`]. An
    /// unreadable queue is not fatal: the node starts with what it could read of it (an
    /// unreadable record: nothing; a damaged chunk: the other chunks) and reports
    /// [`Event::QueueLost`] (catch-up delivers what the queue held).
    ///
    /// ```
    /// use vns::{blockstore::MemoryBlockstore, namespace::Limits, params::NetworkParams};
    /// use vns::sync::{SyncConfig, SyncNode};
    /// # pollster::block_on(async {
    /// let store = MemoryBlockstore::new();
    /// let node = SyncNode::load(&store, NetworkParams::testing(), Limits::default(),
    ///     SyncConfig::default()).await.unwrap();
    /// assert!(node.namespace().is_empty());
    /// # });
    /// ```
    pub async fn load<S: Blockstore>(
        store: &S,
        params: NetworkParams,
        limits: Limits,
        config: SyncConfig,
    ) -> Result<SyncNode, SyncError> {
        let ns = persist::load(store, params, limits).await?;
        let loaded = load_queue(store, config.queue_capacity).await;
        Ok(SyncNode::with_loaded_queue(ns, config, loaded))
    }

    /// [`SyncNode::load`] for a damaged store: every intact entry
    /// ([`persist::load_repairing_with`]), the saved queue, and the queued entries where the
    /// store lost their names (the queue holds local changes peers lack), with the account of
    /// what was found (damaged queue chunks among the damaged blocks, kind `"queue"`). The
    /// node runs normally from there: its next save writes a whole tree, the queue still goes
    /// to peers, and catch-up brings back what peers hold.
    pub async fn load_repairing<S: Blockstore>(
        store: &S,
        params: NetworkParams,
        limits: Limits,
        config: SyncConfig,
    ) -> Result<(SyncNode, RepairReport), SyncError> {
        let loaded = load_queue(store, config.queue_capacity).await;
        let copies = loaded.queue.entries().cloned().collect();
        let queue_damage: Vec<DamagedBlock> = loaded.damaged.clone();
        let mut repaired = persist::load_repairing_with(store, params, limits, copies).await?;
        repaired.report.damaged.extend(queue_damage);
        Ok((SyncNode::with_loaded_queue(repaired.namespace, config, loaded), repaired.report))
    }

    /// A node over `ns` and a loaded queue, reporting why part of the saved one was lost.
    fn with_loaded_queue(ns: Namespace, config: SyncConfig, loaded: LoadedQueue) -> SyncNode {
        let LoadedQueue { queue, store, lost, .. } = loaded;
        let mut node = SyncNode::with_queue(ns, config, queue);
        node.queue_store = store;
        if let Some((code, message)) = lost {
            node.push_event(Event::QueueLost { code, message });
        }
        node
    }

    /// Saves the namespace (incrementally) and the delta queue (the chunks that changed) in
    /// one commit.
    pub async fn save<S: Blockstore>(&mut self, store: &S) -> Result<SaveReport, SyncError> {
        let done = self.prepare_save(|_| false).commit(store, &LastCommit::default()).await;
        self.give_back(done.leftovers);
        Ok(done.outcome?.report())
    }

    /// [`persist::prepare_save_beside`] of the namespace with the delta queue: the synchronous
    /// half of a save (commit it with [`persist::PendingSave::commit`], then hand the
    /// leftovers to [`SyncNode::give_back`]), pruning if `prune` says so.
    pub fn prepare_save(&mut self, prune: impl FnOnce(&Namespace) -> bool) -> PendingSave {
        let beside = self.queue_store.prepare(&mut self.queue);
        persist::prepare_save_beside(&mut self.ns, beside, prune)
    }

    /// [`persist::prepare_collection_beside`] of the namespace with the delta queue (its
    /// chunks are live: the collection keeps them).
    pub fn prepare_collection(&mut self) -> PendingCollection {
        let beside = self.queue_store.prepare(&mut self.queue);
        persist::prepare_collection_beside(&mut self.ns, beside)
    }

    /// Takes back what a commit of [`SyncNode::prepare_save`] or
    /// [`SyncNode::prepare_collection`] did not do: the namespace's blocks to write again and
    /// garbage to delete again, and, after a failed commit, the queue's: its next save writes
    /// every chunk and the record again, and the chunks this one wrote are garbage unless
    /// the queue still links them.
    pub fn give_back(&mut self, mut leftovers: Leftovers) {
        if let Some(unsure) = leftovers.take_beside_failure() {
            self.queue_store.failed();
            self.ns.dropped_again(unsure);
        }
        leftovers.give_back(&mut self.ns);
    }

    /// A scrub pass over every block this node's state links: the tree, its entries and the
    /// delta queue's chunks.
    pub fn scrub(&mut self) -> Scrub {
        let chunks = self.queue_store.live(&mut self.queue);
        Scrub::of_with(&mut self.ns, chunks)
    }

    /// The blocks among `damaged` that this node still links, with their bytes from memory,
    /// to write again ([`persist::replacements`], and the queue's chunks).
    pub fn replacements(&mut self, damaged: &[DamagedBlock]) -> Vec<Block> {
        let mut blocks = persist::replacements(&mut self.ns, damaged);
        for d in damaged {
            let chunk = crate::block::parse_cid_text(&d.cid).ok();
            if let Some(block) = chunk.and_then(|cid| self.queue_store.block(&cid)) {
                blocks.push(block.clone());
            }
        }
        blocks
    }
}
