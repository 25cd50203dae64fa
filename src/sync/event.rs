//! What a [`SyncNode`](crate::sync::SyncNode) asks its caller to do, and what it reports.
//!
//! Both are plain data so that a binding layer can hand them to JavaScript as they are: the
//! shim performs each [`Outbound`] after the call returns and fires each [`Event`] taken with
//! [`SyncNode::take_events`](crate::sync::SyncNode::take_events).

use super::clock::ClockHealth;
use super::peer_change::PeerChange;
use crate::name::Name;

/// The caller's opaque number for one peer connection, a link (chosen by the caller, e.g. a
/// socket number). It names the connection, not the peer's identity: one peer reconnecting
/// gets a new link, and a link may be reused after
/// [`SyncNode::disconnect`](crate::sync::SyncNode::disconnect). (An owner's identity is a
/// [`PublicKey`](crate::identity::PublicKey), written as a peer id string.)
///
/// ```
/// use vns::sync::{LinkId, Outbound};
/// let link: LinkId = 7;
/// assert_eq!(Outbound::Send { peer: link, bytes: vec![] }.peer(), link);
/// ```
pub type LinkId = u64;

/// An action for the transport.
///
/// ```
/// use vns::sync::Outbound;
/// let send = Outbound::Send { peer: 7, bytes: vec![1, 2] };
/// assert_eq!(send.peer(), 7);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outbound {
    /// Send these bytes, as one frame, to `peer`. If the transport cannot, it reports it with
    /// [`SyncNode::send_failed`](crate::sync::SyncNode::send_failed).
    Send {
        /// The peer.
        peer: LinkId,
        /// The frame.
        bytes: Vec<u8>,
    },
    /// Close the connection to `peer` (after sending what precedes this action). The node has
    /// already forgotten the session.
    Close {
        /// The peer.
        peer: LinkId,
        /// Dotted error code, e.g. `sync.malformed`.
        code: String,
        /// Human-readable reason.
        reason: String,
    },
}

impl Outbound {
    /// The peer this action is for.
    ///
    /// ```
    /// use vns::sync::Outbound;
    /// let close = Outbound::Close { peer: 3, code: "sync.malformed".into(), reason: "".into() };
    /// assert_eq!(close.peer(), 3);
    /// ```
    pub fn peer(&self) -> LinkId {
        match self {
            Outbound::Send { peer, .. } | Outbound::Close { peer, .. } => *peer,
        }
    }
}

/// Something the application may want to know, queued in Rust and fired by the caller.
///
/// ```
/// use vns::sync::Event;
/// use vns::sync::PeerChange;
/// let event = Event::Peer(PeerChange::Connected { peer: 1 });
/// assert_eq!(event, Event::Peer(PeerChange::Connected { peer: 1 }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The version held for `name` changed (accepted from anyone) or it was swept.
    Change {
        /// The name.
        name: Name,
    },
    /// A session's handshake completed, or the session ended.
    Peer(PeerChange),
    /// The delta queue was full and dropped its oldest deltas; catch-up will repair them.
    QueueOverflow {
        /// Deltas dropped by this overflow.
        dropped: u64,
        /// Deltas dropped since the queue was created.
        total_dropped: u64,
        /// The queue's capacity.
        capacity: usize,
    },
    /// The persisted delta queue could not be read at load; the node started with an empty
    /// queue (catch-up delivers what it held).
    QueueLost {
        /// Dotted error code (`sync.queue_corrupt` or a storage code).
        code: String,
        /// Explanation.
        message: String,
    },
    /// A peer misbehaved (or failed) and its session was closed.
    PeerError {
        /// The peer.
        peer: LinkId,
        /// Dotted error code.
        code: String,
        /// Explanation.
        message: String,
    },
    /// A catch-up with `peer` began (the peer's root differs from ours and one was due). It
    /// ends with exactly one [`Event::CatchUpCompleted`] or [`Event::CatchUpAborted`] for the
    /// same peer, unless the session closes first ([`PeerChange::Disconnected`](crate::sync::PeerChange::Disconnected)).
    CatchUpStarted {
        /// The peer.
        peer: LinkId,
    },
    /// A catch-up with `peer` finished: this node now holds everything the peer's tree had
    /// that it lacked. The count is in
    /// [`PeerStats::catchups`](crate::sync::PeerStats::catchups).
    CatchUpCompleted {
        /// The peer.
        peer: LinkId,
        /// Entries received in answer to this catch-up's requests (each name's version,
        /// whether or not it was new here).
        entries: u64,
    },
    /// A catch-up with `peer` was abandoned (the peer stopped answering, does not serve its
    /// tree, its root kept moving, or the walk needed more memory than allowed). The session
    /// stays open and a later catch-up retries; the count is in
    /// [`PeerStats::catchups_aborted`](crate::sync::PeerStats::catchups_aborted).
    CatchUpAborted {
        /// The peer.
        peer: LinkId,
        /// Dotted error code (`sync.catchup_stalled`).
        code: String,
        /// Explanation.
        message: String,
    },
    /// This node's clock health changed (a peer's `hello` arrived or a session ended): when
    /// `health.skewed`, its clock is further from its peers' median than the tolerance and
    /// the rules are judged at the corrected time ([`ClockHealth::judged`]).
    Clock {
        /// The new health.
        health: ClockHealth,
    },
    /// Events were dropped since the last [`SyncNode::take_events`](crate::sync::SyncNode::take_events)
    /// because the bounded buffer was full (always the first event taken): listeners that
    /// mirror the store must start over.
    EventsDropped {
        /// How many.
        dropped: u64,
    },
}
