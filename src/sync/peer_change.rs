//! A session with a peer began or ended: what full nodes ([`Event::Peer`](crate::sync::Event::Peer))
//! and light clients ([`LightEvent::Peer`](crate::light::LightEvent::Peer)) report alike.

use super::event::LinkId;

/// A session with `peer` began or ended.
///
/// ```
/// use vns::sync::{Event, PeerChange};
/// let ended = PeerChange::Disconnected { peer: 1, code: Some("sync.version_mismatch".into()) };
/// assert_eq!(ended.peer(), 1);
/// assert_ne!(Event::Peer(ended), Event::Peer(PeerChange::Connected { peer: 1 }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeerChange {
    /// The handshake with `peer` completed: it takes part (answers lookups, for a light
    /// client) from now on.
    Connected {
        /// The peer.
        peer: LinkId,
    },
    /// The session with `peer` ended; `code` is set when it ended on an error or a `bye`
    /// (`sync.version_mismatch` from a node whose build lacks the messages asked for).
    Disconnected {
        /// The peer.
        peer: LinkId,
        /// Why, if not a plain disconnect.
        code: Option<String>,
    },
}

impl PeerChange {
    /// The peer whose session it is.
    pub fn peer(&self) -> LinkId {
        match self {
            PeerChange::Connected { peer } | PeerChange::Disconnected { peer, .. } => *peer,
        }
    }
}
