//! Changes this node's own user makes, and what each did.
//!
//! Every local change goes through one entry point, [`SyncNode::submit`](crate::sync::SyncNode::submit),
//! which hands it to the [`Namespace`] operation that owns its rules and returns the outcome
//! with the frames to send, so no caller infers what happened from counters.

use super::event::Outbound;
use crate::entry::{EncodedEntry, Entry, EntryError};
use crate::error::Error;
use crate::identity::{Keypair, PublicKey};
use crate::name::Name;
use crate::namespace::{Applied, Namespace};
use crate::op::OpKind;
use crate::record::Record;

/// A change made on this node: a signed entry built elsewhere, or an owner's change that the
/// node builds and signs with `key` on top of the version it holds.
///
/// ```
/// use vns::sync::LocalChange;
/// use vns::{build, identity::Keypair, name::Name, params::NetworkParams};
/// let params = NetworkParams::testing();
/// let key = Keypair::from_secret(&[1; 32]);
/// let name = Name::parse("alice").unwrap();
/// let entry = build::register(&params, &key, &name, vec![], 1_000).unwrap();
/// assert!(LocalChange::from(entry).is_registration());
/// assert!(!LocalChange::Renew { key: &key, name }.is_registration());
/// ```
#[derive(Debug, Clone)]
pub enum LocalChange<'k> {
    /// A signed entry ([`crate::build`], or a block from an owner's own client). An entry
    /// that is only its registration op goes through the local registration rate limit
    /// ([`Namespace::register`]); any other version through [`Namespace::apply`].
    Entry(EncodedEntry),
    /// Replace the records of `name` ([`Namespace::update`]).
    Update {
        /// The owner's key.
        key: &'k Keypair,
        /// The name.
        name: Name,
        /// The new record set.
        records: Vec<Record>,
    },
    /// Extend `name` by one registration period ([`Namespace::renew`]).
    Renew {
        /// The owner's key.
        key: &'k Keypair,
        /// The name.
        name: Name,
    },
    /// Hand `name` to `new_owner` ([`Namespace::transfer`]).
    Transfer {
        /// The owner's key.
        key: &'k Keypair,
        /// The name.
        name: Name,
        /// Who owns it next.
        new_owner: PublicKey,
    },
}

impl From<Entry> for LocalChange<'_> {
    fn from(entry: Entry) -> Self {
        LocalChange::Entry(entry.into())
    }
}

impl From<EncodedEntry> for LocalChange<'_> {
    fn from(entry: EncodedEntry) -> Self {
        LocalChange::Entry(entry)
    }
}

impl LocalChange<'_> {
    /// Whether this claims a name: an entry whose only op is a registration, as its signed
    /// op kind says. (An empty entry is none; `apply` refuses it with `entry.empty`.)
    pub fn is_registration(&self) -> bool {
        match self {
            LocalChange::Entry(entry) => {
                matches!(entry.ops.as_slice(), [only] if only.op.kind == OpKind::Register)
            }
            _ => false,
        }
    }

    /// The name this change is about; an empty entry names none.
    fn name(&self) -> Option<&Name> {
        match self {
            LocalChange::Entry(entry) => entry.ops.first().map(|op| &op.op.name),
            LocalChange::Update { name, .. }
            | LocalChange::Renew { name, .. }
            | LocalChange::Transfer { name, .. } => Some(name),
        }
    }

    /// Applies the change to `ns` through the operation that owns its rules; returns the
    /// name it concerned and the outcome.
    pub(crate) fn apply_to(self, ns: &mut Namespace, now: u64) -> Result<(Name, Applied), Error> {
        let registration = self.is_registration();
        let Some(name) = self.name().cloned() else {
            // The same refusal `apply`'s bounds check gives an empty entry.
            return Err(EntryError::Empty.into());
        };
        let applied = match self {
            LocalChange::Entry(entry) if registration => ns.register(entry, now)?,
            LocalChange::Entry(entry) => ns.apply(entry, now)?,
            LocalChange::Update { key, name, records } => ns.update(key, &name, records, now)?,
            LocalChange::Renew { key, name } => ns.renew(key, &name, now)?,
            LocalChange::Transfer { key, name, new_owner } => {
                ns.transfer(key, &name, new_owner, now)?
            }
        };
        Ok((name, applied))
    }
}

/// What a local change did: the name, whether it was a new version or one already held,
/// and the frames that carry it to the peers (empty when it waits in the queue or changed
/// nothing).
///
/// ```
/// use vns::sync::{SyncConfig, SyncNode};
/// use vns::{build, identity::Keypair, name::Name, namespace::{Applied, Namespace}};
/// let params = vns::params::NetworkParams::testing();
/// let mut node = SyncNode::new(Namespace::new(params.clone()), SyncConfig::default());
/// let key = Keypair::from_secret(&[1; 32]);
/// let entry = build::register(&params, &key, &Name::parse("alice").unwrap(), vec![], 1_000)
///     .unwrap();
/// let first = node.submit(entry.clone(), 1_000).unwrap();
/// assert_eq!((first.name.as_str(), first.applied), ("alice.vfs", Applied::Accepted));
/// assert_eq!(node.submit(entry, 1_000).unwrap().applied, Applied::Duplicate);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    /// The name changed (or left as it was).
    pub name: Name,
    /// [`Applied::Accepted`] for a new version, [`Applied::Duplicate`] for one already held.
    pub applied: Applied,
    /// Frames for the transport.
    pub out: Vec<Outbound>,
}
