//! The sync node: one namespace, its peer sessions, the delta queue and the counters.
//!
//! Everything is driven by the caller: bytes in ([`SyncNode::receive`]), time in (`now`
//! arguments, [`SyncNode::tick`]), actions out ([`Outbound`]) and events out
//! ([`SyncNode::take_events`]). No threads, timers or I/O, so the same code runs in a browser,
//! in Node and in a deterministic simulation.
//!
//! ```
//! use vns::sync::{Outbound, SyncConfig, SyncNode};
//! use vns::{build, identity::Keypair, name::Name, namespace::Namespace, params::NetworkParams};
//!
//! /// A perfect network between `a` (known to `b` as peer 1) and `b` (known to `a` as 2).
//! fn deliver(a: &mut SyncNode, b: &mut SyncNode, mut to_b: Vec<Outbound>, now: u64) {
//!     let mut to_a = Vec::new();
//!     while !to_a.is_empty() || !to_b.is_empty() {
//!         for o in std::mem::take(&mut to_b) {
//!             if let Outbound::Send { bytes, .. } = o { to_a.extend(b.receive(1, &bytes, now)); }
//!         }
//!         for o in std::mem::take(&mut to_a) {
//!             if let Outbound::Send { bytes, .. } = o { to_b.extend(a.receive(2, &bytes, now)); }
//!         }
//!     }
//! }
//!
//! let params = NetworkParams::testing();
//! let mut a = SyncNode::new(Namespace::new(params.clone()), SyncConfig::default());
//! let mut b = SyncNode::new(Namespace::new(params.clone()), SyncConfig::default());
//! let now = 1_700_000_000_000;
//! let mut hello = a.connect(2, now);
//! for o in b.connect(1, now) {
//!     if let Outbound::Send { bytes, .. } = o { hello.extend(a.receive(2, &bytes, now)); }
//! }
//! deliver(&mut a, &mut b, hello, now);
//! assert_eq!(a.peers(), vec![2]);
//!
//! let key = Keypair::from_secret(&[9; 32]);
//! let name = Name::parse("alice").unwrap();
//! let entry = build::register(&params, &key, &name, vec![], now).unwrap();
//! let out = a.submit(entry, now).unwrap();
//! deliver(&mut a, &mut b, out, now);
//! assert!(b.namespace().resolve(&name, now).is_ok());
//! assert_eq!(a.merkle_root(), b.merkle_root());
//! ```

use std::collections::{BTreeMap, VecDeque};

use cid::Cid;
use serde_bytes::{ByteArray, ByteBuf};

use super::catchup::{CatchUp, Step};
use super::config::SyncConfig;
use super::error::SyncError;
use super::event::{Event, Outbound, PeerId};
use super::message::{pack_entries, Message, FRAME_PAYLOAD_BUDGET};
use super::queue::{DeltaQueue, QueueStatus, QUEUE_KEY};
use super::session::Session;
use super::stats::{Counters, PeerStats};
use crate::blockstore::Blockstore;
use crate::entry::EncodedEntry;
use crate::error::Error;
use crate::identity::{Keypair, PublicKey};
use crate::name::Name;
use crate::namespace::{Applied, Limits, Namespace};
use crate::params::NetworkParams;
use crate::persist::{self, PendingCollection, PendingSave, SaveReport, StateEntry};
use crate::record::Record;

/// A node of the sync protocol. See the [module docs](crate::sync) for the protocol.
pub struct SyncNode {
    ns: Namespace,
    config: SyncConfig,
    network: [u8; 32],
    sessions: BTreeMap<PeerId, Session>,
    queue: DeltaQueue,
    /// When to replay the queue (set when a peer becomes ready or a send failed).
    replay_at: Option<u64>,
    events: VecDeque<Event>,
    counters: Counters,
}

impl SyncNode {
    /// A node over `ns` with an empty queue.
    ///
    /// ```
    /// use vns::{namespace::Namespace, params::NetworkParams, sync::{SyncConfig, SyncNode}};
    /// let node = SyncNode::new(Namespace::new(NetworkParams::testing()), SyncConfig::default());
    /// assert_eq!(node.queue_status().capacity, 1000);
    /// ```
    pub fn new(ns: Namespace, config: SyncConfig) -> SyncNode {
        let queue = DeltaQueue::new(config.queue_capacity);
        SyncNode::with_queue(ns, config, queue)
    }

