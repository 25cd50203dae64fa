//! Sync errors: why a frame was refused, a session closed or node state could not be saved.

use crate::blockstore::StorageError;
use crate::persist::LoadError;
use crate::tree::TreeError;

/// Why a peer session was closed, a frame refused, or sync state could not be read or written.
///
/// Every variant has a stable dotted [`code`](SyncError::code); the code is also what a
/// [`Bye`](crate::sync::Message::Bye) carries to the other side.
///
/// ```
/// use vns::sync::SyncError;
/// let err = SyncError::FrameTooLarge { size: 2_000_000, max: 1_048_576 };
/// assert_eq!(err.code(), "sync.frame_too_large");
/// assert!(err.to_string().contains("2000000"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyncError {
    /// The peer speaks another protocol version.
    #[error("peer speaks sync protocol version {theirs}, this node speaks {ours}")]
    VersionMismatch {
        /// This node's version.
        ours: u32,
        /// The version found in the peer's frame.
        theirs: u32,
    },
    /// The peer belongs to another network (different parameters or reserved names).
    #[error("peer is on network {theirs}, this node is on {ours}")]
    NetworkMismatch {
        /// This node's network id (hex).
        ours: String,
        /// The peer's network id (hex).
        theirs: String,
    },
    /// A frame is larger than [`MAX_FRAME_BYTES`](crate::sync::MAX_FRAME_BYTES); it was not
    /// decoded.
    #[error("frame of {size} bytes is larger than the {max}-byte limit")]
    FrameTooLarge {
        /// Size of the frame.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// A frame is not a valid sync message (bad DAG-CBOR, unknown fields, empty entry, …).
    #[error("malformed frame: {0}")]
    Malformed(String),
    /// A frame is not canonical DAG-CBOR (code `block.not_canonical`, also sent in the `Bye`).
    #[error("frame: {0}")]
    NotCanonical(crate::block::BlockError),
    /// A list in a frame is longer than the protocol allows.
    #[error("{what} carries {count} items, more than the limit of {max}")]
    TooMany {
        /// Which list.
        what: &'static str,
        /// How many items it had.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A valid message arrived when the session cannot take it (anything but `Hello` before
    /// the handshake).
    #[error("unexpected {message} message before the handshake")]
    Unexpected {
        /// The message kind.
        message: &'static str,
    },
    /// The peer did not complete the handshake (a `Hello` on our network) in time.
    #[error("no hello from the peer within {waited_ms} ms of the link opening; closing it")]
    HandshakeTimeout {
        /// How long the link waited.
        waited_ms: u64,
    },
    /// The peer sent tree nodes that do not form a valid tree.
    #[error("peer sent an invalid tree: {0}")]
    BadTree(Box<TreeError>),
    /// A catch-up was abandoned: the peer does not serve its tree, its root keeps moving, it
    /// stopped answering, or the walk needs more memory than allowed. The session stays open;
    /// a later catch-up tries again.
    #[error("catch-up abandoned: {0}")]
    Stalled(String),
    /// The peer closed the session with a `Bye`.
    #[error("peer said goodbye: {code}: {reason}")]
    PeerBye {
        /// The code the peer gave.
        code: String,
        /// The peer's explanation.
        reason: String,
    },
    /// The peer sent more entries than allowed that an honest peer would never relay.
    #[error("peer sent {count} entries no honest peer relays (last: {last})")]
    FaultyPeer {
        /// How many such entries the session sent.
        count: u64,
        /// The code of the last refusal, e.g. `rule.bad_signature`.
        last: String,
    },
    /// No session is open with this peer handle.
    #[error("no session with peer {peer}")]
    UnknownPeer {
        /// The handle.
        peer: u64,
    },
    /// The persisted delta queue could not be read.
    #[error("persisted delta queue is unreadable: {0}")]
    QueueCorrupt(String),
    /// Storage failed while saving or loading.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The saved namespace could not be loaded.
    #[error(transparent)]
    Load(Box<LoadError>),
}

// Boxed so that `Result<_, SyncError>` stays small on the hot paths (frame decoding).
impl From<TreeError> for SyncError {
    fn from(e: TreeError) -> Self {
        SyncError::BadTree(Box::new(e))
    }
}

impl From<LoadError> for SyncError {
    fn from(e: LoadError) -> Self {
        SyncError::Load(Box::new(e))
    }
}

impl SyncError {
    /// Stable machine-readable code, e.g. `sync.version_mismatch`.
    ///
    /// ```
    /// use vns::sync::SyncError;
    /// assert_eq!(SyncError::Malformed("x".into()).code(), "sync.malformed");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            SyncError::VersionMismatch { .. } => "sync.version_mismatch",
            SyncError::NetworkMismatch { .. } => "sync.network_mismatch",
            SyncError::FrameTooLarge { .. } => "sync.frame_too_large",
            SyncError::Malformed(_) => "sync.malformed",
            SyncError::NotCanonical(e) => e.code(),
            SyncError::TooMany { .. } => "sync.too_many",
            SyncError::Unexpected { .. } => "sync.unexpected",
            SyncError::HandshakeTimeout { .. } => "sync.handshake_timeout",
            SyncError::BadTree(_) => "sync.bad_tree",
            SyncError::Stalled(_) => "sync.catchup_stalled",
            SyncError::PeerBye { .. } => "sync.peer_bye",
            SyncError::FaultyPeer { .. } => "sync.faulty_peer",
            SyncError::UnknownPeer { .. } => "sync.unknown_peer",
            SyncError::QueueCorrupt(_) => "sync.queue_corrupt",
            SyncError::Storage(e) => e.code(),
            SyncError::Load(e) => e.code(),
        }
    }
}
