//! A bounded set of recently seen hashes (first in, first out).

use std::collections::{HashSet, VecDeque};

/// Remembers at most `capacity` 32-byte hashes; the oldest is forgotten first. Forgetting is
/// harmless: a delta might then be sent twice, and the receiver treats it as a duplicate.
#[derive(Debug, Clone)]
pub(crate) struct Recent {
    set: HashSet<[u8; 32]>,
    order: VecDeque<[u8; 32]>,
    capacity: usize,
}

impl Recent {
    pub(crate) fn new(capacity: usize) -> Recent {
        Recent { set: HashSet::new(), order: VecDeque::new(), capacity }
    }

    /// Inserts `hash`; returns whether it was new.
    pub(crate) fn insert(&mut self, hash: [u8; 32]) -> bool {
        if self.capacity == 0 || !self.set.insert(hash) {
            return self.capacity == 0;
        }
        self.order.push_back(hash);
        if self.order.len() > self.capacity {
            if let Some(old) = self.order.pop_front() {
                self.set.remove(&old);
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::Recent;

    #[test]
    fn forgets_the_oldest() {
        let mut r = Recent::new(2);
        assert!(r.insert([1; 32]));
        assert!(!r.insert([1; 32]));
        assert!(r.insert([2; 32]));
        assert!(r.insert([3; 32]));
        assert!(r.insert([1; 32]), "the oldest was forgotten");
        assert!(!r.insert([3; 32]));
    }
}
