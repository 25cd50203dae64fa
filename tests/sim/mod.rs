//! A deterministic multi-node simulation of VNS peer sync.
//!
//! N [`SyncNode`]s, each with its own [`MemoryBlockstore`], connected by a simulated network
//! driven by a seeded xorshift RNG: every frame gets a random delay (so frames reorder), and
//! may be dropped silently, duplicated, or reported to the sender as a failed send. Links can
//! be partitioned and healed; a node can crash (losing its memory, optionally its unsaved
//! changes) and restart from its blockstore. Time is simulated: `run(ms)` delivers frames and
//! ticks every node in time order, so a run is a pure function of the seed and the script.
//!
//! Live deltas go to every linked peer (flood, what the sync nodes do), or, after
//! [`Sim::enable_gossip`], on a gossipsub-like mesh chosen by the transport (`gossip.rs`).
//! Every frame is counted by kind ([`Traffic`]) and every submitted entry is traced to each
//! node ([`Trace`]: when, over how many hops, by which path).
//!
//! | file | concept |
//! |---|---|
//! | `net.rs` | RNG, link quality, packets, frame kinds and traffic counters |
//! | `gossip.rs` | mesh, message cache, `IHave`/`IWant` |
//! | `fanout.rs` | how the transport applies gossip: which links carry a delta, heartbeats |
//! | `trace.rs` | first arrival of each entry at each node |
//! | `topology.rs` | random sparse graphs and connected regions |
#![allow(dead_code)]

mod fanout;
pub mod gossip;
pub mod net;
pub mod topology;
pub mod trace;

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

use cid::Cid;
use vns::blockstore::MemoryBlockstore;
use vns::entry::Entry;
use vns::name::Name;
use vns::namespace::{Limits, Namespace};
use vns::params::NetworkParams;
use vns::sync::{Event, LinkId, Outbound, SyncConfig, SyncNode};

use gossip::{Gossip, GossipConfig};
use net::{msg_id, Packet, Payload};
pub use net::{Kind, NetConfig, Rng, Traffic};
use trace::Trace;

pub struct Sim {
    pub now: u64,
    pub params: NetworkParams,
    pub config: SyncConfig,
    pub limits: Limits,
    pub net: NetConfig,
    pub tick_ms: u64,
    rng: Rng,
    nodes: Vec<Option<SyncNode>>,
    stores: Vec<MemoryBlockstore>,
    /// Wanted topology (i < j).
    links: BTreeSet<(usize, usize)>,
    /// Partition group of each node (`None`: no partition).
    groups: Option<Vec<usize>>,
    /// Open connections (i < j) and their epoch.
    open: BTreeMap<(usize, usize), u64>,
    /// Connections a node closed on a protocol error: not reopened.
    banned: BTreeSet<(usize, usize)>,
    packets: BinaryHeap<Reverse<Packet>>,
    seq: u64,
    epoch: u64,
    next_tick: u64,
    /// Every event each node reported, in order.
    pub events: Vec<Vec<Event>>,
    /// Actions addressed to handles that are not simulated nodes (a test's hand-driven peer).
    pub external: Vec<(usize, Outbound)>,
    /// Everything put on the network, by kind.
    pub traffic: Traffic,
    /// Where each submitted entry went.
    pub trace: Trace,
    /// The gossip transport, when enabled (otherwise live deltas flood every link).
    gossip: Option<Gossip>,
    next_heartbeat: u64,
    seed: u64,
}

fn key(a: usize, b: usize) -> (usize, usize) {
    (a.min(b), a.max(b))
}

impl Sim {
    /// `n` empty nodes at time `now`, linked to nobody yet.
    pub fn new(n: usize, seed: u64, now: u64, params: NetworkParams, config: SyncConfig) -> Sim {
        let limits = Limits { registrations_per_hour: u32::MAX };
        let nodes = (0..n)
            .map(|_| {
                let ns = Namespace::with_limits(params.clone(), limits.clone());
                Some(SyncNode::new(ns, config.clone()))
            })
            .collect();
        Sim {
            now,
            params,
            config,
            limits,
            net: NetConfig::perfect(),
            tick_ms: 100,
            rng: Rng::new(seed),
            nodes,
            stores: (0..n).map(|_| MemoryBlockstore::new()).collect(),
            links: BTreeSet::new(),
            groups: None,
            open: BTreeMap::new(),
            banned: BTreeSet::new(),
            packets: BinaryHeap::new(),
            seq: 0,
            epoch: 0,
            next_tick: now,
            events: vec![Vec::new(); n],
            external: Vec::new(),
            traffic: Traffic::default(),
            trace: Trace::new(n),
            gossip: None,
            next_heartbeat: now,
            seed,
        }
    }

