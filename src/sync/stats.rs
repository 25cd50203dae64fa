//! Counters per peer and for the whole node, for metrics and tests.

use std::collections::BTreeMap;

/// Traffic and outcome counters of one session (or, summed, of the node).
///
/// ```
/// use vns::sync::PeerStats;
/// let stats = PeerStats::default();
/// assert_eq!(stats.rejected_total(), 0);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PeerStats {
    /// Entries received and stored (new versions).
    pub accepted: u64,
    /// Entries received that were already held.
    pub duplicates: u64,
    /// Entries refused, by error code (`rule.bad_signature`, `rule.stale`, …). `rule.stale`
    /// and `rule.conflict_lost` are normal during catch-up (the peer's losing version is
    /// fetched before it is known to lose); the others indicate a faulty or hostile peer.
    pub rejected: BTreeMap<String, u64>,
    /// Frames received and bytes in them.
    pub frames_in: u64,
    /// Bytes received.
    pub bytes_in: u64,
    /// Frames handed to the transport.
    pub frames_out: u64,
    /// Bytes handed to the transport.
    pub bytes_out: u64,
    /// Frames the transport reported as not sent.
    pub send_failures: u64,
    /// Frames ignored (e.g. a request before the handshake, a reply nobody waits for).
    pub ignored: u64,
    /// Catch-up requests sent (`GetNodes` and `GetEntries`).
    pub requests: u64,
    /// Remote tree nodes fetched during catch-up.
    pub nodes_fetched: u64,
    /// Catch-ups that completed.
    pub catchups: u64,
    /// Catch-ups abandoned (timeout, stalled peer, too much data).
    pub catchups_aborted: u64,
    /// Names answered with a proof to light clients (`get_proofs`).
    pub proofs_served: u64,
}

impl PeerStats {
    /// Counts one frame of `len` bytes received.
    pub(crate) fn frame_in(&mut self, len: usize) {
        self.frames_in += 1;
        self.bytes_in += len as u64;
    }

    /// Counts one frame of `len` bytes handed to the transport.
    pub(crate) fn frame_out(&mut self, len: usize) {
        self.frames_out += 1;
        self.bytes_out += len as u64;
    }

    /// All rejections, whatever the code.
    ///
    /// ```
    /// let mut stats = vns::sync::PeerStats::default();
    /// stats.rejected.insert("rule.bad_signature".into(), 2);
    /// assert_eq!(stats.rejected_total(), 2);
    /// ```
    pub fn rejected_total(&self) -> u64 {
        self.rejected.values().sum()
    }
}

/// Node-wide counters: the sum of every session's [`PeerStats`] (including closed ones) and
/// session counts.
///
/// ```
/// use vns::sync::Counters;
/// assert_eq!(Counters::default().sessions_failed, 0);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counters {
    /// Traffic and outcomes over all sessions.
    pub totals: PeerStats,
    /// Handshakes completed.
    pub sessions_opened: u64,
    /// Sessions closed on an error (by either side).
    pub sessions_failed: u64,
    /// Local changes submitted and accepted.
    pub local_changes: u64,
    /// Events dropped because the caller did not take them (the event buffer is bounded).
    pub events_dropped: u64,
}
