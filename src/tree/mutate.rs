//! Incremental insert and remove.
//!
//! The tree for a key set is canonical: its root holds the keys of the highest layer, and each
//! gap between them is the canonical tree of the keys in that gap (or nothing). Changes keep
//! that shape with two helpers that touch one path each:
//!
//! * `split(t, k)`: the trees of the keys of `t` below `k` and above `k` (when a key of higher
//!   layer than a node's must go above it, or a same-layer key cuts a gap in two);
//! * `merge(a, b)`: the tree of the keys of `a` and `b` (all of `a` below all of `b`), when a
//!   removed key no longer separates its two neighbouring subtrees.
//!
//! Insert and remove therefore create O(depth) nodes. The nodes they read on the way down are
//! "consumed"; afterwards the consumed and created nodes that are not reachable from the new
//! root are dropped, so the tree holds exactly its reachable nodes.

use std::collections::{HashMap, HashSet};

use cid::Cid;

use super::node::{empty_root, layer_of, Leaf, Node};
use super::{Stored, Tree};

/// The nodes one change read and wrote.
struct Op<'t> {
    nodes: &'t mut HashMap<Cid, Stored>,
    /// Nodes rebuilt by this change (possibly recreated identical).
    consumed: Vec<Cid>,
    /// Nodes written by this change.
    created: Vec<Cid>,
    /// Written nodes that were not held before.
    added: Vec<Cid>,
    /// Child links of the written nodes, so finding what stays reachable needs no decoding.
    links: HashMap<Cid, Vec<Cid>>,
}

impl Op<'_> {
    fn layer(&self, cid: Cid) -> u32 {
        self.nodes[&cid].layer
    }

    fn take(&mut self, cid: Cid) -> Node {
        self.consumed.push(cid);
        self.nodes[&cid].node()
    }

    fn put(&mut self, node: Node) -> Cid {
        let block = node.to_block();
        self.created.push(block.cid);
        self.links.insert(block.cid, node.children().collect());
        if !self.nodes.contains_key(&block.cid) {
            self.added.push(block.cid);
            self.nodes.insert(block.cid, Stored::new(node, block.bytes));
        }
        block.cid
    }

    /// Splits `link` into the trees of its keys below and above `key` (which it must not hold).
    fn split(&mut self, link: Option<Cid>, key: &str) -> (Option<Cid>, Option<Cid>) {
        let Some(cid) = link else { return (None, None) };
        let node = self.take(cid);
        let i = node.search(key).expect_err("split key is not in the subtree");
        let (below, above) = self.split(node.gap(i), key);
        let mut left = node;
        let right_entries = left.entries.split_off(i);
        let left = if i == 0 {
            below
        } else {
            left.set_gap(i, below);
            Some(self.put(left))
        };
        let right = if right_entries.is_empty() {
            above
        } else {
            Some(self.put(Node { left: above, entries: right_entries }))
        };
        (left, right)
    }

    /// The tree of the keys of `a` and `b`, all keys of `a` being below all keys of `b`.
    fn merge(&mut self, a: Option<Cid>, b: Option<Cid>) -> Option<Cid> {
        let (a, b) = match (a, b) {
            (None, x) | (x, None) => return x,
            (Some(a), Some(b)) => (a, b),
        };
        let (la, lb) = (self.layer(a), self.layer(b));
        if la > lb {
            let mut na = self.take(a);
            let last = na.entries.len();
            let m = self.merge(na.gap(last), Some(b));
            na.set_gap(last, m);
            Some(self.put(na))
        } else if lb > la {
            let mut nb = self.take(b);
            nb.left = self.merge(Some(a), nb.left);
            Some(self.put(nb))
        } else {
            let mut na = self.take(a);
            let nb = self.take(b);
            let last = na.entries.len();
            let m = self.merge(na.gap(last), nb.left);
            na.set_gap(last, m);
            na.entries.extend(nb.entries);
            Some(self.put(na))
        }
    }

    /// Inserts `key` (of layer `layer`, not in the tree) under `link`.
    fn insert(&mut self, link: Option<Cid>, key: &str, layer: u32, value: Cid) -> Cid {
        let entry = |right| Leaf { key: key.to_string(), value, right };
        let Some(cid) = link else {
            return self.put(Node { left: None, entries: vec![entry(None)] });
        };
        if layer > self.layer(cid) {
            let (below, above) = self.split(Some(cid), key);
            return self.put(Node { left: below, entries: vec![entry(above)] });
        }
        let same_layer = layer == self.layer(cid);
        let mut node = self.take(cid);
        let i = node.search(key).expect_err("inserted key is not in the tree");
        if same_layer {
            let (below, above) = self.split(node.gap(i), key);
            node.set_gap(i, below);
            node.entries.insert(i, entry(above));
        } else {
            let child = self.insert(node.gap(i), key, layer, value);
            node.set_gap(i, Some(child));
        }
        self.put(node)
    }

    /// Sets the value of `key`, which is in the tree under `link`.
    fn replace(&mut self, cid: Cid, key: &str, value: Cid) -> Cid {
        let mut node = self.take(cid);
        match node.search(key) {
            Ok(i) => node.entries[i].value = value,
            Err(i) => {
                let child = node.gap(i).expect("replaced key is in the tree");
                let child = self.replace(child, key, value);
                node.set_gap(i, Some(child));
            }
        }
        self.put(node)
    }

    /// Removes `key`, which is in the tree under `cid`; returns the new subtree.
    fn remove(&mut self, cid: Cid, key: &str) -> Option<Cid> {
        let mut node = self.take(cid);
        match node.search(key) {
            Ok(i) => {
                let removed = node.entries.remove(i);
                let joined = self.merge(node.gap(i), removed.right);
                if node.entries.is_empty() {
                    return joined;
                }
                node.set_gap(i, joined);
            }
            Err(i) => {
                let child = node.gap(i).expect("removed key is in the tree");
                let child = self.remove(child, key);
                node.set_gap(i, child);
            }
        }
        Some(self.put(node))
    }
}

