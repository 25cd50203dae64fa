//! The sync node: one namespace, its peer sessions, the delta queue and the counters, and
//! its public face (connections, frames in, ticks, local changes, persistence). How each
//! message is handled and catch-ups are driven is in `driver.rs`; how accepted changes
//! travel (broadcast, queue, replay) in `gossip.rs`; loading and saving in `persisting.rs`.
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
//! let out = a.submit(entry, now).unwrap().out;
//! deliver(&mut a, &mut b, out, now);
//! assert!(b.namespace().resolve(&name, now).is_ok());
//! assert_eq!(a.merkle_root(), b.merkle_root());
//! ```

use std::collections::{BTreeMap, VecDeque};

use cid::Cid;

use super::clock::ClockHealth;
use super::config::SyncConfig;
use super::counted::Counted;
use super::error::SyncError;
use super::event::{Event, LinkId, Outbound};
use super::local::{Committed, LocalChange};
use super::message::Message;
use super::peer_change::PeerChange;
use super::queue::{DeltaQueue, QueueStatus};
use super::queue_store::QueueStore;
use super::session::Session;
use super::stats::{Counters, PeerStats};
use crate::entry::EncodedEntry;
use crate::error::Error;
use crate::name::Name;
use crate::namespace::{Applied, Namespace};

