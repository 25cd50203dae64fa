//! The simulated wire: a seeded RNG, how unreliable links are, what travels on them, and the
//! traffic counters every frame is charged to.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use vns::sync::Message;

/// Identity of one entry version on the wire: BLAKE3 of its DAG-CBOR bytes (the same hash the
/// sync node uses for "already known to this peer", and a content id as gossipsub's
/// `msgIdFn` would compute it).
pub type MsgId = [u8; 32];

/// The id of `entry`.
pub fn msg_id(entry: &vns::entry::Entry) -> MsgId {
    vns::block::hash(&entry.encode())
}

/// xorshift64*: tiny, seeded, good enough to schedule a network.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }

    /// Uniform index below `n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `per_mille / 1000`.
    pub fn chance(&mut self, per_mille: u32) -> bool {
        per_mille > 0 && self.next_u64() % 1000 < per_mille as u64
    }

    /// Fisher–Yates, so a choice of "k random peers" is the first k.
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

/// How unreliable the network is.
#[derive(Debug, Clone, Copy)]
pub struct NetConfig {
    pub min_delay_ms: u64,
    pub max_delay_ms: u64,
    /// Frames lost without anyone noticing (per mille).
    pub drop: u32,
    /// Frames delivered twice (per mille).
    pub duplicate: u32,
    /// Frames the transport reports as failed to the sender (per mille).
    pub fail: u32,
}

impl NetConfig {
    pub fn perfect() -> NetConfig {
        NetConfig { min_delay_ms: 1, max_delay_ms: 1, drop: 0, duplicate: 0, fail: 0 }
    }

    /// Delays of 5–150 ms (so frames reorder), 2% lost, 2% duplicated, 1% failed.
    pub fn lossy() -> NetConfig {
        NetConfig { min_delay_ms: 5, max_delay_ms: 150, drop: 20, duplicate: 20, fail: 10 }
    }

    /// Internet-like one-way delays of 10–100 ms, nothing lost: the scale runs measure the
    /// fanout, not the loss recovery.
    pub fn wide_area() -> NetConfig {
        NetConfig { min_delay_ms: 10, max_delay_ms: 100, drop: 0, duplicate: 0, fail: 0 }
    }
}

/// What a frame is, for the traffic counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Hello,
    /// Live deltas pushed by a sync node (flood: every link; gossip: mesh links).
    Ops,
    Root,
    /// Catch-up tree walk: `get_nodes` and `nodes`.
    Nodes,
    /// Catch-up entry fetch: `get_entries` and `entries`.
    Entries,
    Bye,
    /// Light-client messages (`light_hello`, `get_proofs`, `proofs`, `watch`): the
    /// simulation runs none, so any counted here would be a bug.
    Light,
    /// A frame the harness could not decode (only hostile tests send these).
    Garbage,
    /// Gossip control: message ids offered to a non-mesh peer.
    IHave,
    /// Gossip control: the ids asked for after an `IHave`.
    IWant,
    /// The `ops` frame that answers an `IWant`.
    IWantOps,
    /// Gossip control: mesh membership changes.
    GraftPrune,
}

impl Kind {
    /// What a sync frame is and, for frames that carry entries, their ids.
    pub fn of_frame(bytes: &[u8]) -> (Kind, Vec<MsgId>) {
        match Message::decode(bytes) {
            Ok(Message::Hello { .. }) => (Kind::Hello, Vec::new()),
            Ok(Message::Ops { entries }) => {
                (Kind::Ops, entries.iter().map(|e| msg_id(e)).collect())
            }
            Ok(Message::Root { .. }) => (Kind::Root, Vec::new()),
            Ok(Message::GetNodes { .. } | Message::Nodes { .. }) => (Kind::Nodes, Vec::new()),
            Ok(Message::GetEntries { .. }) => (Kind::Entries, Vec::new()),
            Ok(Message::Entries { entries, .. }) => {
                (Kind::Entries, entries.iter().map(|e| msg_id(e)).collect())
            }
            Ok(Message::Bye { .. }) => (Kind::Bye, Vec::new()),
            Ok(
                Message::LightHello { .. }
                | Message::GetProofs { .. }
                | Message::Proofs { .. }
                | Message::Watch { .. },
            ) => (Kind::Light, Vec::new()),
            Err(_) => (Kind::Garbage, Vec::new()),
        }
    }

    /// Whether this is gossip machinery (absent in flood mode).
    pub fn is_gossip(self) -> bool {
        matches!(self, Kind::IHave | Kind::IWant | Kind::IWantOps | Kind::GraftPrune)
    }
}

/// Frames and bytes of one kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Count {
    pub frames: u64,
    pub bytes: u64,
}

impl Count {
    pub fn plus(self, other: Count) -> Count {
        Count { frames: self.frames + other.frames, bytes: self.bytes + other.bytes }
    }
}

/// Everything handed to the network, by kind (a frame the network then drops still counts:
/// it was sent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Traffic {
    pub by_kind: BTreeMap<Kind, Count>,
    /// `ops` frames the gossip transport did not put on a link (a non-mesh peer).
    pub withheld_ops: u64,
}

impl Traffic {
    pub fn add(&mut self, kind: Kind, bytes: usize) {
        let c = self.by_kind.entry(kind).or_default();
        c.frames += 1;
        c.bytes += bytes as u64;
    }

    pub fn get(&self, kind: Kind) -> Count {
        self.by_kind.get(&kind).copied().unwrap_or_default()
    }

    /// Sum over the kinds `pick` selects.
    pub fn sum(&self, pick: impl Fn(Kind) -> bool) -> Count {
        self.by_kind
            .iter()
            .filter(|(k, _)| pick(**k))
            .fold(Count::default(), |t, (_, c)| t.plus(*c))
    }

    /// What was sent after `earlier` (a snapshot of this counter).
    pub fn since(&self, earlier: &Traffic) -> Traffic {
        let mut by_kind = BTreeMap::new();
        for (k, c) in &self.by_kind {
            let e = earlier.get(*k);
            by_kind.insert(*k, Count { frames: c.frames - e.frames, bytes: c.bytes - e.bytes });
        }
        Traffic { by_kind, withheld_ops: self.withheld_ops - earlier.withheld_ops }
    }
}

/// What a packet carries.
#[derive(Debug, Clone)]
pub enum Payload {
    /// A sync frame, with what the harness read from it when it was sent.
    Frame {
        bytes: Vec<u8>,
        kind: Kind,
        ids: Vec<MsgId>,
    },
    /// The sender closed the connection (after its earlier frames).
    Close,
    /// Gossip control frames (their bytes are modelled, see `gossip.rs`).
    IHave(Vec<MsgId>),
    IWant(Vec<MsgId>),
}

/// One frame in flight, ordered by delivery time, then by sending order.
#[derive(Debug)]
pub struct Packet {
    pub at: u64,
    pub seq: u64,
    pub from: usize,
    pub to: usize,
    /// The connection it travels on: a packet of a closed connection is never delivered.
    pub epoch: u64,
    pub payload: Payload,
}

impl PartialEq for Packet {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}

impl Eq for Packet {}

impl PartialOrd for Packet {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Packet {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}
