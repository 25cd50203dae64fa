//! Clock health: how far this node's clock is from its peers', and the time the rules are
//! judged at.
//!
//! Every `hello` carries its sender's clock. A session remembers the peer's offset (its clock
//! minus ours when the `hello` arrived). The node's *network offset* is the lower median of
//! its own offset (zero) and every ready peer's; when it is further from zero than the
//! tolerance, this node's clock is *skewed*, and every time-dependent rule (settlement,
//! lapse, the future-timestamp bound) is judged at the local clock moved to within the
//! tolerance of the median, so a fast clock cannot settle claims early and a slow one cannot
//! keep them open late. `docs/protocol.md`, "Clock health", states the rule.
//!
//! ```
//! use vns::sync::ClockHealth;
//! // Two peers both 10 minutes behind us: we are the fast one.
//! let health = ClockHealth::from_offsets([-600_000, -600_000], 60_000);
//! assert!(health.skewed);
//! assert_eq!(health.ahead_ms, 600_000);
//! assert_eq!(health.correction_ms, -540_000, "judged 1 minute ahead of the median, not 10");
//! assert_eq!(health.judged(1_000_000_000), 999_460_000);
//! ```

use super::event::{Event, LinkId};
use super::node::SyncNode;

/// How this node's clock stands against its peers', and the correction the rules use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClockHealth {
    /// How far this node's clock is ahead of the network's (the lower median of its own and
    /// its ready peers' clocks), in ms; negative when it is behind.
    pub ahead_ms: i64,
    /// Ready peers whose clocks were counted.
    pub peers: usize,
    /// Whether `ahead_ms` is beyond the tolerance (either way).
    pub skewed: bool,
    /// What is added to the local clock to get the time rules are judged at: zero when the
    /// clock is healthy, else the move that brings it to within the tolerance of the median.
    pub correction_ms: i64,
}

impl ClockHealth {
    /// The health given each ready peer's offset (its clock minus ours, ms) and the
    /// tolerance (ms). With no peer, the local clock stands alone and is healthy.
    ///
    /// The median is the lower one of this node's offset (0) and the peers' offsets, so in
    /// a pair of nodes the later clock yields to the earlier one (settling late is the
    /// cautious side), and in three or more the majority decides.
    ///
    /// ```
    /// use vns::sync::ClockHealth;
    /// let honest = ClockHealth::from_offsets([600_000, 0], 60_000);
    /// assert!(!honest.skewed, "one fast peer out of two does not move us");
    /// assert_eq!(ClockHealth::from_offsets([], 60_000), ClockHealth::default());
    /// ```
    pub fn from_offsets(offsets: impl IntoIterator<Item = i64>, tolerance_ms: u64) -> Self {
        let mut all: Vec<i64> = std::iter::once(0).chain(offsets).collect();
        all.sort_unstable();
        let median = all[(all.len() - 1) / 2];
        let tolerance = i64::try_from(tolerance_ms).unwrap_or(i64::MAX);
        let correction = if median > tolerance {
            median - tolerance
        } else if median < -tolerance {
            median + tolerance
        } else {
            0
        };
        ClockHealth {
            ahead_ms: median.saturating_neg(),
            peers: all.len() - 1,
            skewed: correction != 0,
            correction_ms: correction,
        }
    }

    /// The time rules are judged at, for the local clock `now`.
    ///
    /// ```
    /// use vns::sync::ClockHealth;
    /// assert_eq!(ClockHealth::default().judged(5_000), 5_000);
    /// ```
    pub fn judged(&self, now: u64) -> u64 {
        now.saturating_add_signed(self.correction_ms)
    }
}

/// A peer's offset from a `hello`: its clock minus ours, bounded to `±max_ms` so that no
/// peer can move the median further than that, whatever it sends.
pub(crate) fn peer_offset(their_clock: u64, our_clock: u64, max_ms: u64) -> i64 {
    let max = i128::from(max_ms);
    let offset = (i128::from(their_clock) - i128::from(our_clock)).clamp(-max, max);
    i64::try_from(offset).unwrap_or(if offset < 0 { i64::MIN } else { i64::MAX })
}

impl SyncNode {
    /// How this node's clock stands against its ready peers' (see [`ClockHealth`]).
    ///
    /// ```
    /// use vns::{namespace::Namespace, params::NetworkParams, sync::{SyncConfig, SyncNode}};
    /// let node = SyncNode::new(Namespace::new(NetworkParams::testing()), SyncConfig::default());
    /// assert!(!node.clock_health().skewed, "alone, a clock is its own reference");
    /// ```
    pub fn clock_health(&self) -> ClockHealth {
        self.clock
    }

