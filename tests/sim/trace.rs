//! Where each registration went: for every entry submitted through the simulation, when each
//! node first received it, over how many hops and by which path.

use std::collections::HashMap;

use super::net::MsgId;

/// How a node first got an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Via {
    /// Submitted here.
    Origin,
    /// A live `ops` frame pushed by a peer (every link in flood mode, a mesh link in gossip).
    Push,
    /// Asked for after a peer's `IHave` (gossip only).
    Lazy,
    /// Fetched by merkle catch-up.
    CatchUp,
}

/// One node's first receipt of one entry.
#[derive(Debug, Clone, Copy)]
pub struct Arrival {
    pub at: u64,
    pub hops: u32,
    pub via: Via,
}

/// One tracked entry.
#[derive(Debug, Clone)]
pub struct Flight {
    pub origin: usize,
    pub submitted_at: u64,
    pub arrivals: Vec<Option<Arrival>>,
}

impl Flight {
    /// Whether every node in `nodes` holds it.
    pub fn reached(&self, mut nodes: impl Iterator<Item = usize>) -> bool {
        nodes.all(|i| self.arrivals[i].is_some())
    }

    /// Time from submission until the last of `nodes` got it, if all did.
    pub fn full_propagation(&self, nodes: impl Iterator<Item = usize>) -> Option<u64> {
        let mut last = self.submitted_at;
        for i in nodes {
            last = last.max(self.arrivals[i]?.at);
        }
        Some(last - self.submitted_at)
    }
}

/// Every tracked entry, in submission order.
#[derive(Debug, Default)]
pub struct Trace {
    nodes: usize,
    order: Vec<MsgId>,
    flights: HashMap<MsgId, Flight>,
}

impl Trace {
    pub fn new(nodes: usize) -> Trace {
        Trace { nodes, ..Trace::default() }
    }

    /// `id` was submitted on `origin` at `now`.
    pub fn publish(&mut self, origin: usize, id: MsgId, now: u64) {
        let order = &mut self.order;
        let nodes = self.nodes;
        let flight = self.flights.entry(id).or_insert_with(|| {
            order.push(id);
            Flight { origin, submitted_at: now, arrivals: vec![None; nodes] }
        });
        if flight.arrivals[origin].is_none() {
            flight.arrivals[origin] = Some(Arrival { at: now, hops: 0, via: Via::Origin });
        }
    }

    /// A frame carrying `ids` from `from` reached `to` at `now`. Entries `to` had never seen
    /// get their first arrival, one hop further than `from`'s.
    pub fn arrive(&mut self, from: usize, to: usize, ids: &[MsgId], now: u64, via: Via) {
        for id in ids {
            let Some(flight) = self.flights.get_mut(id) else { continue };
            if flight.arrivals[to].is_some() {
                continue;
            }
            let Some(before) = flight.arrivals[from] else { continue };
            flight.arrivals[to] = Some(Arrival { at: now, hops: before.hops + 1, via });
        }
    }

    /// Whether `node` was the origin of `id`.
    pub fn is_origin(&self, node: usize, id: &MsgId) -> bool {
        self.flights.get(id).is_some_and(|f| f.origin == node)
    }

    /// Tracked entries in submission order.
    pub fn flights(&self) -> impl Iterator<Item = &Flight> {
        self.order.iter().map(|id| &self.flights[id])
    }
}
