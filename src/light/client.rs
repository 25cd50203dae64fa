//! The light client's public face: sessions with full nodes, lookups, answers from the
//! verified cache, and local changes sent on. How each message from a peer is handled is in
//! `receive.rs`.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use cid::Cid;
use serde_bytes::ByteArray;

use super::cache::{Known, WatchCache};
use super::error::LightError;
use super::event::{LightConfig, LightEvent};
use super::lookup::{entries, winner, Lookup};
use crate::entry::EncodedEntry;
use crate::name::Name;
use crate::namespace::ResolveError;
use crate::params::NetworkParams;
use crate::rules::{self, Status};
use crate::sync::{
    Counted, LinkId, Message, Outbound, PeerChange, PeerStats, SyncError,
    MAX_NAMES_PER_PROOF_REQUEST,
};

/// One session with a full node.
#[derive(Debug)]
pub(super) struct LightSession {
    pub(super) ready: bool,
    pub(super) hello_sent_at: u64,
    /// The root the peer last stated (in `hello` or a `proofs` reply).
    pub(super) root: Option<Cid>,
    pub(super) next_id: u64,
    /// `get_proofs` requests in flight: id → names asked.
    pub(super) requests: BTreeMap<u64, Vec<Name>>,
    pub(super) stats: PeerStats,
}

/// Where a lookup stands after [`LightClient::lookup`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Started {
    /// The answer is ready: read it with [`LightClient::answer`].
    Ready,
    /// Peers were asked (send these frames); [`LightEvent::Answered`] follows.
    Asked(Vec<Outbound>),
}

/// A verified answer: a live entry and how current it is known to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer<'a> {
    /// The winning entry (valid, live at the time asked).
    pub entry: &'a EncodedEntry,
    /// When it was verified or last pushed (ms).
    pub verified_at: u64,
    /// No connected peer has watched the name since it was verified, and that was at least
    /// [`LightConfig::stale_after_ms`] ago: a newer version may exist.
    pub stale: bool,
}

/// A client that holds no replica: it asks full nodes for entries with merkle proofs,
/// verifies each answer completely, keeps the winner among them, and keeps the names it
/// looked up current through its peers' watch lists. Sans I/O, like
/// [`SyncNode`](crate::sync::SyncNode): frames in, [`Outbound`] actions and
/// [`LightEvent`]s out, time as an argument. `docs/protocol.md`, "Light clients", says what it
/// can and cannot detect.
///
/// ```
/// use vns::light::{LightClient, LightConfig, LightEvent, Started};
/// use vns::sync::{Outbound, SyncConfig, SyncNode};
/// use vns::{build, identity::Keypair, name::Name, namespace::Namespace};
/// let params = vns::params::NetworkParams::testing();
/// let now = 1_700_000_000_000;
/// let mut full = SyncNode::new(Namespace::new(params.clone()), SyncConfig::default());
/// let (key, name) = (Keypair::from_secret(&[1; 32]), Name::parse("alice").unwrap());
/// full.submit(build::register(&params, &key, &name, vec![], now).unwrap(), now).unwrap();
///
/// let mut light = LightClient::new(params, LightConfig::default());
/// full.connect(1, now); // the node knows the client as link 1, the client the node as 2
/// let mut to_full = light.connect(2, now);
/// let mut pump = |light: &mut LightClient, full: &mut SyncNode, mut to_full: Vec<Outbound>| {
///     while !to_full.is_empty() {
///         let mut to_light = Vec::new();
///         for o in to_full.drain(..) {
///             if let Outbound::Send { bytes, .. } = o { to_light.extend(full.receive(1, &bytes, now)); }
///         }
///         for o in to_light {
///             if let Outbound::Send { bytes, .. } = o { to_full.extend(light.receive(2, &bytes, now)); }
///         }
///     }
/// };
/// pump(&mut light, &mut full, to_full);
/// let Started::Asked(out) = light.lookup(&name, now).unwrap() else { panic!("asked") };
/// pump(&mut light, &mut full, out);
/// assert!(light.take_events().contains(&LightEvent::Answered { name: name.clone() }));
/// assert_eq!(light.answer(&name, now).unwrap().entry.owner(), key.public());
/// ```
pub struct LightClient {
    pub(super) params: NetworkParams,
    pub(super) network: [u8; 32],
    pub(super) config: LightConfig,
    pub(super) sessions: BTreeMap<LinkId, LightSession>,
    pub(super) cache: WatchCache,
    pub(super) lookups: BTreeMap<Name, Lookup>,
    /// The last lookup of a name that no peer answered validly (cleared by a valid one).
    pub(super) failures: HashMap<Name, LightError>,
    pub(super) events: VecDeque<LightEvent>,
    pub(super) totals: PeerStats,
}

