//! Resolution: the records a name has at a given time, or why it has none.

use super::Namespace;
use crate::identity::PublicKey;
use crate::name::Name;
use crate::record::Record;
use crate::rules::{self, Status};

/// A successful resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved<'a> {
    /// The name, in canonical form.
    pub name: &'a Name,
    /// The records, each with its TTL in seconds.
    pub records: &'a [Record],
    /// The current owner.
    pub owner: PublicKey,
    /// When the name expires (ms since the Unix epoch).
    pub expires: u64,
    /// The sequence number of the latest op.
    pub seq: u64,
}

/// Why a name does not resolve.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// The store holds no version of the name.
    #[error("{name} does not exist on this node")]
    NotFound {
        /// The name.
        name: String,
    },
    /// One of the reserved names, which never resolve.
    #[error("{name} is reserved by the protocol")]
    Reserved {
        /// The name.
        name: String,
    },
    /// Expired, but its owner may still renew it.
    #[error(
        "{name} expired on {}; its owner may still renew it until {}",
        crate::when::date(*expires),
        crate::when::date(*lapses)
    )]
    InGrace {
        /// The name.
        name: String,
        /// When it expired (ms).
        expires: u64,
        /// When the grace period ends (ms).
        lapses: u64,
    },
    /// Expired and past its grace period.
    #[error(
        "{name} expired on {} and its grace period is over: it is free to register",
        crate::when::date(*expires)
    )]
    Expired {
        /// The name.
        name: String,
        /// When it expired (ms).
        expires: u64,
    },
}

impl ResolveError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            ResolveError::NotFound { .. } => "resolve.not_found",
            ResolveError::Reserved { .. } => "resolve.reserved",
            ResolveError::InGrace { .. } => "resolve.in_grace",
            ResolveError::Expired { .. } => "resolve.expired",
        }
    }
}

impl Namespace {
    /// Records of `name` at `now`, or why it does not resolve.
    pub fn resolve(&self, name: &Name, now: u64) -> Result<Resolved<'_>, ResolveError> {
        if name.is_reserved() {
            return Err(ResolveError::Reserved { name: name.to_string() });
        }
        let Some(entry) = self.get(name) else {
            return Err(ResolveError::NotFound { name: name.to_string() });
        };
        let name = entry.name();
        let expires = entry.expires();
        match rules::status(entry, &self.params, now) {
            Status::Live => Ok(Resolved {
                name,
                records: &entry.records,
                owner: entry.owner(),
                expires,
                seq: entry.seq(),
            }),
            Status::Grace => Err(ResolveError::InGrace {
                name: name.to_string(),
                expires,
                lapses: expires.saturating_add(self.params.grace_period_ms),
            }),
            Status::Lapsed => Err(ResolveError::Expired { name: name.to_string(), expires }),
        }
    }
}