    /// The time the rules are judged at for the local clock `now`: the one place every
    /// validity decision of this node gets its time from (`now` itself while the clock is
    /// healthy).
    ///
    /// ```
    /// use vns::{namespace::Namespace, params::NetworkParams, sync::{SyncConfig, SyncNode}};
    /// let node = SyncNode::new(Namespace::new(NetworkParams::testing()), SyncConfig::default());
    /// assert_eq!(node.judged(1_000), 1_000);
    /// ```
    pub fn judged(&self, now: u64) -> u64 {
        self.clock.judged(now)
    }

    /// Records the clock a peer's `hello` carried, read at our `now`.
    pub(super) fn peer_clock(&mut self, peer: LinkId, clock: u64, now: u64) {
        let max = self.config.max_clock_offset_ms;
        if let Some(s) = self.sessions.get_mut(&peer) {
            s.clock_offset = Some(peer_offset(clock, now, max));
        }
        self.refresh_clock();
    }

    /// Recomputes the clock health from the ready sessions (after a `hello` or a session's
    /// end) and reports a change ([`Event::Clock`]).
    pub(super) fn refresh_clock(&mut self) {
        let offsets = self.sessions.values().filter(|s| s.ready).filter_map(|s| s.clock_offset);
        let health = ClockHealth::from_offsets(offsets, self.config.clock_tolerance_ms);
        if health != self.clock {
            self.clock = health;
            self.push_event(Event::Clock { health });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    #[test]
    fn a_fast_node_is_judged_near_its_peers_median() {
        // Sorted: -10 min, -10 min + 200 ms, 0 (this node): the lower median is the middle.
        let fast = ClockHealth::from_offsets([-10 * MIN, -10 * MIN + 200], 60_000);
        assert!(fast.skewed);
        assert_eq!(fast.ahead_ms, 10 * MIN - 200);
        assert_eq!(fast.peers, 2);
        assert_eq!(fast.judged(100 * MIN as u64), (91 * MIN + 200) as u64);
        // Four values: the lower of the two middle ones.
        let four = ClockHealth::from_offsets([-10 * MIN, -5 * MIN, 5 * MIN], 0);
        assert_eq!(four.ahead_ms, 5 * MIN);
    }

    #[test]
    fn a_slow_node_is_moved_forward_too() {
        let slow = ClockHealth::from_offsets([10 * MIN, 10 * MIN], 60_000);
        assert_eq!((slow.skewed, slow.ahead_ms, slow.correction_ms), (true, -10 * MIN, 9 * MIN));
    }

    #[test]
    fn within_the_tolerance_nothing_moves() {
        for offsets in [[MIN, MIN], [-MIN, -MIN], [30_000, -30_000]] {
            let health = ClockHealth::from_offsets(offsets, 60_000);
            assert!(!health.skewed, "{offsets:?}");
            assert_eq!(health.judged(1_000), 1_000);
        }
    }

    #[test]
    fn the_median_is_the_lower_one_and_counts_this_node() {
        // A pair: the later clock yields to the earlier one, not the other way round.
        assert!(ClockHealth::from_offsets([-10 * MIN], 60_000).skewed);
        assert!(!ClockHealth::from_offsets([10 * MIN], 60_000).skewed);
        // An honest node beside one fast and one honest peer stays put.
        assert!(!ClockHealth::from_offsets([10 * MIN, 0], 60_000).skewed);
        // A minority of liars, however far off, moves nothing.
        let liars = [i64::MIN, i64::MAX, 0, 0, 0];
        assert_eq!(ClockHealth::from_offsets(liars, 60_000).correction_ms, 0);
    }

    #[test]
    fn offsets_are_bounded_whatever_a_peer_sends() {
        let hour = 3_600_000;
        assert_eq!(peer_offset(0, u64::MAX, hour), -(hour as i64));
        assert_eq!(peer_offset(u64::MAX, 0, hour), hour as i64);
        assert_eq!(peer_offset(1_500, 1_000, hour), 500);
        assert_eq!(peer_offset(0, 0, u64::MAX), 0);
        assert_eq!(peer_offset(u64::MAX, 0, u64::MAX), i64::MAX);
        let judged = ClockHealth::from_offsets([i64::MIN, i64::MIN], 0).judged(5);
        assert_eq!(judged, 0, "saturates at the epoch instead of wrapping");
    }
}