impl LightClient {
    /// A client on the network of `params`, with no peers and nothing cached.
    pub fn new(params: NetworkParams, config: LightConfig) -> LightClient {
        let network = params.network_id();
        let capacity = config.watch_capacity.min(crate::sync::MAX_WATCHED_NAMES);
        LightClient {
            params,
            network,
            config,
            sessions: BTreeMap::new(),
            cache: WatchCache::new(capacity),
            lookups: BTreeMap::new(),
            failures: HashMap::new(),
            events: VecDeque::new(),
            totals: PeerStats::default(),
        }
    }

    /// The network parameters answers are checked with.
    pub fn params(&self) -> &NetworkParams {
        &self.params
    }

    /// A connection to a full node opened: starts a session and sends `light_hello`.
    pub fn connect(&mut self, peer: LinkId, now: u64) -> Vec<Outbound> {
        let session = LightSession {
            ready: false,
            hello_sent_at: now,
            root: None,
            next_id: 0,
            requests: BTreeMap::new(),
            stats: PeerStats::default(),
        };
        self.sessions.insert(peer, session);
        let mut out = Vec::new();
        self.send(peer, &Message::LightHello { network: ByteArray::new(self.network) }, &mut out);
        out
    }

    /// The connection to `peer` closed: lookups waiting for it go on without it.
    pub fn disconnect(&mut self, peer: LinkId, now: u64) {
        if self.sessions.contains_key(&peer) {
            self.end_session(peer, None, now);
        }
    }

    /// Peers whose `hello` arrived, in link order.
    pub fn peers(&self) -> Vec<LinkId> {
        self.sessions.iter().filter(|(_, s)| s.ready).map(|(p, _)| *p).collect()
    }

    /// Traffic and outcome counters of the session with `peer`, while it is open.
    pub fn peer_stats(&self, peer: LinkId) -> Option<&PeerStats> {
        self.sessions.get(&peer).map(|s| &s.stats)
    }

    /// Counters of every session, closed ones included.
    pub fn totals(&self) -> &PeerStats {
        &self.totals
    }

    /// The root `peer` last stated.
    pub fn peer_root(&self, peer: LinkId) -> Option<Cid> {
        self.sessions.get(&peer).and_then(|s| s.root)
    }

    /// The names watched (and cached), in name order.
    pub fn watched(&self) -> Vec<Name> {
        self.cache.names()
    }

    /// What was verified about `name`, if it is watched and a lookup finished.
    pub fn known(&self, name: &Name) -> Option<&Known> {
        self.cache.get(name)
    }

    /// Events since the last call, oldest first.
    pub fn take_events(&mut self) -> Vec<LightEvent> {
        self.events.drain(..).collect()
    }

    /// Starts a lookup of `name`: [`Started::Ready`] when the cache holds a current answer
    /// (or, with no peer connected, any answer, then marked stale), else asks up to
    /// [`LightConfig::peers_asked`] peers and watches the name. `resolve.offline` when nothing
    /// is cached and no peer is connected; `resolve.reserved` for a reserved name.
    pub fn lookup(&mut self, name: &Name, now: u64) -> Result<Started, LightError> {
        if name.is_reserved() {
            return Err(ResolveError::Reserved { name: name.to_string() }.into());
        }
        let known = self.cache.get(name);
        let ready = !self.peers().is_empty();
        if known.is_some_and(|k| k.confirmed) || (known.is_some() && !ready) {
            self.cache.touch(name);
            return Ok(Started::Ready);
        }
        if !ready {
            return Err(LightError::Offline { name: name.to_string() });
        }
        let mut out = Vec::new();
        self.ask(vec![name.clone()], now, &mut out);
        Ok(Started::Asked(out))
    }

