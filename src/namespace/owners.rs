//! The owner index: each owner's names, kept beside the store so that listing them is a
//! lookup, not a scan of every entry.

use std::collections::{BTreeSet, HashMap};

use crate::identity::PublicKey;
use crate::name::Name;

/// Owner → the names it holds, in name order. [`super::Namespace`] keeps it in step with
/// the entries it holds: a name is filed under the owner of its held version only.
#[derive(Debug, Clone, Default)]
pub(super) struct OwnerIndex(HashMap<PublicKey, BTreeSet<Name>>);

impl OwnerIndex {
    /// Files `name` under `owner`.
    pub(super) fn insert(&mut self, owner: PublicKey, name: Name) {
        self.0.entry(owner).or_default().insert(name);
    }

    /// Takes `name` from under `owner`, and forgets an owner left with no names.
    pub(super) fn remove(&mut self, owner: &PublicKey, name: &Name) {
        if let Some(names) = self.0.get_mut(owner) {
            names.remove(name);
            if names.is_empty() {
                self.0.remove(owner);
            }
        }
    }

    /// The names filed under `owner`, in name order.
    pub(super) fn names(&self, owner: &PublicKey) -> Vec<&Name> {
        self.0.get(owner).map(|names| names.iter().collect()).unwrap_or_default()
    }
}
