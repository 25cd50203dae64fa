//! What a node remembers about one peer connection.

use std::collections::BTreeSet;

use cid::Cid;

use super::catchup::CatchUp;
use super::recent::Recent;
use super::stats::PeerStats;
use crate::name::Name;

/// One peer session: handshake state, what the peer is known to hold, the catch-up in
/// progress and counters.
#[derive(Debug)]
pub(crate) struct Session {
    /// Whether the peer's `Hello` (or `LightHello`) arrived and matched our network.
    pub(crate) ready: bool,
    /// A local link ([`SyncNode::connect_local`](super::SyncNode::connect_local)): another
    /// tab of this origin, which gets every change but is no way to the network.
    pub(crate) local: bool,
    /// Whether live deltas go to this peer (false on catch-up links, whose live deltas
    /// travel on the topic instead).
    pub(crate) live: bool,
    /// Whether the peer opened with `LightHello`: it holds no replica, gets no root
    /// announcements or catch-up, and only the deltas of the names it watches.
    pub(crate) light: bool,
    /// The names a light peer watches (at most `MAX_WATCHED_NAMES`).
    pub(crate) watch: BTreeSet<Name>,
    /// When the link opened: the handshake must complete within the timeout from here.
    pub(crate) opened_at: u64,
    /// When we last sent our `Hello`, and how many times we sent it.
    pub(crate) hello_sent_at: u64,
    pub(crate) hellos_sent: u32,
    /// The peer's clock minus ours when its last `Hello` arrived (bounded), in ms.
    pub(crate) clock_offset: Option<i64>,
    /// The peer's latest announced root.
    pub(crate) remote_root: Option<Cid>,
    /// Hashes of entries the peer sent us or we sent it: never sent (back) to it.
    pub(crate) known: Recent,
    /// The catch-up in progress, if any.
    pub(crate) catchup: Option<CatchUp>,
    /// No catch-up starts before this time.
    pub(crate) next_catchup_at: u64,
    /// (our root, their root, when) at the end of the last catch-up: the same pair is not
    /// compared again until the resync interval has passed.
    pub(crate) synced: Option<(Cid, Cid, u64)>,
    /// The root we last announced, and when.
    pub(crate) announced: Option<Cid>,
    pub(crate) announced_at: u64,
    /// Last request id used.
    pub(crate) next_id: u64,
    /// Entries received that no honest peer would relay.
    pub(crate) faults: u64,
    pub(crate) stats: PeerStats,
}

impl Session {
    pub(crate) fn new(known_capacity: usize, local: bool, live: bool, now: u64) -> Session {
        Session {
            ready: false,
            local,
            live,
            opened_at: now,
            light: false,
            watch: BTreeSet::new(),
            hello_sent_at: now,
            hellos_sent: 0,
            clock_offset: None,
            remote_root: None,
            known: Recent::new(known_capacity),
            catchup: None,
            next_catchup_at: 0,
            synced: None,
            announced: None,
            announced_at: now,
            next_id: 0,
            faults: 0,
            stats: PeerStats::default(),
        }
    }
}