impl Tree {
    /// Sets `key` to `value`; returns the previous value. Rewrites only the nodes on the
    /// key's path (plus the O(depth) nodes of a split when the key lands above them).
    ///
    /// ```
    /// use vns::{block::cid_of, tree::Tree};
    /// let mut tree = Tree::new();
    /// assert_eq!(tree.insert("alice.vfs", cid_of(b"1")), None);
    /// assert_eq!(tree.insert("alice.vfs", cid_of(b"2")), Some(cid_of(b"1")));
    /// assert_eq!(tree.get("alice.vfs"), Some(cid_of(b"2")));
    /// ```
    pub fn insert(&mut self, key: &str, value: Cid) -> Option<Cid> {
        let old = self.get(key);
        if old == Some(value) {
            return old;
        }
        let top = self.top;
        self.change(|op| {
            Some(match (old, top) {
                (Some(_), Some(root)) => op.replace(root, key, value),
                _ => op.insert(top, key, layer_of(key), value),
            })
        });
        if old.is_none() {
            self.len += 1;
        }
        old
    }

    /// Removes `key`; returns its value if it was present. Rewrites only the nodes on the
    /// key's path (plus the O(depth) nodes of merging the two subtrees it separated).
    ///
    /// ```
    /// use vns::{block::cid_of, tree::Tree};
    /// let mut tree = Tree::new();
    /// tree.insert("alice.vfs", cid_of(b"1"));
    /// assert_eq!(tree.remove("alice.vfs"), Some(cid_of(b"1")));
    /// assert_eq!(tree.remove("alice.vfs"), None);
    /// assert!(tree.is_empty());
    /// ```
    pub fn remove(&mut self, key: &str) -> Option<Cid> {
        let old = self.get(key)?;
        let root = self.top.expect("a tree holding a key has a root");
        self.change(|op| op.remove(root, key));
        self.len -= 1;
        Some(old)
    }

    /// Runs one change from the current root to a new one, then drops the nodes that became
    /// unreachable and records new and dropped nodes for [`Tree::take_changes`].
    fn change(&mut self, f: impl FnOnce(&mut Op<'_>) -> Option<Cid>) {
        let mut op = Op {
            nodes: &mut self.nodes,
            consumed: Vec::new(),
            created: Vec::new(),
            added: Vec::new(),
            links: HashMap::new(),
        };
        if self.top.is_none() {
            op.consumed.push(empty_root());
        }
        let top = f(&mut op);
        let root = match top {
            Some(root) => root,
            None => op.put(Node::default()),
        };
        let Op { consumed, created, added, links, .. } = op;
        let touched: HashSet<Cid> = consumed.into_iter().chain(created).collect();
        // A node outside `touched` is an untouched old node whose whole subtree is untouched
        // (every descent consumes the node it goes through), so walking `touched` suffices.
        let mut reachable = HashSet::new();
        let mut stack = vec![root];
        while let Some(cid) = stack.pop() {
            if touched.contains(&cid) && reachable.insert(cid) {
                match links.get(&cid) {
                    Some(children) => stack.extend(children),
                    None => stack.extend(self.nodes[&cid].node().children()),
                }
            }
        }
        let added: HashSet<Cid> = added.into_iter().collect();
        for cid in touched.difference(&reachable) {
            self.nodes.remove(cid);
            if !added.contains(cid) && !self.fresh.remove(cid) {
                self.gone.insert(*cid);
            }
        }
        for cid in added.intersection(&reachable) {
            if !self.gone.remove(cid) {
                self.fresh.insert(*cid);
            }
        }
        self.top = top;
    }
}
