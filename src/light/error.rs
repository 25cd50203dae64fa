//! Why a light client refused a peer's answer, or could not answer at all.

use cid::Cid;

use crate::error::Error;
use crate::namespace::ResolveError;
use crate::tree::ProofError;

/// A refused answer or a lookup that could not be answered. Every variant has a stable dotted
/// [`code`](LightError::code); refusals of the entry itself keep the code of the broken rule
/// (`rule.bad_signature`, `entry.malformed`, …) and of the proof (`proof.hash_mismatch`, …).
///
/// ```
/// use vns::light::LightError;
/// let err = LightError::Offline { name: "alice.vfs".into() };
/// assert_eq!(err.code(), "resolve.offline");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LightError {
    /// The proof does not lead from the peer's stated root to the name's place (tampered,
    /// for another root or for another name).
    #[error(transparent)]
    Proof(Box<ProofError>),
    /// The entry sent is not the one the proven tree maps the name to: its bytes do not hash
    /// to the CID the proof ends at (an entry with a byte changed, or another version).
    #[error("the entry sent for {name} is not the one the peer's tree holds ({expected})")]
    EntryMismatch {
        /// The name asked for.
        name: String,
        /// The CID the proof gives.
        expected: Cid,
    },
    /// The proof shows the name present, but no entry came with it.
    #[error("the peer proves {name} present but sent no entry")]
    MissingEntry {
        /// The name.
        name: String,
    },
    /// The proof shows the name absent, yet an entry came with it.
    #[error("the peer proves {name} absent but sent an entry")]
    UnexpectedEntry {
        /// The name.
        name: String,
    },
    /// The answer is for another name than the one asked (or the entry is another name's).
    #[error("asked for {asked}, the peer answered for {got}")]
    WrongName {
        /// The name asked for.
        asked: String,
        /// The name answered.
        got: String,
    },
    /// The entry breaks a rule: it is forged, altered or not valid at this client's clock.
    #[error(transparent)]
    Entry(Box<Error>),
    /// The verified answer: the name does not resolve (absent, reserved, in grace, expired).
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    /// No peer is connected and nothing verified is cached for the name.
    #[error("{name} is not cached here and no peer is connected to ask")]
    Offline {
        /// The name.
        name: String,
    },
    /// Every peer asked failed: each refused answer, timeout or closed session is listed.
    #[error("no peer gave a valid answer for {name}: {failures}")]
    NoAnswer {
        /// The name.
        name: String,
        /// `peer N: code` for each peer asked, comma-separated.
        failures: String,
    },
    /// A peer asked did not answer within
    /// [`LightConfig::answer_timeout_ms`](crate::light::LightConfig::answer_timeout_ms)
    /// (one of a lookup's failures).
    #[error("the peer did not answer for {name} in time")]
    Timeout {
        /// The name.
        name: String,
    },
    /// A change was sent, but no peer asked afterwards shows it in its tree: each refused it
    /// (a rule it checks that this client cannot, such as its hourly registration limit) or
    /// holds a version that beats it.
    #[error("no peer took the change of {name} ({expected}); they hold {held}")]
    NotAccepted {
        /// The name.
        name: String,
        /// The CID of the version sent.
        expected: String,
        /// The versions the peers' answers hold instead, or `no version`.
        held: String,
    },
    /// The saved cache could not be read (damaged, or another format): the client starts
    /// without it.
    #[error("the saved light-client cache is unreadable: {reason}")]
    CacheCorrupt {
        /// What is wrong with it.
        reason: String,
    },
    /// A change could not be sent: no peer is connected.
    #[error("{name} was not sent: no peer is connected")]
    NoPeers {
        /// The name.
        name: String,
    },
}

// Boxed so that `Result<_, LightError>` stays small on the lookup paths.
impl From<ProofError> for LightError {
    fn from(e: ProofError) -> Self {
        LightError::Proof(Box::new(e))
    }
}

impl From<Error> for LightError {
    fn from(e: Error) -> Self {
        LightError::Entry(Box::new(e))
    }
}

impl LightError {
    /// Stable machine-readable code: the rule's or the proof's own, or `light.*`,
    /// `resolve.offline`.
    ///
    /// ```
    /// use vns::light::LightError;
    /// let err = LightError::MissingEntry { name: "alice.vfs".into() };
    /// assert_eq!(err.code(), "light.missing_entry");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            LightError::Proof(e) => e.code(),
            LightError::EntryMismatch { .. } => "light.entry_mismatch",
            LightError::MissingEntry { .. } => "light.missing_entry",
            LightError::UnexpectedEntry { .. } => "light.unexpected_entry",
            LightError::WrongName { .. } => "light.wrong_name",
            LightError::Entry(e) => e.code(),
            LightError::Resolve(e) => e.code(),
            LightError::Offline { .. } => "resolve.offline",
            LightError::NoAnswer { .. } => "light.no_answer",
            LightError::Timeout { .. } => "light.timeout",
            LightError::NoPeers { .. } => "light.no_peers",
            LightError::NotAccepted { .. } => "light.not_accepted",
            LightError::CacheCorrupt { .. } => "light.cache_corrupt",
        }
    }
}