    /// A node over `ns` with a queue restored from storage.
    pub fn with_queue(ns: Namespace, config: SyncConfig, queue: DeltaQueue) -> SyncNode {
        let network = ns.params().network_id();
        SyncNode {
            ns,
            config,
            network,
            sessions: BTreeMap::new(),
            queue,
            replay_at: None,
            events: VecDeque::new(),
            counters: Counters::default(),
        }
    }

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
        let capacity = config.queue_capacity;
        let queue = match store.get_state(QUEUE_KEY).await {
            Ok(None) => Ok(DeltaQueue::new(capacity)),
            Ok(Some(bytes)) => DeltaQueue::decode(&bytes, capacity),
            Err(e) => Err(SyncError::Storage(e)),
        };
        let (queue, lost) = match queue {
            Ok(queue) => (queue, None),
            Err(e) => (DeltaQueue::new(capacity), Some(e)),
        };
        let mut node = SyncNode::with_queue(ns, config, queue);
        if let Some(e) = lost {
            node.push_event(Event::QueueLost { code: e.code().into(), message: e.to_string() });
        }
        Ok(node)
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

    /// The namespace (resolve names here).
    pub fn namespace(&self) -> &Namespace {
        &self.ns
    }

    /// The namespace, mutably. Changes made through it are broadcast (or queued) at the start
    /// of the next [`SyncNode::receive`], [`SyncNode::tick`] or local change.
    pub fn namespace_mut(&mut self) -> &mut Namespace {
        &mut self.ns
    }

    /// The current merkle root.
    pub fn merkle_root(&mut self) -> Cid {
        self.ns.merkle_root()
    }

    /// Size, capacity and counters of the delta queue.
    pub fn queue_status(&self) -> QueueStatus {
        self.queue.status()
    }

    /// Counters of the session with `peer`, while it is open.
    pub fn peer_stats(&self, peer: PeerId) -> Option<&PeerStats> {
        self.sessions.get(&peer).map(|s| &s.stats)
    }

    /// Node-wide counters (closed sessions included).
    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// Peers whose handshake completed, in handle order.
    pub fn peers(&self) -> Vec<PeerId> {
        self.sessions.iter().filter(|(_, s)| s.ready).map(|(p, _)| *p).collect()
    }

    /// Whether a session with `peer` is open (handshake done or not).
    pub fn has_session(&self, peer: PeerId) -> bool {
        self.sessions.contains_key(&peer)
    }

    /// Events since the last call, oldest first.
    pub fn take_events(&mut self) -> Vec<Event> {
        self.events.drain(..).collect()
    }

    /// A connection to `peer` opened (either side may have initiated it): starts a session
    /// and sends `Hello`. An existing session with the same handle is replaced.
    pub fn connect(&mut self, peer: PeerId, now: u64) -> Vec<Outbound> {
        let mut out = Vec::new();
        self.broadcast(None, &mut out);
        self.sessions.insert(peer, Session::new(self.config.known_capacity, now));
        self.send_hello(peer, now, &mut out);
        out
    }

    /// The connection to `peer` closed. Its catch-up, if any, is abandoned.
    pub fn disconnect(&mut self, peer: PeerId) {
        if self.sessions.remove(&peer).is_some() {
            self.push_event(Event::PeerDisconnected { peer, code: None });
        }
    }

    /// A frame from `peer`. Never panics: a malformed or oversized frame closes this session
    /// (with a `Bye` naming the error) and touches nothing else.
    pub fn receive(&mut self, peer: PeerId, bytes: &[u8], now: u64) -> Vec<Outbound> {
        let mut out = Vec::new();
        self.broadcast(None, &mut out);
        if !self.sessions.contains_key(&peer) {
            let err = SyncError::UnknownPeer { peer };
            self.push_event(Event::PeerError {
                peer,
                code: err.code().into(),
                message: err.to_string(),
            });
            return out;
        }
        let len = bytes.len() as u64;
        self.stat(peer, |s| {
            s.frames_in += 1;
            s.bytes_in += len;
        });
        match Message::decode(bytes) {
            Ok(message) => self.handle(peer, message, now, &mut out),
            Err(e) => self.fail(peer, e, &mut out),
        }
        out
    }