    /// The verified answer for `name` at `now`, from the cache: the live entry, or why the
    /// name does not resolve (`resolve.not_found` when the peers proved it absent,
    /// `resolve.in_grace`, `resolve.expired`), or why no answer could be had (the last
    /// failed lookup's `light.no_answer`, `resolve.offline`).
    pub fn answer(&self, name: &Name, now: u64) -> Result<Answer<'_>, LightError> {
        let Some(known) = self.cache.get(name) else {
            if let Some(failure) = self.failures.get(name) {
                return Err(failure.clone());
            }
            return Err(LightError::Offline { name: name.to_string() });
        };
        let not_found = || ResolveError::NotFound { name: name.to_string() };
        let entry = known.entry.as_ref().ok_or_else(not_found)?;
        let expires = entry.expires();
        match rules::status(entry, &self.params, now) {
            Status::Live => {
                Ok(Answer { entry, verified_at: known.verified_at, stale: self.stale(known, now) })
            }
            Status::Grace => Err(ResolveError::InGrace {
                name: name.to_string(),
                expires,
                lapses: expires.saturating_add(self.params.grace_period_ms),
            }
            .into()),
            Status::Lapsed => Err(ResolveError::Expired { name: name.to_string(), expires }.into()),
        }
    }

    /// A change signed here (a registration, update, renewal or transfer built with
    /// [`crate::build`]): checked by every rule a full node applies, against the version
    /// verified here if any, then sent to every connected peer and watched. `light.no_peers`
    /// with nobody to send it to (nothing is queued: a light client holds no replica).
    pub fn submit(&mut self, entry: EncodedEntry, now: u64) -> Result<Vec<Outbound>, LightError> {
        self.verify_new(&entry, now)?;
        let name = entry.name().clone();
        let peers = self.peers();
        if peers.is_empty() {
            return Err(LightError::NoPeers { name: name.to_string() });
        }
        let mut out = Vec::new();
        if self.cache.touch(&name) {
            self.send_watch(&mut out);
        }
        self.cache
            .set(&name, Known { entry: Some(entry.clone()), verified_at: now, confirmed: true });
        self.failures.remove(&name);
        for peer in peers {
            self.send(peer, &Message::Ops { entries: vec![entry.clone()] }, &mut out);
        }
        Ok(out)
    }

    /// Periodic work: re-sends `light_hello` to peers that have not answered, and finishes
    /// lookups whose peers did not all answer in time. Call it every few hundred ms.
    pub fn tick(&mut self, now: u64) -> Vec<Outbound> {
        let mut out = Vec::new();
        let retry = self.config.hello_retry_ms;
        let due: Vec<LinkId> = self
            .sessions
            .iter()
            .filter(|(_, s)| !s.ready && now >= s.hello_sent_at.saturating_add(retry))
            .map(|(p, _)| *p)
            .collect();
        for peer in due {
            if let Some(s) = self.sessions.get_mut(&peer) {
                s.hello_sent_at = now;
            }
            self.send(
                peer,
                &Message::LightHello { network: ByteArray::new(self.network) },
                &mut out,
            );
        }
        let timeout = self.config.answer_timeout_ms;
        let late: Vec<Name> = self
            .lookups
            .iter()
            .filter(|(_, l)| now >= l.started_at.saturating_add(timeout))
            .map(|(n, _)| n.clone())
            .collect();
        for name in late {
            let timeout = LightError::Timeout { name: name.to_string() };
            if let Some(lookup) = self.lookups.get_mut(&name) {
                for peer in lookup.waiting.clone() {
                    lookup.failed(peer, timeout.code());
                }
            }
            self.finish(&name, now);
        }
        out
    }

    /// Asks the first [`LightConfig::peers_asked`] ready peers about `names` (those without
    /// a lookup in flight), after putting them on the watch list so that no change between
    /// the answer and the watch can be missed.
    pub(super) fn ask(&mut self, names: Vec<Name>, now: u64, out: &mut Vec<Outbound>) {
        let peers: BTreeSet<LinkId> =
            self.peers().into_iter().take(self.config.peers_asked.max(1)).collect();
        let mut changed = false;
        let mut fresh = Vec::new();
        for name in names {
            changed |= self.cache.touch(&name);
            if !self.lookups.contains_key(&name) {
                self.lookups.insert(name.clone(), Lookup::new(peers.clone(), now));
                fresh.push(name);
            }
        }
        if changed {
            self.send_watch(out);
        }
        for &peer in &peers {
            self.request(peer, &fresh, out);
        }
    }

    /// Sends `get_proofs` for `names` to `peer`, as many requests as the bound needs.
    pub(super) fn request(&mut self, peer: LinkId, names: &[Name], out: &mut Vec<Outbound>) {
        for chunk in names.chunks(MAX_NAMES_PER_PROOF_REQUEST) {
            let Some(s) = self.sessions.get_mut(&peer) else { return };
            s.next_id += 1;
            let id = s.next_id;
            s.requests.insert(id, chunk.to_vec());
            self.send(peer, &Message::GetProofs { id, names: chunk.to_vec() }, out);
        }
    }

    /// Sends the whole watch list to every ready peer.
    pub(super) fn send_watch(&mut self, out: &mut Vec<Outbound>) {
        let names = self.cache.names();
        for peer in self.peers() {
            self.send(peer, &Message::Watch { names: names.clone() }, out);
        }
    }

    /// Ends the lookup of `name` if nobody is left to answer: keeps the winner among the
    /// valid answers and what was verified before, or records the failure.
    pub(super) fn finish(&mut self, name: &Name, now: u64) {
        if self.lookups.get(name).is_none_or(|l| !l.waiting.is_empty()) {
            return;
        }
        let Some(lookup) = self.lookups.remove(name) else { return };
        self.push_event(LightEvent::Answered { name: name.clone() });
        if lookup.answers.is_empty() {
            let failures = lookup.failure_list();
            if self.failures.len() >= self.config.watch_capacity.max(1) {
                // Bounded like the cache; a forgotten failure only means asking again.
                self.failures.clear();
            }
            self.failures
                .insert(name.clone(), LightError::NoAnswer { name: name.to_string(), failures });
            return;
        }
        self.failures.remove(name);
        let held = self.cache.get(name).and_then(|k| k.entry.as_ref());
        let before = held.map(|e| *e.cid());
        let best = winner(held, entries(&lookup.answers), &self.params, now).cloned();
        let after = best.as_ref().map(|e| *e.cid());
        let confirmed = !self.peers().is_empty();
        self.cache.set(name, Known { entry: best, verified_at: now, confirmed });
        if before != after {
            self.push_event(LightEvent::Change { name: name.clone() });
        }
        if let Some(expected) = lookup.expected {
            let shown: Vec<Cid> = entries(&lookup.answers).map(|e| *e.cid()).collect();
            self.confirm_change(name, expected, &shown);
        }
    }

    /// Forgets the session with `peer` (closed by either side, `code` set on an error).
    pub(super) fn end_session(&mut self, peer: LinkId, code: Option<String>, now: u64) {
        self.sessions.remove(&peer);
        let why = code.clone().unwrap_or_else(|| "disconnected".into());
        let names: Vec<Name> = self.lookups.keys().cloned().collect();
        for name in names {
            if let Some(lookup) = self.lookups.get_mut(&name) {
                lookup.failed(peer, &why);
            }
            self.finish(&name, now);
        }
        if self.peers().is_empty() {
            self.cache.unconfirm_all();
        }
        self.push_event(LightEvent::Peer(PeerChange::Disconnected { peer, code }));
    }

    /// Ends the session with `peer` on `error`: `bye`, then close.
    pub(super) fn fail(
        &mut self,
        peer: LinkId,
        error: SyncError,
        now: u64,
        out: &mut Vec<Outbound>,
    ) {
        let (code, reason) = (error.code().to_string(), error.to_string());
        self.send(peer, &Message::bye(&error), out);
        self.end_session(peer, Some(code.clone()), now);
        out.push(Outbound::Close { peer, code, reason });
    }

    /// Sends `message` to `peer`, counted in its session and the totals.
    pub(super) fn send(&mut self, peer: LinkId, message: &Message, out: &mut Vec<Outbound>) {
        self.counted(peer).send(peer, message, out);
    }

    /// Updates the counters of `peer`'s session and the totals alike.
    pub(super) fn stat(&mut self, peer: LinkId, f: impl Fn(&mut PeerStats)) {
        self.counted(peer).count(f);
    }

    fn counted(&mut self, peer: LinkId) -> Counted<'_> {
        let session = self.sessions.get_mut(&peer).map(|s| &mut s.stats);
        Counted { session, totals: &mut self.totals }
    }

    pub(super) fn push_event(&mut self, event: LightEvent) {
        if self.events.len() >= self.config.event_capacity {
            self.events.pop_front();
        }
        self.events.push_back(event);
    }
}
