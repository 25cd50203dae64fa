//! Persistence of a sync node: loading it from a blockstore (whole, or repairing a damaged
//! store), and saving the namespace with the delta queue in one commit, at once or in two
//! phases (a synchronous prepare, an async commit) for callers that cannot hold a borrow
//! across an `.await`. The formats are those of [`crate::persist`]; the queue is one state
//! entry under [`QUEUE_KEY`].

use super::config::SyncConfig;
use super::error::SyncError;
use super::event::Event;
use super::node::SyncNode;
use super::queue::{DeltaQueue, QUEUE_KEY};
use crate::blockstore::Blockstore;
use crate::namespace::{Limits, Namespace};
use crate::params::NetworkParams;
use crate::persist::{self, PendingCollection, PendingSave, RepairReport, SaveReport, StateEntry};

impl SyncNode {
    /// Loads the namespace and the delta queue saved in `store` by [`SyncNode::save`]. An
    /// unreadable queue is not fatal: the node starts with an empty one and reports
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
        SyncNode::with_saved_queue(store, ns, config).await
    }

    /// [`SyncNode::load`] for a damaged store: every intact entry
    /// ([`persist::load_repairing_with`]), the saved queue, and the queued entries where the
    /// store lost their names (the queue holds local changes peers lack), with the account of
    /// what was found. The node runs normally from there: its next save writes a whole tree,
    /// the queue still goes to peers, and catch-up brings back what peers hold.
    pub async fn load_repairing<S: Blockstore>(
        store: &S,
        params: NetworkParams,
        limits: Limits,
        config: SyncConfig,
    ) -> Result<(SyncNode, RepairReport), SyncError> {
        let (queue, lost) = saved_queue(store, config.queue_capacity).await;
        let copies = queue.entries().cloned().collect();
        let repaired = persist::load_repairing_with(store, params, limits, copies).await?;
        Ok((SyncNode::with_loaded_queue(repaired.namespace, config, queue, lost), repaired.report))
    }

    /// A node over `ns` with the queue saved in `store` (an unreadable one is reported and
    /// replaced by an empty one).
    async fn with_saved_queue<S: Blockstore>(
        store: &S,
        ns: Namespace,
        config: SyncConfig,
    ) -> Result<SyncNode, SyncError> {
        let (queue, lost) = saved_queue(store, config.queue_capacity).await;
        Ok(SyncNode::with_loaded_queue(ns, config, queue, lost))
    }

    /// A node over `ns` and a loaded queue, reporting why the saved one was lost if it was.
    fn with_loaded_queue(
        ns: Namespace,
        config: SyncConfig,
        queue: DeltaQueue,
        lost: Option<SyncError>,
    ) -> SyncNode {
        let mut node = SyncNode::with_queue(ns, config, queue);
        if let Some(e) = lost {
            node.push_event(Event::QueueLost { code: e.code().into(), message: e.to_string() });
        }
        node
    }

    /// Saves the namespace (incrementally) and the delta queue in one commit.
    pub async fn save<S: Blockstore>(&mut self, store: &S) -> Result<SaveReport, SyncError> {
        let state = self.saved_state();
        Ok(persist::save(&mut self.ns, store, &state).await?)
    }

    /// [`persist::prepare_save`] of the namespace with the delta queue: the synchronous half
    /// of a save (commit it with [`persist::PendingSave::commit`]), pruning if `prune` says so.
    pub fn prepare_save(&mut self, prune: impl FnOnce(&Namespace) -> bool) -> PendingSave {
        let state = self.saved_state();
        persist::prepare_save(&mut self.ns, &state, prune)
    }

    /// [`persist::prepare_collection`] of the namespace with the delta queue.
    pub fn prepare_collection(&mut self) -> PendingCollection {
        let state = self.saved_state();
        persist::prepare_collection(&mut self.ns, &state)
    }

    /// The state entries saved beside the namespace: the delta queue.
    fn saved_state(&self) -> [StateEntry; 1] {
        [(QUEUE_KEY.to_string(), Some(self.queue.encode()))]
    }
}

/// The delta queue saved in `store`, or an empty one and why the saved one is unreadable
/// (catch-up delivers what it held).
async fn saved_queue<S: Blockstore>(store: &S, capacity: usize) -> (DeltaQueue, Option<SyncError>) {
    let queue = match store.get_state(QUEUE_KEY).await {
        Ok(None) => Ok(DeltaQueue::new(capacity)),
        Ok(Some(bytes)) => DeltaQueue::decode(&bytes, capacity),
        Err(e) => Err(SyncError::Storage(e)),
    };
    match queue {
        Ok(queue) => (queue, None),
        Err(e) => (DeltaQueue::new(capacity), Some(e)),
    }
}