    /// The transport could not send `bytes` (a frame this node produced) to `peer`. Deltas in
    /// it go back to the queue and are replayed after the replay delay.
    pub fn send_failed(&mut self, peer: PeerId, bytes: &[u8], now: u64) {
        self.stat(peer, |s| s.send_failures += 1);
        if let Ok(Message::Ops { entries }) = Message::decode(bytes) {
            self.enqueue(entries);
            self.replay_at.get_or_insert(now.saturating_add(self.config.replay_delay_ms));
        }
    }

    /// Periodic work: broadcast pending local changes, replay the queue when due, announce
    /// the root, start catch-ups where roots differ, retry handshakes, abandon catch-ups that
    /// timed out. Call it every few hundred milliseconds.
    pub fn tick(&mut self, now: u64) -> Vec<Outbound> {
        let mut out = Vec::new();
        self.broadcast(None, &mut out);
        if self.replay_at.is_some_and(|t| now >= t) {
            self.replay(&mut out);
        }
        let root = self.ns.merkle_root();
        let peers: Vec<PeerId> = self.sessions.keys().copied().collect();
        for peer in peers {
            let Some(s) = self.sessions.get_mut(&peer) else { continue };
            if !s.ready {
                if now >= s.hello_sent_at.saturating_add(self.config.hello_retry_ms) {
                    self.send_hello(peer, now, &mut out);
                }
                continue;
            }
            let timed_out = s.catchup.as_ref().is_some_and(|c| {
                now >= c.last_activity.saturating_add(self.config.request_timeout_ms)
            });
            if timed_out {
                let err = SyncError::Stalled("the peer stopped answering".into());
                self.abort_catchup(peer, &err, now);
            }
            let Some(s) = self.sessions.get_mut(&peer) else { continue };
            let changed = s.announced != Some(root)
                && now >= s.announced_at.saturating_add(self.config.announce_interval_ms);
            let stale = now >= s.announced_at.saturating_add(self.config.reannounce_interval_ms);
            if changed || stale {
                s.announced = Some(root);
                s.announced_at = now;
                self.send(peer, &Message::Root { root }, &mut out);
            }
            self.maybe_catch_up(peer, now, &mut out);
        }
        out
    }

    /// Sends the queued deltas to every connected peer now, without waiting for the replay
    /// delay. With no peer connected, nothing happens.
    pub fn replay_queued(&mut self, _now: u64) -> Vec<Outbound> {
        let mut out = Vec::new();
        self.broadcast(None, &mut out);
        self.replay(&mut out);
        out
    }

    /// Submits a locally built entry ([`crate::build`]): a registration goes through the
    /// local rate limit ([`Namespace::register`]), anything else through [`Namespace::apply`].
    /// On acceptance the entry is sent to every connected peer, or queued.
    pub fn submit(
        &mut self,
        entry: impl Into<EncodedEntry>,
        now: u64,
    ) -> Result<Vec<Outbound>, Error> {
        let entry = entry.into();
        // An empty entry falls to `apply`, whose bounds check refuses it (`entry.empty`).
        let applied = if entry.ops.len() == 1 {
            self.ns.register(entry, now)?
        } else {
            self.ns.apply(entry, now)?
        };
        self.local_done(applied)
    }

    /// [`Namespace::update`], then broadcast.
    pub fn update(
        &mut self,
        key: &Keypair,
        name: &Name,
        records: Vec<Record>,
        now: u64,
    ) -> Result<Vec<Outbound>, Error> {
        let applied = self.ns.update(key, name, records, now)?;
        self.local_done(applied)
    }

    /// [`Namespace::renew`], then broadcast.
    pub fn renew(&mut self, key: &Keypair, name: &Name, now: u64) -> Result<Vec<Outbound>, Error> {
        let applied = self.ns.renew(key, name, now)?;
        self.local_done(applied)
    }

    /// [`Namespace::transfer`], then broadcast.
    pub fn transfer(
        &mut self,
        key: &Keypair,
        name: &Name,
        new_owner: PublicKey,
        now: u64,
    ) -> Result<Vec<Outbound>, Error> {
        let applied = self.ns.transfer(key, name, new_owner, now)?;
        self.local_done(applied)
    }

