//! What storage must write and may delete: the tree brought up to date with the changed
//! names, the entry blocks not yet saved, blocks to write again, and blocks no longer
//! reachable.

use cid::Cid;

use super::{Held, Namespace};
use crate::block::Block;
use crate::tree::Tree;

/// A flush of at least one changed name per this many keys of the tree rebuilds the tree at
/// once rather than inserting each name. An insert re-encodes the nodes on its path (the
/// depth: 5 at 100k names) where a rebuild encodes and decodes about one node per 16 keys of
/// the whole tree; by that count the two cost about the same at one change per 32 keys.
const REBUILD_FACTOR: usize = 32;

impl Namespace {
    /// Blocks to persist since the last call: changed entries and new tree nodes. Hand them
    /// to [`crate::persist::save`]; if writing fails, give them back with
    /// [`Namespace::unsaved_again`].
    pub fn take_unsaved_blocks(&mut self) -> Vec<Block> {
        self.flush();
        let changes = self.tree.take_changes();
        self.dropped.extend(changes.dropped);
        let mut fresh: Vec<Block> = std::mem::take(&mut self.unsaved).into_values().collect();
        fresh.extend(changes.new_blocks);
        // A block whose write failed and that a change since made unreachable is garbage: it
        // is not written again, and stays dropped (the failed write may have stored it).
        let mut blocks: Vec<Block> = std::mem::take(&mut self.retry);
        blocks.retain(|block| !self.dropped.contains(&block.cid));
        // A block dropped by an earlier call and needed again is live.
        for block in &fresh {
            self.dropped.remove(&block.cid);
        }
        blocks.extend(fresh);
        blocks
    }

    /// Blocks no longer referenced since the last call, as of the last
    /// [`Namespace::take_unsaved_blocks`]: entries replaced or removed, and tree nodes no
    /// longer reachable. Once a save of that state has committed, a store may delete them
    /// without listing its blocks ([`crate::persist::save_and_prune`]).
    ///
    /// ```
    /// use vns::{build, identity::Keypair, name::Name, namespace::Namespace};
    /// let params = vns::params::NetworkParams::testing();
    /// let (key, name) = (Keypair::from_secret(&[4; 32]), Name::parse("alice").unwrap());
    /// let mut ns = Namespace::new(params.clone());
    /// ns.register(build::register(&params, &key, &name, vec![], 1_000).unwrap(), 1_000).unwrap();
    /// let first = ns.get(&name).unwrap().to_block().cid;
    /// ns.take_unsaved_blocks();
    /// ns.take_dropped();
    /// ns.update(&key, &name, vec![], 2_000).unwrap();
    /// ns.take_unsaved_blocks();
    /// let dropped = ns.take_dropped();
    /// assert!(dropped.contains(&first), "the replaced entry");
    /// assert!(dropped.len() >= 2, "and the old root node");
    /// ```
    pub fn take_dropped(&mut self) -> Vec<Cid> {
        std::mem::take(&mut self.dropped).into_iter().collect()
    }

    /// Puts back dropped blocks that could not be deleted (their save or their deletion
    /// failed), so a later prune retries them. A block needed again by then is written by the
    /// next save, which takes it back out of this set.
    pub fn dropped_again(&mut self, cids: Vec<Cid>) {
        self.dropped.extend(cids);
    }

    /// How many unreachable blocks wait to be pruned (see [`Namespace::take_dropped`]).
    pub fn dropped_len(&self) -> usize {
        self.dropped.len()
    }

    /// Puts back blocks whose write failed, so the next save retries them.
    pub fn unsaved_again(&mut self, blocks: Vec<Block>) {
        self.retry.extend(blocks);
    }

    /// Whether anything changed since the last [`Namespace::take_unsaved_blocks`].
    pub fn has_unsaved(&self) -> bool {
        !self.dirty.is_empty() || !self.unsaved.is_empty() || !self.retry.is_empty()
    }

    /// Brings the tree up to date with the names changed since it last was.
    pub(super) fn flush(&mut self) {
        if self.dirty.is_empty() {
            return;
        }
        if self.dirty.len().saturating_mul(REBUILD_FACTOR) >= self.tree.len() {
            return self.rebuild_tree();
        }
        for name in std::mem::take(&mut self.dirty) {
            // Its block waits in `unsaved` since `store`.
            match self.entries.get(&name).map(Held::cid) {
                Some(cid) => {
                    // A version that comes back (a lost conflict reversed) is live again.
                    self.dropped.remove(&cid);
                    if let Some(old) = self.tree.insert(name.as_str(), cid) {
                        if old != cid {
                            self.dropped.insert(old);
                        }
                    }
                }
                None => self.dropped.extend(self.tree.remove(name.as_str())),
            }
        }
    }

    /// [`Namespace::flush`] for a batch of changes large against the tree (a restore or a
    /// catch-up into an empty node, a burst of changes): the tree is built again at once from
    /// its unchanged keys and the changed names, both in order, encoding each node once
    /// ([`Tree::from_sorted`]), instead of one insert (a path of nodes re-encoded) per name.
    /// The tree, blocks to write and blocks dropped are the same as one insert at a time.
    fn rebuild_tree(&mut self) {
        let mut keys: Vec<(String, Cid)> = Vec::with_capacity(self.tree.len() + self.dirty.len());
        let mut old = self.tree.iter().peekable();
        for name in std::mem::take(&mut self.dirty) {
            let key = name.as_str();
            while let Some(unchanged) = old.next_if(|(k, _)| k.as_bytes() < key.as_bytes()) {
                keys.push(unchanged);
            }
            let previous = old.next_if(|(k, _)| k == key).map(|(_, value)| value);
            match self.entries.get(&name).map(Held::cid) {
                Some(cid) => {
                    // A version that comes back (a lost conflict reversed) is live again.
                    self.dropped.remove(&cid);
                    if previous.is_some_and(|p| p != cid) {
                        self.dropped.extend(previous);
                    }
                    keys.push((key.to_string(), cid));
                }
                None => self.dropped.extend(previous),
            }
        }
        keys.extend(old);
        let tree = Tree::from_sorted(keys).expect("tree keys and changed names are sorted sets");
        self.tree.replace_with(tree);
    }
}
