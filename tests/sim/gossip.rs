//! A gossipsub-like fanout for live deltas, modelled in the transport.
//!
//! The sync nodes are unchanged: they still hand every accepted version to every linked peer.
//! With gossip on, the simulated transport carries a live `ops` frame only on mesh links;
//! the other links learn of it by lazy gossip (`IHave` of recent message ids at each
//! heartbeat, answered by `IWant`, answered by the `ops` frame) or by the merkle catch-up the
//! sync nodes run anyway. What is modelled, after gossipsub v1.1 as js-libp2p runs it:
//!
//! * a symmetric mesh per node kept between `d_lo` and `d_hi` peers (target `d`) among its
//!   open connections, repaired at every heartbeat (random grafts below `d_lo`, random prunes
//!   above `d_hi`);
//! * a message cache of `history_length` heartbeats, of which the last `history_gossip` are
//!   offered in `IHave` to `max(d_lazy, gossip_factor × non-mesh peers)` random non-mesh
//!   peers; `IWant` asks for the unseen ids; the answer is one `ops` frame per message;
//! * `flood_publish` (js-libp2p's default): a node's own new message goes to every connected
//!   peer, not only its mesh;
//! * a seen cache: a node asks only for ids it has not received.
//!
//! Not modelled: peer scoring, graylisting, PRUNE backoff and peer exchange, opportunistic
//! grafting, `IDontWant`, fanout maps for unsubscribed publishers, promise tracking for
//! unanswered `IWant`s, seen-cache expiry, and gossipsub's own envelope around a message
//! (topic and framing, about 80 bytes a message, not counted). Mesh changes take effect on
//! both sides at once (a GRAFT or PRUNE is charged as one control frame of modelled size).

use std::collections::{BTreeSet, HashSet, VecDeque};

use vns::entry::Entry;

use super::net::{MsgId, Rng};

/// Gossip parameters (gossipsub's names and defaults).
#[derive(Debug, Clone, Copy)]
pub struct GossipConfig {
    pub d: usize,
    pub d_lo: usize,
    pub d_hi: usize,
    pub d_lazy: usize,
    /// Share of non-mesh peers that get `IHave`, in percent (gossipsub: 0.25).
    pub gossip_factor_pct: usize,
    pub heartbeat_ms: u64,
    pub history_length: usize,
    pub history_gossip: usize,
    pub flood_publish: bool,
}

impl Default for GossipConfig {
    fn default() -> Self {
        GossipConfig {
            d: 6,
            d_lo: 4,
            d_hi: 12,
            d_lazy: 6,
            gossip_factor_pct: 25,
            heartbeat_ms: 1000,
            history_length: 5,
            history_gossip: 3,
            flood_publish: true,
        }
    }
}

/// Modelled protobuf sizes of gossipsub control frames: RPC and control envelope, a topic
/// string like `/vns/1/<64 hex digits>`, and 2 + 32 bytes per message id.
const ENVELOPE_BYTES: usize = 6;
const TOPIC_FIELD_BYTES: usize = 2 + 72;
const ID_FIELD_BYTES: usize = 2 + 32;

pub fn ihave_bytes(ids: usize) -> usize {
    ENVELOPE_BYTES + TOPIC_FIELD_BYTES + ids * ID_FIELD_BYTES
}

pub fn iwant_bytes(ids: usize) -> usize {
    ENVELOPE_BYTES + ids * ID_FIELD_BYTES
}

pub const GRAFT_PRUNE_BYTES: usize = ENVELOPE_BYTES + TOPIC_FIELD_BYTES;

/// A control frame decided at a heartbeat, from `.0` to `.1`.
#[derive(Debug)]
pub enum Control {
    IHave(usize, usize, Vec<MsgId>),
    /// A graft or a prune (mesh membership already updated on both sides).
    Membership(usize, usize),
}

/// Gossip state of every node.
pub struct Gossip {
    pub config: GossipConfig,
    rng: Rng,
    mesh: Vec<BTreeSet<usize>>,
    seen: Vec<HashSet<MsgId>>,
    /// Per node, the messages first received in each of the last heartbeats (newest last).
    cache: Vec<VecDeque<Vec<(MsgId, Entry)>>>,
}