    /// Removes names past their grace period ([`Namespace::sweep_expired`]) and reports a
    /// [`Event::Change`] for each. Sends nothing: every node computes expiry itself.
    pub fn sweep_expired(&mut self, now: u64) -> Vec<Name> {
        let names = self.ns.sweep_expired(now);
        for name in &names {
            self.push_event(Event::Change { name: name.clone() });
        }
        names
    }

    fn local_done(&mut self, applied: Applied) -> Result<Vec<Outbound>, Error> {
        if applied == Applied::Accepted {
            self.counters.local_changes += 1;
        }
        let mut out = Vec::new();
        self.broadcast(None, &mut out);
        Ok(out)
    }

    fn handle(&mut self, peer: PeerId, message: Message, now: u64, out: &mut Vec<Outbound>) {
        let ready = self.sessions.get(&peer).is_some_and(|s| s.ready);
        match message {
            Message::Bye { code, reason } => {
                self.sessions.remove(&peer);
                self.counters.sessions_failed += 1;
                self.push_event(Event::PeerDisconnected { peer, code: Some(code.clone()) });
                out.push(Outbound::Close { peer, code, reason });
            }
            Message::Hello { network, root } => {
                if *network != self.network {
                    let err = SyncError::NetworkMismatch {
                        ours: hex(&self.network),
                        theirs: hex(&network[..]),
                    };
                    return self.fail(peer, err, out);
                }
                let retry = self.config.hello_retry_ms;
                let Some(s) = self.sessions.get_mut(&peer) else { return };
                s.remote_root = Some(root);
                if !s.ready {
                    s.ready = true;
                    self.counters.sessions_opened += 1;
                    self.push_event(Event::PeerConnected { peer });
                    if !self.queue.is_empty() {
                        let at = now.saturating_add(self.config.replay_delay_ms);
                        self.replay_at.get_or_insert(at);
                    }
                } else if now >= s.hello_sent_at.saturating_add(retry) {
                    // The peer is still waiting for our Hello (it was lost): send it again.
                    self.send_hello(peer, now, out);
                }
                self.maybe_catch_up(peer, now, out);
            }
            // Before the handshake nothing else is acted upon. Reordering transports may
            // deliver a message ahead of the Hello; it is dropped, and catch-up repairs it.
            _ if !ready => self.stat(peer, |s| s.ignored += 1),
            Message::Ops { entries } => {
                let applied = self.apply_from(peer, entries, now);
                self.broadcast(Some(peer), out);
                if let Err(e) = applied {
                    self.fail(peer, e, out);
                }
            }
            Message::Root { root } => {
                if let Some(s) = self.sessions.get_mut(&peer) {
                    s.remote_root = Some(root);
                }
                self.maybe_catch_up(peer, now, out);
            }
            Message::GetNodes { id, cids } => {
                let tree = self.ns.tree();
                let mut size = 0;
                let mut blocks = Vec::new();
                for cid in &cids {
                    let Some(bytes) = tree.block(cid) else { continue };
                    size += bytes.len() + 8;
                    if size > FRAME_PAYLOAD_BUDGET {
                        break;
                    }
                    blocks.push(ByteBuf::from(bytes));
                }
                let root = tree.root();
                self.send(peer, &Message::Nodes { id, root, blocks }, out);
            }
            Message::Nodes { id, root, blocks } => {
                let count = blocks.len() as u64;
                let Some(catchup) = self.sessions.get_mut(&peer).and_then(|s| s.catchup.as_mut())
                else {
                    return self.stat(peer, |s| s.ignored += 1);
                };
                match catchup.on_nodes(id, root, blocks, now) {
                    Ok(true) => {
                        self.stat(peer, |s| s.nodes_fetched += count);
                        self.drive(peer, now, out);
                    }
                    Ok(false) => self.stat(peer, |s| s.ignored += 1),
                    Err(e) => self.abort_catchup(peer, &e, now),
                }
            }
            Message::GetEntries { id, names } => {
                let entries =
                    names.iter().filter_map(|n| self.ns.get_encoded(n)).cloned().collect();
                self.send(peer, &Message::Entries { id, entries }, out);
            }
            Message::Entries { id, entries } => {
                let ours = self
                    .sessions
                    .get_mut(&peer)
                    .and_then(|s| s.catchup.as_mut())
                    .is_some_and(|c| c.on_entries(id, now));
                let applied = self.apply_from(peer, entries, now);
                self.broadcast(Some(peer), out);
                if let Err(e) = applied {
                    self.fail(peer, e, out);
                } else if ours {
                    self.drive(peer, now, out);
                }
            }
        }
    }

