//! Tunables of a sync node. None of them affects which version of a name wins between nodes
//! whose clocks agree.

use super::queue::DEFAULT_QUEUE_CAPACITY;

/// Timings and bounds of a [`SyncNode`](crate::sync::SyncNode). All durations in ms.
///
/// ```
/// use vns::sync::SyncConfig;
/// let config = SyncConfig { queue_capacity: 50, ..SyncConfig::default() };
/// assert_eq!(config.replay_delay_ms, 1000);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncConfig {
    /// Deltas the offline queue holds (default 1000).
    pub queue_capacity: usize,
    /// Wait after a handshake before replaying the queue (default 1 s), so the catch-up and
    /// the peer's own first messages go first.
    pub replay_delay_ms: u64,
    /// Least time between two root announcements to one peer (default 1 s).
    pub announce_interval_ms: u64,
    /// Root announcement to each peer even when unchanged (default 15 s), in case one was lost.
    pub reannounce_interval_ms: u64,
    /// Least time between two catch-ups with one peer (default 2 s).
    pub catchup_interval_ms: u64,
    /// After a catch-up left roots different (the peer holds versions that lose here), the
    /// same pair of roots is compared again only after this long (default 60 s).
    pub resync_interval_ms: u64,
    /// A catch-up whose peer has not answered for this long is abandoned (default 10 s).
    pub request_timeout_ms: u64,
    /// `Hello` is sent again after this long without the peer's (default 2 s), then after
    /// twice as long each time, at most [`hello_retries`](SyncConfig::hello_retries) times.
    pub hello_retry_ms: u64,
    /// How many times `Hello` is sent again to a peer that has not sent its own (default 3).
    pub hello_retries: u32,
    /// A link whose peer has not sent a matching `Hello` this long after it opened is closed
    /// with `sync.handshake_timeout` (default 10 s).
    pub handshake_timeout_ms: u64,
    /// How far this node's clock may be from its peers' median before it counts as skewed
    /// and the rules are judged at the median's time instead (default 60 s; see
    /// [`ClockHealth`](crate::sync::ClockHealth)).
    pub clock_tolerance_ms: u64,
    /// The most a peer's clock counts as being off from ours (default one hour): a peer
    /// sending an absurd clock weighs in the median as this far off, no further.
    pub max_clock_offset_ms: u64,
    /// Per peer, how many entry hashes are remembered as known to it, so deltas are not
    /// sent back or twice (default 4096).
    pub known_capacity: usize,
    /// Most bytes of remote tree nodes one catch-up may hold (default 64 MiB).
    pub max_catchup_bytes: usize,
    /// `GetEntries` requests in flight per catch-up (default 32: about 1,500 names per round trip).
    pub entry_requests_in_flight: usize,
    /// Entries a session may send that no honest peer would relay (bad signatures, bad
    /// proof-of-work, broken chains: see [`Error::is_fault`](crate::error::Error::is_fault))
    /// before it is closed with `sync.faulty_peer` (default 100). Each costs a signature check.
    pub max_faulty_entries: u64,
    /// Events kept until [`take_events`](crate::sync::SyncNode::take_events) (default 10,000;
    /// the oldest are dropped and counted beyond it).
    pub event_capacity: usize,
}

impl Default for SyncConfig {
    fn default() -> Self {
        SyncConfig {
            queue_capacity: DEFAULT_QUEUE_CAPACITY,
            replay_delay_ms: 1000,
            announce_interval_ms: 1000,
            reannounce_interval_ms: 15_000,
            catchup_interval_ms: 2000,
            resync_interval_ms: 60_000,
            request_timeout_ms: 10_000,
            hello_retry_ms: 2000,
            hello_retries: 3,
            handshake_timeout_ms: 10_000,
            clock_tolerance_ms: 60_000,
            max_clock_offset_ms: 3_600_000,
            known_capacity: 4096,
            max_catchup_bytes: 64 * 1024 * 1024,
            entry_requests_in_flight: 32,
            max_faulty_entries: 100,
            event_capacity: 10_000,
        }
    }
}