impl Gossip {
    pub fn new(nodes: usize, config: GossipConfig, seed: u64) -> Gossip {
        Gossip {
            config,
            rng: Rng::new(seed ^ 0x6055_1950),
            mesh: vec![BTreeSet::new(); nodes],
            seen: vec![HashSet::new(); nodes],
            cache: vec![VecDeque::from([Vec::new()]); nodes],
        }
    }

    pub fn is_mesh(&self, a: usize, b: usize) -> bool {
        self.mesh[a].contains(&b)
    }

    pub fn mesh_degree(&self, node: usize) -> usize {
        self.mesh[node].len()
    }

    pub fn has_seen(&self, node: usize, id: &MsgId) -> bool {
        self.seen[node].contains(id)
    }

    /// `node` received (or published) `entry`: remembered, and cached for `IWant`s.
    pub fn saw(&mut self, node: usize, id: MsgId, entry: Entry) {
        if self.seen[node].insert(id) {
            self.cache[node].back_mut().expect("one window at least").push((id, entry));
        }
    }

    /// The cached messages `node` holds among `ids`.
    pub fn serve(&self, node: usize, ids: &[MsgId]) -> Vec<Entry> {
        let wanted: HashSet<&MsgId> = ids.iter().collect();
        self.cache[node]
            .iter()
            .flatten()
            .filter(|(id, _)| wanted.contains(id))
            .map(|(_, e)| e.clone())
            .collect()
    }

    /// `node` crashed: its mesh, seen set and cache are gone (peers drop it at their next
    /// heartbeat, when its connections are closed).
    pub fn forget(&mut self, node: usize) {
        self.mesh[node].clear();
        self.seen[node].clear();
        self.cache[node] = VecDeque::from([Vec::new()]);
    }

    /// One heartbeat of every node, given each node's open connections: mesh repair, then
    /// `IHave` of the recent windows to random non-mesh peers, then a new cache window.
    pub fn heartbeat(&mut self, neighbours: &[BTreeSet<usize>]) -> Vec<Control> {
        let mut out = Vec::new();
        for node in 0..self.mesh.len() {
            self.repair(node, neighbours, &mut out);
        }
        for (node, around) in neighbours.iter().enumerate() {
            self.emit_ihave(node, around, &mut out);
            let cache = &mut self.cache[node];
            cache.push_back(Vec::new());
            while cache.len() > self.config.history_length {
                cache.pop_front();
            }
        }
        out
    }

    fn repair(&mut self, node: usize, neighbours: &[BTreeSet<usize>], out: &mut Vec<Control>) {
        let gone: Vec<usize> =
            self.mesh[node].iter().copied().filter(|p| !neighbours[node].contains(p)).collect();
        for p in gone {
            self.mesh[node].remove(&p);
            self.mesh[p].remove(&node);
        }
        let c = self.config;
        if self.mesh[node].len() < c.d_lo {
            let mut candidates: Vec<usize> = neighbours[node]
                .iter()
                .copied()
                .filter(|p| !self.mesh[node].contains(p) && self.mesh[*p].len() < c.d_hi)
                .collect();
            self.rng.shuffle(&mut candidates);
            for p in candidates.into_iter().take(c.d - self.mesh[node].len()) {
                self.mesh[node].insert(p);
                self.mesh[p].insert(node);
                out.push(Control::Membership(node, p));
            }
        } else if self.mesh[node].len() > c.d_hi {
            let mut members: Vec<usize> = self.mesh[node].iter().copied().collect();
            self.rng.shuffle(&mut members);
            for p in members.into_iter().skip(c.d) {
                self.mesh[node].remove(&p);
                self.mesh[p].remove(&node);
                out.push(Control::Membership(node, p));
            }
        }
    }

    fn emit_ihave(&mut self, node: usize, neighbours: &BTreeSet<usize>, out: &mut Vec<Control>) {
        let recent = self.cache[node].iter().rev().take(self.config.history_gossip);
        let ids: Vec<MsgId> = recent.flatten().map(|(id, _)| *id).collect();
        if ids.is_empty() {
            return;
        }
        let mut others: Vec<usize> =
            neighbours.iter().copied().filter(|p| !self.mesh[node].contains(p)).collect();
        let count = self.config.d_lazy.max(others.len() * self.config.gossip_factor_pct / 100);
        self.rng.shuffle(&mut others);
        for p in others.into_iter().take(count) {
            out.push(Control::IHave(node, p, ids.clone()));
        }
    }
}