    /// Applies entries from `peer` with full validation, counting the outcomes. Refuses the
    /// rest once the peer has sent more faulty entries than allowed: the caller closes it.
    fn apply_from(
        &mut self,
        peer: PeerId,
        entries: Vec<EncodedEntry>,
        now: u64,
    ) -> Result<(), SyncError> {
        for entry in entries {
            if let Some(s) = self.sessions.get_mut(&peer) {
                s.known.insert(entry.digest());
            }
            match self.ns.apply(entry, now) {
                Ok(Applied::Accepted) => self.stat(peer, |s| s.accepted += 1),
                Ok(Applied::Duplicate) => self.stat(peer, |s| s.duplicates += 1),
                Err(e) => {
                    let code = e.code();
                    self.stat(peer, |s| *s.rejected.entry(code.to_string()).or_default() += 1);
                    if !e.is_fault() {
                        continue;
                    }
                    let Some(session) = self.sessions.get_mut(&peer) else { continue };
                    session.faults += 1;
                    if session.faults > self.config.max_faulty_entries {
                        let last = code.to_string();
                        return Err(SyncError::FaultyPeer { count: session.faults, last });
                    }
                }
            }
        }
        Ok(())
    }

    /// Sends every accepted change to every ready peer except `origin` (which sent it), once
    /// per peer; with no peer to send to, local changes wait in the queue.
    fn broadcast(&mut self, origin: Option<PeerId>, out: &mut Vec<Outbound>) {
        let deltas = self.ns.take_deltas();
        if deltas.is_empty() {
            return;
        }
        for delta in &deltas {
            self.push_event(Event::Change { name: delta.entry.name().clone() });
        }
        let targets: Vec<PeerId> = self
            .sessions
            .iter()
            .filter(|(p, s)| s.ready && Some(**p) != origin)
            .map(|(p, _)| *p)
            .collect();
        if targets.is_empty() {
            // A change from a peer is on the network already; only our own must wait.
            if origin.is_none() {
                self.enqueue(deltas.into_iter().map(|d| d.entry).collect());
            }
            return;
        }
        for peer in targets {
            let Some(s) = self.sessions.get_mut(&peer) else { continue };
            let fresh: Vec<EncodedEntry> = deltas
                .iter()
                .filter(|d| s.known.insert(d.entry.digest()))
                .map(|d| d.entry.clone())
                .collect();
            self.send_ops(peer, fresh, out);
        }
    }

    /// Sends the whole queue to every ready peer (the sends that failed before may have
    /// reached some peers; receivers treat repeats as duplicates).
    fn replay(&mut self, out: &mut Vec<Outbound>) {
        let peers = self.peers();
        if peers.is_empty() || self.queue.is_empty() {
            self.replay_at = None;
            return;
        }
        self.replay_at = None;
        let entries = self.queue.take_for_replay();
        for peer in peers {
            if let Some(s) = self.sessions.get_mut(&peer) {
                entries.iter().for_each(|e| {
                    s.known.insert(e.digest());
                });
            }
            self.send_ops(peer, entries.clone(), out);
        }
    }

    fn enqueue(&mut self, entries: Vec<EncodedEntry>) {
        let mut dropped = 0;
        for entry in entries {
            if self.queue.push(entry).is_some() {
                dropped += 1;
            }
        }
        if dropped > 0 {
            let status = self.queue.status();
            self.push_event(Event::QueueOverflow {
                dropped,
                total_dropped: status.dropped,
                capacity: status.capacity,
            });
        }
    }

    fn send_ops(&mut self, peer: PeerId, entries: Vec<EncodedEntry>, out: &mut Vec<Outbound>) {
        for batch in pack_entries(entries) {
            self.send(peer, &Message::Ops { entries: batch }, out);
        }
    }

    fn send_hello(&mut self, peer: PeerId, now: u64, out: &mut Vec<Outbound>) {
        let root = self.ns.merkle_root();
        if let Some(s) = self.sessions.get_mut(&peer) {
            s.hello_sent_at = now;
            s.announced = Some(root);
            s.announced_at = now;
        }
        let hello = Message::Hello { network: ByteArray::new(self.network), root };
        self.send(peer, &hello, out);
    }

