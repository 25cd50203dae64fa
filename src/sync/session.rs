//! What a node remembers about one peer connection.

use cid::Cid;

use super::catchup::CatchUp;
use super::recent::Recent;
use super::stats::PeerStats;

/// One peer session: handshake state, what the peer is known to hold, the catch-up in
/// progress and counters.
#[derive(Debug)]
pub(crate) struct Session {
    /// Whether the peer's `Hello` arrived and matched our network.
    pub(crate) ready: bool,
    /// Whether live deltas go to this peer (false on catch-up links, whose live deltas
    /// travel on the topic instead).
    pub(crate) live: bool,
    /// When we last sent our `Hello`.
    pub(crate) hello_sent_at: u64,
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
    pub(crate) fn new(known_capacity: usize, live: bool, now: u64) -> Session {
        Session {
            ready: false,
            live,
            hello_sent_at: now,
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
