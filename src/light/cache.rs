//! The names a light client watches, each with what it verified about it: bounded, least
//! recently used out. The same set is the watch list its peers push deltas for, so a name
//! leaves the cache and the watch list together.

use std::collections::HashMap;

use crate::entry::EncodedEntry;
use crate::name::Name;

/// What a light client verified about one name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    /// The winning entry among the answers (valid; possibly expired by now), or `None` when
    /// the peers proved the name absent from their trees.
    pub entry: Option<EncodedEntry>,
    /// When it was verified or last pushed (ms).
    pub verified_at: u64,
    /// Whether a connected peer has watched the name ever since: then a newer version would
    /// have been pushed, and the answer is current. Cleared when the last peer goes away.
    pub confirmed: bool,
}

#[derive(Debug)]
struct Slot {
    known: Option<Known>,
    used: u64,
}

/// The watched names and their verified answers.
#[derive(Debug)]
pub(crate) struct WatchCache {
    capacity: usize,
    slots: HashMap<Name, Slot>,
    clock: u64,
}

impl WatchCache {
    pub(crate) fn new(capacity: usize) -> WatchCache {
        WatchCache { capacity: capacity.max(1), slots: HashMap::new(), clock: 0 }
    }

    /// Marks `name` used now, adding it (with nothing verified yet) if new. Returns whether
    /// the set of names changed (a name added, perhaps another evicted).
    pub(crate) fn touch(&mut self, name: &Name) -> bool {
        self.clock += 1;
        if let Some(slot) = self.slots.get_mut(name) {
            slot.used = self.clock;
            return false;
        }
        if self.slots.len() >= self.capacity {
            let oldest = self.slots.iter().min_by_key(|(_, s)| s.used).map(|(n, _)| n.clone());
            if let Some(oldest) = oldest {
                self.slots.remove(&oldest);
            }
        }
        self.slots.insert(name.clone(), Slot { known: None, used: self.clock });
        true
    }

    pub(crate) fn get(&self, name: &Name) -> Option<&Known> {
        self.slots.get(name).and_then(|s| s.known.as_ref())
    }

    pub(crate) fn contains(&self, name: &Name) -> bool {
        self.slots.contains_key(name)
    }

    /// Records what was verified about `name`, if it is still watched.
    pub(crate) fn set(&mut self, name: &Name, known: Known) {
        if let Some(slot) = self.slots.get_mut(name) {
            slot.known = Some(known);
        }
    }

    /// The names with a verified answer, most recently used first.
    pub(crate) fn recent_first(&self) -> Vec<(&Name, &Known)> {
        let mut known: Vec<(&Name, &Slot)> =
            self.slots.iter().filter(|(_, s)| s.known.is_some()).collect();
        known.sort_by_key(|(_, s)| std::cmp::Reverse(s.used));
        known.into_iter().filter_map(|(n, s)| s.known.as_ref().map(|k| (n, k))).collect()
    }

    /// Every watched name, in name order (the `watch` list).
    pub(crate) fn names(&self) -> Vec<Name> {
        let mut names: Vec<Name> = self.slots.keys().cloned().collect();
        names.sort();
        names
    }

    /// Nobody watches for us any more: every answer may now be outdated.
    pub(crate) fn unconfirm_all(&mut self) {
        for known in self.slots.values_mut().filter_map(|s| s.known.as_mut()) {
            known.confirmed = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_recently_used_name_leaves_first() {
        let n = |s: &str| Name::parse(s).unwrap();
        let mut cache = WatchCache::new(2);
        assert!(cache.touch(&n("alice")));
        assert!(cache.touch(&n("bobby")));
        assert!(!cache.touch(&n("alice")), "already watched");
        assert!(cache.touch(&n("carol")), "bobby leaves");
        assert_eq!(cache.names(), vec![n("alice"), n("carol")]);
    }
}