    /// Starts a catch-up with `peer` if its root differs from ours and one is due.
    fn maybe_catch_up(&mut self, peer: PeerId, now: u64, out: &mut Vec<Outbound>) {
        let local = self.ns.merkle_root();
        let resync = self.config.resync_interval_ms;
        let max_bytes = self.config.max_catchup_bytes;
        let Some(s) = self.sessions.get_mut(&peer) else { return };
        if !s.ready || s.catchup.is_some() {
            return;
        }
        let Some(remote) = s.remote_root else { return };
        if remote == local {
            s.synced = Some((local, remote, now));
            return;
        }
        if now < s.next_catchup_at {
            return;
        }
        if s.synced
            .is_some_and(|(l, r, at)| l == local && r == remote && now < at.saturating_add(resync))
        {
            return;
        }
        s.catchup = Some(CatchUp::new(remote, max_bytes, now));
        self.drive(peer, now, out);
    }

    /// Runs the catch-up with `peer` as far as it goes and sends its requests.
    fn drive(&mut self, peer: PeerId, now: u64, out: &mut Vec<Outbound>) {
        let in_flight = self.config.entry_requests_in_flight;
        let step = {
            let Some(s) = self.sessions.get_mut(&peer) else { return };
            let Some(catchup) = s.catchup.as_mut() else { return };
            catchup.advance(self.ns.tree(), in_flight, &mut s.next_id)
        };
        match step {
            Ok(Step::Wait) => {}
            Ok(Step::Send(requests)) => {
                let n = requests.len() as u64;
                if let Some(c) = self.sessions.get_mut(&peer).and_then(|s| s.catchup.as_mut()) {
                    c.last_activity = now;
                }
                self.stat(peer, |s| s.requests += n);
                for request in &requests {
                    self.send(peer, request, out);
                }
            }
            Ok(Step::Done) => {
                let local = self.ns.merkle_root();
                let interval = self.config.catchup_interval_ms;
                if let Some(s) = self.sessions.get_mut(&peer) {
                    if let Some(c) = s.catchup.take() {
                        s.synced = Some((local, c.remote_root(), now));
                    }
                    s.next_catchup_at = now.saturating_add(interval);
                }
                self.stat(peer, |s| s.catchups += 1);
            }
            // A peer whose tree is not a valid tree is broken or hostile.
            Err(e @ SyncError::BadTree(_)) => self.fail(peer, e, out),
            Err(e) => self.abort_catchup(peer, &e, now),
        }
    }

    fn abort_catchup(&mut self, peer: PeerId, _why: &SyncError, now: u64) {
        let interval = self.config.catchup_interval_ms;
        if let Some(s) = self.sessions.get_mut(&peer) {
            if s.catchup.take().is_some() {
                s.next_catchup_at = now.saturating_add(interval);
                self.stat(peer, |s| s.catchups_aborted += 1);
            }
        }
    }

    /// Ends the session with `peer` on `error`: `Bye`, then close.
    fn fail(&mut self, peer: PeerId, error: SyncError, out: &mut Vec<Outbound>) {
        let code = error.code().to_string();
        let message = error.to_string();
        self.push_event(Event::PeerError { peer, code: code.clone(), message: message.clone() });
        self.send(peer, &Message::bye(&error), out);
        self.sessions.remove(&peer);
        self.counters.sessions_failed += 1;
        self.push_event(Event::PeerDisconnected { peer, code: Some(code.clone()) });
        out.push(Outbound::Close { peer, code, reason: message });
    }

    fn send(&mut self, peer: PeerId, message: &Message, out: &mut Vec<Outbound>) {
        let bytes = message.encode();
        let len = bytes.len() as u64;
        self.stat(peer, |s| {
            s.frames_out += 1;
            s.bytes_out += len;
        });
        out.push(Outbound::Send { peer, bytes });
    }

    /// Updates the counters of `peer`'s session and the node's totals alike.
    fn stat(&mut self, peer: PeerId, f: impl Fn(&mut PeerStats)) {
        if let Some(s) = self.sessions.get_mut(&peer) {
            f(&mut s.stats);
        }
        f(&mut self.counters.totals);
    }

    fn push_event(&mut self, event: Event) {
        if self.events.len() >= self.config.event_capacity {
            self.events.pop_front();
            self.counters.events_dropped += 1;
        }
        self.events.push_back(event);
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