/// A node of the sync protocol. See the [module docs](crate::sync) for the protocol.
pub struct SyncNode {
    pub(super) ns: Namespace,
    pub(super) config: SyncConfig,
    pub(super) network: [u8; 32],
    pub(super) sessions: BTreeMap<LinkId, Session>,
    pub(super) queue: DeltaQueue,
    /// What the store holds of the queue (see `queue_store.rs`).
    pub(super) queue_store: QueueStore,
    /// When to replay the queue (set when a peer becomes ready or a send failed).
    pub(super) replay_at: Option<u64>,
    pub(super) events: VecDeque<Event>,
    /// Events dropped (buffer full) since the last [`SyncNode::take_events`].
    pub(super) dropped_since_take: u64,
    pub(super) counters: Counters,
    /// This node's clock against its ready peers' (recomputed on each `Hello` and session end).
    pub(super) clock: ClockHealth,
    /// Entries to publish on the topic, once [`SyncNode::enable_topic`] was called.
    pub(super) publications: Option<Vec<EncodedEntry>>,
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
            queue_store: QueueStore::default(),
            replay_at: None,
            events: VecDeque::new(),
            dropped_since_take: 0,
            counters: Counters::default(),
            clock: ClockHealth::default(),
            publications: None,
        }
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

    /// The deltas waiting in the queue, oldest first.
    pub fn queue_entries(&self) -> impl Iterator<Item = &EncodedEntry> {
        self.queue.entries()
    }

    /// Counters of the session with `peer`, while it is open.
    pub fn peer_stats(&self, peer: LinkId) -> Option<&PeerStats> {
        self.sessions.get(&peer).map(|s| &s.stats)
    }

    /// Node-wide counters (closed sessions included).
    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// Peers whose handshake completed, in handle order.
    pub fn peers(&self) -> Vec<LinkId> {
        self.sessions.iter().filter(|(_, s)| s.ready).map(|(p, _)| *p).collect()
    }

    /// Whether a session with `peer` is open (handshake done or not).
    pub fn has_session(&self, peer: LinkId) -> bool {
        self.sessions.contains_key(&peer)
    }

    /// Events since the last call, oldest first. If the bounded event buffer dropped some
    /// since the last call, the first is [`Event::EventsDropped`]: a listener mirroring the
    /// store (a cache) must then start over.
    ///
    /// ```
    /// use vns::sync::{Event, SyncConfig, SyncNode};
    /// use vns::{build, identity::Keypair, name::Name, namespace::Namespace};
    /// let params = vns::params::NetworkParams::testing();
    /// let config = SyncConfig { event_capacity: 1, ..SyncConfig::default() };
    /// let mut node = SyncNode::new(Namespace::new(params.clone()), config);
    /// let key = Keypair::from_secret(&[1; 32]);
    /// for label in ["alice", "bobby"] {
    ///     let name = Name::parse(label).unwrap();
    ///     node.submit(build::register(&params, &key, &name, vec![], 1_000).unwrap(), 1_000).unwrap();
    /// }
    /// let events = node.take_events();
    /// assert_eq!(events[0], Event::EventsDropped { dropped: 1 });
    /// assert_eq!(events.len(), 2, "the marker, then the one event kept");
    /// assert!(node.take_events().is_empty());
    /// ```
    pub fn take_events(&mut self) -> Vec<Event> {
        let dropped = std::mem::take(&mut self.dropped_since_take);
        let marker = (dropped > 0).then_some(Event::EventsDropped { dropped });
        marker.into_iter().chain(self.events.drain(..)).collect()
    }

    /// A connection to `peer` opened (either side may have initiated it): starts a session
    /// and sends `Hello`. An existing session with the same handle is replaced.
    pub fn connect(&mut self, peer: LinkId, now: u64) -> Vec<Outbound> {
        self.open_session(peer, false, true, now)
    }

    /// Like [`connect`](Self::connect), for a local link: another tab of this origin that runs
    /// on this node's store (docs/protocol.md, "Tabs sharing one database"). It syncs like
    /// any peer, but it is no way to the network: this node's own changes, and those that
    /// come from local links, stay queued until a network peer takes them, and the queue is
    /// replayed to network peers only.
    ///
    /// ```
    /// use vns::sync::{SyncConfig, SyncNode};
    /// use vns::{build, identity::Keypair, name::Name, namespace::Namespace};
    /// let params = vns::params::NetworkParams::testing();
    /// let mut node = SyncNode::new(Namespace::new(params.clone()), SyncConfig::default());
    /// node.connect_local(1, 1_000);
    /// let key = Keypair::from_secret(&[1; 32]);
    /// let entry = build::register(&params, &key, &Name::parse("alice").unwrap(), vec![], 1_000);
    /// node.submit(entry.unwrap(), 1_000).unwrap();
    /// assert_eq!(node.queue_status().size, 1, "a tab is no way to the network");
    /// ```
    pub fn connect_local(&mut self, peer: LinkId, now: u64) -> Vec<Outbound> {
        self.open_session(peer, true, true, now)
    }

    /// Like [`SyncNode::connect`], for a link that carries catch-up only: handshake, root
    /// announcements and the merkle diff, but no live deltas (they travel on the topic, see
    /// [`SyncNode::enable_topic`]). Every frame and limit is the same as on a full link.
    pub fn connect_catch_up(&mut self, peer: LinkId, now: u64) -> Vec<Outbound> {
        self.open_session(peer, false, false, now)
    }

    /// Opens a session: `local` for another tab's link, `live` unless live deltas travel on
    /// the topic.
    fn open_session(&mut self, peer: LinkId, local: bool, live: bool, now: u64) -> Vec<Outbound> {
        let mut out = Vec::new();
        self.broadcast(None, &mut out);
        let session = Session::new(self.config.known_capacity, local, live, now);
        let replaced = self.sessions.insert(peer, session);
        if replaced.is_some_and(|s| s.ready) {
            self.refresh_clock();
        }
        self.send_hello(peer, now, &mut out);
        out
    }

    /// The connection to `peer` closed. Its catch-up, if any, is abandoned.
    pub fn disconnect(&mut self, peer: LinkId) {
        if self.sessions.remove(&peer).is_some() {
            self.push_event(Event::Peer(PeerChange::Disconnected { peer, code: None }));
            self.refresh_clock();
        }
    }

    /// A frame from `peer`. Never panics: a malformed or oversized frame closes this session
    /// (with a `Bye` naming the error) and touches nothing else.
    pub fn receive(&mut self, peer: LinkId, bytes: &[u8], now: u64) -> Vec<Outbound> {
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
        self.stat(peer, |s| s.frame_in(bytes.len()));
        match Message::decode(bytes) {
            Ok(message) => self.handle(peer, message, now, &mut out),
            Err(e) => self.fail(peer, e, &mut out),
        }
        out
    }

    /// The transport could not send `bytes` (a frame this node produced) to `peer`. Deltas in
    /// it go back to the queue and are replayed after the replay delay.
    pub fn send_failed(&mut self, peer: LinkId, bytes: &[u8], now: u64) {
        self.stat(peer, |s| s.send_failures += 1);
        if let Ok(Message::Ops { entries }) = Message::decode(bytes) {
            self.enqueue(entries);
            self.replay_at.get_or_insert(now.saturating_add(self.config.replay_delay_ms));
        }
    }

    /// Periodic work: broadcast pending local changes, replay the queue when due, announce
    /// the root, start catch-ups where roots differ, retry handshakes (with backoff) and close
    /// those that timed out, abandon catch-ups that timed out. Call it every few hundred milliseconds.
    pub fn tick(&mut self, now: u64) -> Vec<Outbound> {
        let mut out = Vec::new();
        self.broadcast(None, &mut out);
        if self.replay_at.is_some_and(|t| now >= t) {
            self.replay(&mut out);
        }
        let root = self.ns.merkle_root();
        let peers: Vec<LinkId> = self.sessions.keys().copied().collect();
        for peer in peers {
            let Some(s) = self.sessions.get_mut(&peer) else { continue };
            if !s.ready {
                self.await_hello(peer, now, &mut out);
                continue;
            }
            if s.light {
                // No replica to compare or announce to: a light client asks when it needs.
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

    /// A link still waiting for the peer's `Hello`: closed once the handshake timeout has
    /// passed since it opened, else our `Hello` re-sent when due (after the retry interval,
    /// doubling with each retry, at most the configured number of times).
    fn await_hello(&mut self, peer: LinkId, now: u64, out: &mut Vec<Outbound>) {
        let Some(s) = self.sessions.get(&peer) else { return };
        let waited = now.saturating_sub(s.opened_at);
        if waited >= self.config.handshake_timeout_ms {
            return self.fail(peer, SyncError::HandshakeTimeout { waited_ms: waited }, out);
        }
        let retries = s.hellos_sent.saturating_sub(1);
        let backoff = self.config.hello_retry_ms.saturating_mul(1 << retries.min(32));
        if retries < self.config.hello_retries && now >= s.hello_sent_at.saturating_add(backoff) {
            self.send_hello(peer, now, out);
        }
    }

    /// Sends the queued deltas to every connected peer now, without waiting for the replay
    /// delay. With no peer connected, nothing happens.
    pub fn replay_queued(&mut self, _now: u64) -> Vec<Outbound> {
        let mut out = Vec::new();
        self.broadcast(None, &mut out);
        self.replay(&mut out);
        out
    }

    /// The one entry point of local changes: applies `change` through the [`Namespace`]
    /// operation that owns its rules (a registration through the local rate limit of
    /// [`Namespace::register`], a signed version through [`Namespace::apply`], an owner's
    /// update, renewal or transfer through [`Namespace::update`], [`Namespace::renew`] or
    /// [`Namespace::transfer`]), then sends the accepted version to every connected peer, or
    /// queues it. Returns what happened and the frames to send; a refused change returns
    /// the broken rule's error and changes nothing. The rules, and the timestamps of the ops
    /// an update, renewal or transfer signs, use the [judged time](SyncNode::judged) of `now`.
    ///
    /// ```
    /// use vns::sync::{LocalChange, SyncConfig, SyncNode};
    /// use vns::{build, identity::Keypair, name::Name, namespace::{Applied, Namespace}};
    /// let params = vns::params::NetworkParams::testing();
    /// let mut node = SyncNode::new(Namespace::new(params.clone()), SyncConfig::default());
    /// let (key, name) = (Keypair::from_secret(&[1; 32]), Name::parse("alice").unwrap());
    /// node.submit(build::register(&params, &key, &name, vec![], 1_000).unwrap(), 1_000).unwrap();
    /// let renewed = node.submit(LocalChange::Renew { key: &key, name }, 2_000).unwrap();
    /// assert_eq!(renewed.applied, Applied::Accepted);
    /// assert!(renewed.out.is_empty(), "no peer: the renewal waits in the queue");
    /// assert_eq!(node.queue_status().size, 1);
    /// ```
    pub fn submit<'k>(
        &mut self,
        change: impl Into<LocalChange<'k>>,
        now: u64,
    ) -> Result<Committed, Error> {
        let judged = self.judged(now);
        let (name, applied) = change.into().apply_to(&mut self.ns, judged)?;
        if applied == Applied::Accepted {
            self.counters.local_changes += 1;
        }
        let mut out = Vec::new();
        self.broadcast(None, &mut out);
        Ok(Committed { name, applied, out })
    }

    /// Removes names past their grace period ([`Namespace::sweep_expired`]) at the
    /// [judged time](SyncNode::judged) of `now` and reports a [`Event::Change`] for each. Sends nothing: every node computes expiry itself.
    pub fn sweep_expired(&mut self, now: u64) -> Vec<Name> {
        let judged = self.judged(now);
        let names = self.ns.sweep_expired(judged);
        for name in &names {
            self.push_event(Event::Change { name: name.clone() });
        }
        names
    }

    /// Ends the session with `peer` on `error`: `Bye`, then close.
    pub(super) fn fail(&mut self, peer: LinkId, error: SyncError, out: &mut Vec<Outbound>) {
        let code = error.code().to_string();
        let message = error.to_string();
        self.push_event(Event::PeerError { peer, code: code.clone(), message: message.clone() });
        self.send(peer, &Message::bye(&error), out);
        self.sessions.remove(&peer);
        self.counters.sessions_failed += 1;
        self.push_event(Event::Peer(PeerChange::Disconnected { peer, code: Some(code.clone()) }));
        self.refresh_clock();
        out.push(Outbound::Close { peer, code, reason: message });
    }

    pub(super) fn send(&mut self, peer: LinkId, message: &Message, out: &mut Vec<Outbound>) {
        self.counted(peer).send(peer, message, out);
    }

    /// Updates the counters of `peer`'s session and the node's totals alike.
    pub(super) fn stat(&mut self, peer: LinkId, f: impl Fn(&mut PeerStats)) {
        self.counted(peer).count(f);
    }

    fn counted(&mut self, peer: LinkId) -> Counted<'_> {
        let session = self.sessions.get_mut(&peer).map(|s| &mut s.stats);
        Counted { session, totals: &mut self.counters.totals }
    }

    pub(super) fn push_event(&mut self, event: Event) {
        if self.events.len() >= self.config.event_capacity {
            self.events.pop_front();
            self.counters.events_dropped += 1;
            self.dropped_since_take += 1;
        }
        self.events.push_back(event);
    }
}
