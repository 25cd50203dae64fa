//! What a [`LightClient`](crate::light::LightClient) reports to its caller, and its tunables.

use crate::name::Name;
use crate::sync::{LinkId, PeerChange};

/// Something the application may want to know, queued in Rust and fired by the caller after
/// the call that caused it returns.
///
/// ```
/// use vns::{light::LightEvent, sync::PeerChange};
/// let connected = LightEvent::Peer(PeerChange::Connected { peer: 1 });
/// assert_eq!(connected, LightEvent::Peer(PeerChange::Connected { peer: 1 }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LightEvent {
    /// A lookup of `name` finished: read the result with
    /// [`LightClient::answer`](crate::light::LightClient::answer).
    Answered {
        /// The name.
        name: Name,
    },
    /// The verified version of a watched name changed (a push or a fresher answer).
    Change {
        /// The name.
        name: Name,
    },
    /// A peer's `hello` arrived (it answers lookups from now on), or its session ended
    /// (`sync.version_mismatch` from a node whose build has no light-client messages).
    Peer(PeerChange),
    /// An answer or a pushed entry from `peer` was refused: forged, altered, or a proof
    /// that does not match the peer's root.
    PeerFault {
        /// The peer.
        peer: LinkId,
        /// The name it was about.
        name: Name,
        /// The refusal's code (`light.entry_mismatch`, `proof.hash_mismatch`, `rule.*`, …).
        code: String,
        /// Explanation.
        message: String,
    },
}

/// Tunables of a [`LightClient`](crate::light::LightClient). None of them changes which
/// answer is valid; `peers_asked` bounds how far a withholding peer can mislead it.
///
/// ```
/// use vns::light::LightConfig;
/// assert_eq!(LightConfig::default().peers_asked, 3);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LightConfig {
    /// Peers asked for each lookup, the first ready ones by link (default 3).
    pub peers_asked: usize,
    /// Names kept verified and watched, least recently used out (default 256, at most
    /// [`MAX_WATCHED_NAMES`](crate::sync::MAX_WATCHED_NAMES)).
    pub watch_capacity: usize,
    /// A lookup finishes with the answers it has after this long (default 3 s).
    pub answer_timeout_ms: u64,
    /// `light_hello` is sent again after this long without the peer's `hello` (default 2 s).
    pub hello_retry_ms: u64,
    /// Events kept until taken (default 1,000; the oldest are dropped beyond it).
    pub event_capacity: usize,
    /// An answer no connected peer vouches for (none watched it since it was verified, as
    /// after a reload offline) is marked `stale` once it is this old (default 0: at once).
    pub stale_after_ms: u64,
    /// The saved cache's budget in entry bytes, most recently used names first (default
    /// 160 KiB; [`LightClient::export_cache`](crate::light::LightClient::export_cache)).
    pub cache_bytes: usize,
}

impl Default for LightConfig {
    fn default() -> Self {
        LightConfig {
            peers_asked: 3,
            watch_capacity: crate::sync::MAX_WATCHED_NAMES,
            answer_timeout_ms: 3000,
            hello_retry_ms: 2000,
            event_capacity: 1000,
            stale_after_ms: 0,
            cache_bytes: 160 * 1024,
        }
    }
}
