//! The crate-wide error: one variant per module, each with a stable dotted `code()`.
//!
//! ```
//! use vns::{error::Error, name::Name};
//! let err: Error = Name::parse("a").unwrap_err().into();
//! assert!(err.code().starts_with("name."));
//! ```

use crate::block::BlockError;
use crate::entry::EntryError;
use crate::identity::{IdentityError, PublicKey};
use crate::name::NameError;
use crate::pow::PowError;
use crate::record::RecordError;
use crate::rules::RuleError;

/// Anything VNS can reject or fail at.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A name that is not valid.
    #[error(transparent)]
    Name(#[from] NameError),
    /// A record or record set that is not valid.
    #[error(transparent)]
    Record(#[from] RecordError),
    /// A key, peer ID or signature that is not valid.
    #[error(transparent)]
    Identity(#[from] IdentityError),
    /// A proof-of-work that could not be made or checked.
    #[error(transparent)]
    Pow(#[from] PowError),
    /// Bytes that are not a valid block.
    #[error(transparent)]
    Block(#[from] BlockError),
    /// Bytes that are not a valid entry.
    #[error(transparent)]
    Entry(#[from] EntryError),
    /// An entry that breaks an acceptance or conflict rule.
    #[error(transparent)]
    Rule(#[from] RuleError),
    /// A change for a name the store does not hold.
    #[error("{name} does not exist on this node")]
    NotFound {
        /// The name.
        name: String,
    },
    /// A local registration over the owner's hourly limit.
    #[error(
        "{owner} registered {limit} names in the last hour, the most this node takes; try again in {} (at {})",
        crate::when::wait(*wait_ms),
        crate::when::date(*retry_at)
    )]
    RateLimited {
        /// The owner.
        owner: PublicKey,
        /// Registrations allowed per owner and hour.
        limit: u32,
        /// When the next registration is allowed (ms).
        retry_at: u64,
        /// How long that is after the refusal (ms).
        wait_ms: u64,
    },
}

impl Error {
    /// Whether a peer that sent the refused entry is faulty or hostile: true for everything
    /// an honest peer checks before relaying (structure, signatures, proof-of-work, the
    /// ownership chain, sizes), false for refusals that depend on the clock or on what this
    /// node already holds (stale, a lost conflict, settlement, lapsed, a timestamp ahead of
    /// this node's clock), which honest peers cause in ordinary races.
    ///
    /// ```
    /// use vns::{error::Error, rules::RuleError};
    /// assert!(!Error::from(RuleError::Stale { name: "a.vfs".into() }).is_fault());
    /// assert!(Error::from(RuleError::BadSignature { index: 0, name: "a.vfs".into() }).is_fault());
    /// ```
    pub fn is_fault(&self) -> bool {
        use crate::rules::RuleError::*;
        !matches!(
            self,
            Error::Rule(
                Stale { .. }
                    | ConflictLost { .. }
                    | Settled { .. }
                    | Lapsed { .. }
                    | FutureTimestamp { .. }
            ) | Error::NotFound { .. }
                | Error::RateLimited { .. }
        )
    }

    /// Stable machine-readable code, e.g. `rule.wrong_signer` or `name.too_short`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Name(e) => e.code(),
            Error::Record(e) => e.code(),
            Error::Identity(e) => e.code(),
            Error::Pow(e) => e.code(),
            Error::Block(e) => e.code(),
            Error::Entry(e) => e.code(),
            Error::Rule(e) => e.code(),
            Error::NotFound { .. } => "store.not_found",
            Error::RateLimited { .. } => "store.rate_limited",
        }
    }
}