    /// Live deltas travel on a gossip mesh from now on (see `gossip.rs`); the first heartbeat
    /// builds the mesh.
    pub fn enable_gossip(&mut self, config: GossipConfig) {
        self.gossip = Some(Gossip::new(self.len(), config, self.seed));
        self.next_heartbeat = self.now;
    }

    /// Mesh degree of node `i` (`None` in flood mode).
    pub fn mesh_degree(&self, i: usize) -> Option<usize> {
        self.gossip.as_ref().map(|g| g.mesh_degree(i))
    }

    /// Links every pair in `links` and opens the connections (one reconcile for all).
    pub fn link_graph(&mut self, links: &BTreeSet<(usize, usize)>) {
        self.links.extend(links.iter().map(|&(i, j)| key(i, j)));
        self.reconcile();
    }

    /// The open connections of every node.
    pub fn neighbours(&self) -> Vec<BTreeSet<usize>> {
        let mut adj = vec![BTreeSet::new(); self.len()];
        for &(i, j) in self.open.keys() {
            adj[i].insert(j);
            adj[j].insert(i);
        }
        adj
    }

    /// Whether nothing is in flight.
    pub fn idle(&self) -> bool {
        self.packets.is_empty()
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Links every pair of nodes (full mesh) and opens the connections.
    pub fn link_all(&mut self) {
        for i in 0..self.len() {
            for j in i + 1..self.len() {
                self.links.insert((i, j));
            }
        }
        self.reconcile();
    }

    /// Links `i` and `j` and opens the connection if possible.
    pub fn link(&mut self, i: usize, j: usize) {
        self.links.insert(key(i, j));
        self.reconcile();
    }

    /// Splits the network: nodes in different groups cannot talk (their connections close).
    pub fn partition(&mut self, groups: &[&[usize]]) {
        let mut of = vec![usize::MAX; self.len()];
        for (g, members) in groups.iter().enumerate() {
            for &m in *members {
                of[m] = g;
            }
        }
        self.groups = Some(of);
        self.reconcile();
    }

    /// Ends the partition; connections reopen.
    pub fn heal(&mut self) {
        self.groups = None;
        self.reconcile();
    }

    pub fn alive(&self, i: usize) -> bool {
        self.nodes[i].is_some()
    }

    /// The running node `i` (panics if crashed).
    pub fn node(&mut self, i: usize) -> &mut SyncNode {
        self.nodes[i].as_mut().expect("node is running")
    }

    pub fn store(&self, i: usize) -> &MemoryBlockstore {
        &self.stores[i]
    }

    /// Saves node `i` (namespace and queue) to its blockstore.
    pub fn save(&mut self, i: usize) {
        let store = self.stores[i].clone();
        pollster::block_on(self.node(i).save(&store)).expect("memory store never fails");
    }

    /// Node `i` dies. With `save_first`, it saved just before; without, changes since its last
    /// save are lost. Its peers see the connections close.
    pub fn crash(&mut self, i: usize, save_first: bool) {
        if save_first {
            self.save(i);
        }
        self.nodes[i] = None;
        if let Some(g) = self.gossip.as_mut() {
            g.forget(i);
        }
        self.reconcile();
    }

    /// Node `i` starts again from its blockstore and reconnects.
    pub fn restart(&mut self, i: usize) {
        let store = self.stores[i].clone();
        let node = pollster::block_on(SyncNode::load(
            &store,
            self.params.clone(),
            self.limits.clone(),
            self.config.clone(),
        ))
        .expect("saved state loads");
        self.nodes[i] = Some(node);
        self.collect_events(i);
        self.reconcile();
    }

    /// A local change on node `i`, broadcast (or queued) as the node decides.
    pub fn submit(&mut self, i: usize, entry: Entry) -> Result<(), vns::error::Error> {
        let now = self.now;
        let id = msg_id(&entry);
        let out = self.node(i).submit(entry.clone(), now)?.out;
        self.trace.publish(i, id, now);
        if let Some(g) = self.gossip.as_mut() {
            g.saw(i, id, entry);
        }
        self.route(i, out);
        Ok(())
    }

    /// Sweeps expired names on every running node.
    pub fn sweep_all(&mut self) -> Vec<Vec<Name>> {
        let now = self.now;
        let mut swept = Vec::new();
        for i in 0..self.len() {
            if self.alive(i) {
                swept.push(self.node(i).sweep_expired(now));
                self.collect_events(i);
            } else {
                swept.push(Vec::new());
            }
        }
        swept
    }

    /// Hands node `i` a frame from a non-simulated peer `handle`; returns what the node sends
    /// back to that handle (actions for simulated peers are routed as usual).
    pub fn inject(&mut self, i: usize, handle: LinkId, bytes: &[u8]) -> Vec<Outbound> {
        let now = self.now;
        let out = self.node(i).receive(handle, bytes, now);
        let start = self.external.len();
        self.route(i, out);
        self.external.drain(start..).map(|(_, o)| o).collect()
    }

    /// Opens a session on node `i` with a non-simulated peer `handle`; returns its Hello.
    pub fn connect_external(&mut self, i: usize, handle: LinkId) -> Vec<Outbound> {
        let now = self.now;
        let out = self.node(i).connect(handle, now);
        let start = self.external.len();
        self.route(i, out);
        self.external.drain(start..).map(|(_, o)| o).collect()
    }

    /// Merkle roots of the running nodes, by index.
    pub fn roots(&mut self) -> Vec<(usize, Cid)> {
        let alive: Vec<usize> = (0..self.len()).filter(|&i| self.alive(i)).collect();
        alive.into_iter().map(|i| (i, self.node(i).merkle_root())).collect()
    }

    /// Whether every running node has the same root.
    pub fn converged(&mut self) -> bool {
        let roots = self.roots();
        roots.windows(2).all(|w| w[0].1 == w[1].1)
    }

    /// Runs until every running node has the same root and nothing is in flight, checking
    /// every `step` ms, for at most `max_ms`. Returns the simulated time it took.
    pub fn run_until_converged(&mut self, max_ms: u64) -> Option<u64> {
        let start = self.now;
        let step = 250;
        while self.now - start < max_ms {
            self.run(step);
            if self.packets.is_empty() && self.converged() {
                return Some(self.now - start);
            }
        }
        None
    }

    /// Advances simulated time by `ms`, delivering frames and ticking nodes in time order.
    pub fn run(&mut self, ms: u64) {
        let end = self.now + ms;
        loop {
            let packet_at = self.packets.peek().map(|Reverse(p)| p.at);
            let next = match packet_at {
                Some(at) if at < self.next_tick => at,
                _ => self.next_tick,
            };
            if next > end {
                break;
            }
            self.now = self.now.max(next);
            if packet_at == Some(next) && next < self.next_tick {
                let Reverse(packet) = self.packets.pop().expect("peeked");
                self.deliver(packet);
            } else {
                self.next_tick += self.tick_ms;
                if self.gossip.is_some() && self.now >= self.next_heartbeat {
                    self.heartbeat();
                }
                for i in 0..self.len() {
                    if self.alive(i) {
                        let now = self.now;
                        let out = self.node(i).tick(now);
                        self.route(i, out);
                    }
                }
            }
        }
        self.now = end;
    }

    fn deliver(&mut self, packet: Packet) {
        let k = key(packet.from, packet.to);
        if self.open.get(&k) != Some(&packet.epoch) || !self.alive(packet.to) {
            return; // the connection it travelled on is gone
        }
        let (from, to, now) = (packet.from, packet.to, self.now);
        match packet.payload {
            Payload::Frame { bytes, kind, ids } => {
                if !ids.is_empty() {
                    self.note_arrival(from, to, kind, &ids, &bytes);
                }
                let out = self.node(to).receive(from as LinkId, &bytes, now);
                self.route(to, out);
            }
            Payload::Close => {
                self.open.remove(&k);
                self.node(to).disconnect(from as LinkId);
                self.collect_events(to);
            }
            Payload::IHave(ids) => self.on_ihave(from, to, packet.epoch, ids),
            Payload::IWant(ids) => self.on_iwant(from, to, packet.epoch, ids),
        }
    }

    /// Carries node `from`'s actions into the network.
    fn route(&mut self, from: usize, out: Vec<Outbound>) {
        for action in out {
            let to = action.peer() as usize;
            if to >= self.len() {
                self.external.push((from, action));
                continue;
            }
            let k = key(from, to);
            let Some(&epoch) = self.open.get(&k) else {
                if let Outbound::Send { bytes, .. } = action {
                    let now = self.now;
                    self.node(from).send_failed(to as LinkId, &bytes, now);
                }
                continue;
            };
            match action {
                Outbound::Send { bytes, .. } => {
                    let (kind, ids) = Kind::of_frame(&bytes);
                    if kind == Kind::Ops && !self.carries_ops(from, to, &ids) {
                        self.traffic.withheld_ops += 1;
                        continue;
                    }
                    if self.rng.chance(self.net.fail) {
                        let now = self.now;
                        self.node(from).send_failed(to as LinkId, &bytes, now);
                        continue;
                    }
                    self.traffic.add(kind, bytes.len());
                    self.transmit(from, to, epoch, Payload::Frame { bytes, kind, ids });
                }
                Outbound::Close { .. } => {
                    self.banned.insert(k);
                    let at = self.now + self.net.max_delay_ms + 1;
                    self.push(Packet { at, seq: 0, from, to, epoch, payload: Payload::Close });
                }
            }
        }
        self.collect_events(from);
    }

    /// Puts a packet on the link: maybe lost, maybe duplicated, after a random delay.
    fn transmit(&mut self, from: usize, to: usize, epoch: u64, payload: Payload) {
        if self.rng.chance(self.net.drop) {
            return;
        }
        if self.rng.chance(self.net.duplicate) {
            self.schedule(from, to, epoch, payload.clone());
        }
        self.schedule(from, to, epoch, payload);
    }

    fn schedule(&mut self, from: usize, to: usize, epoch: u64, payload: Payload) {
        let at = self.now + self.rng.range(self.net.min_delay_ms, self.net.max_delay_ms);
        self.push(Packet { at, seq: 0, from, to, epoch, payload });
    }

    fn push(&mut self, mut packet: Packet) {
        self.seq += 1;
        packet.seq = self.seq;
        self.packets.push(Reverse(packet));
    }

    fn collect_events(&mut self, i: usize) {
        if let Some(node) = self.nodes[i].as_mut() {
            let events = node.take_events();
            self.events[i].extend(events);
        }
    }

    /// Opens the connections that should be open and closes the others.
    fn reconcile(&mut self) {
        let should = |s: &Sim, (i, j): (usize, usize)| {
            s.alive(i)
                && s.alive(j)
                && !s.banned.contains(&(i, j))
                && s.groups.as_ref().is_none_or(|g| g[i] == g[j])
        };
        let open: Vec<(usize, usize)> = self.open.keys().copied().collect();
        for k in open {
            if !should(self, k) || !self.links.contains(&k) {
                self.open.remove(&k);
                for (a, b) in [(k.0, k.1), (k.1, k.0)] {
                    if self.alive(a) {
                        self.node(a).disconnect(b as LinkId);
                        self.collect_events(a);
                    }
                }
            }
        }
        let links: Vec<(usize, usize)> = self.links.iter().copied().collect();
        for k in links {
            if should(self, k) && !self.open.contains_key(&k) {
                self.epoch += 1;
                self.open.insert(k, self.epoch);
                let now = self.now;
                let a = self.node(k.0).connect(k.1 as LinkId, now);
                let b = self.node(k.1).connect(k.0 as LinkId, now);
                self.route(k.0, a);
                self.route(k.1, b);
            }
        }
    }
}
