//! Resolution: the records a name has at a given time, or why it has none.

use cid::Cid;

use super::{Held, Namespace};
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
        self.resolve_held(name, now).map(|(resolved, _)| resolved)
    }

    /// [`Namespace::resolve`] with the CID of the answering entry's block (what the tree maps
    /// the name to, and a proof of it leads to), read from the same lookup: an answer that
    /// names its entry needs no second one.
    ///
    /// ```
    /// use vns::{build, identity::Keypair, name::Name, namespace::Namespace};
    /// let params = vns::params::NetworkParams::testing();
    /// let (key, name) = (Keypair::from_secret(&[4; 32]), Name::parse("alice").unwrap());
    /// let mut ns = Namespace::new(params.clone());
    /// ns.register(build::register(&params, &key, &name, vec![], 1_000).unwrap(), 1_000).unwrap();
    /// let (answer, entry) = ns.resolve_with_cid(&name, 1_000).unwrap();
    /// assert_eq!((answer.name, Some(entry)), (&name, ns.cid(&name)));
    /// ```
    pub fn resolve_with_cid(
        &self,
        name: &Name,
        now: u64,
    ) -> Result<(Resolved<'_>, Cid), ResolveError> {
        self.resolve_held(name, now).map(|(resolved, held)| (resolved, held.cid()))
    }

    /// The answer for `name` at `now` and the held entry it comes from.
    fn resolve_held(&self, name: &Name, now: u64) -> Result<(Resolved<'_>, &Held), ResolveError> {
        if name.is_reserved() {
            return Err(ResolveError::Reserved { name: name.to_string() });
        }
        let Some(held) = self.entries.get(name) else {
            return Err(ResolveError::NotFound { name: name.to_string() });
        };
        let entry = held.entry();
        let name = entry.name();
        let expires = entry.expires();
        match rules::status(entry, &self.params, now) {
            Status::Live => Ok((
                Resolved {
                    name,
                    records: &entry.records,
                    owner: entry.owner(),
                    expires,
                    seq: entry.seq(),
                },
                held,
            )),
            Status::Grace => Err(ResolveError::InGrace {
                name: name.to_string(),
                expires,
                lapses: expires.saturating_add(self.params.grace_period_ms),
            }),
            Status::Lapsed => Err(ResolveError::Expired { name: name.to_string(), expires }),
        }
    }
}
