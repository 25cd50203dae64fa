//! The expiry sweep: names past their grace period leave the store. Expiry is a pure
//! function of signed data and time, so every node sweeps the same names at the same `now`
//! and no message announces it.

use super::Namespace;
use crate::entry::Entry;
use crate::name::Name;
use crate::rules::{self, Status};

impl Namespace {
    /// Removes every name past its grace period from the store and the owner index, and
    /// returns them. Every node computes the same result from the same `now`, so expiry needs
    /// no messages.
    pub fn sweep_expired(&mut self, now: u64) -> Vec<Name> {
        let lapsed: Vec<Name> = self
            .entries()
            .filter(|e| rules::status(e, &self.params, now) == Status::Lapsed)
            .map(|e| e.name().clone())
            .collect();
        for name in &lapsed {
            self.remove(name);
        }
        lapsed
    }

    fn remove(&mut self, name: &Name) -> Option<Entry> {
        let entry = self.entries.take(name)?.into_entry();
        self.dirty.insert(name.clone());
        self.unsaved.remove(name);
        self.owners.remove(&entry.owner(), name);
        Some(entry)
    }
}
