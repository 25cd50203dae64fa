//! Building a whole tree at once from sorted keys.
//!
//! The tree of a key set is canonical (see [`mutate`](super::mutate)): its root holds the keys
//! of the highest layer, and each gap between them is the tree of the keys in that gap. So a
//! bulk build partitions the sorted keys on their highest layer, builds the gaps the same way
//! and encodes each node exactly once, after its children. One insert at a time re-encodes
//! every node on the key's path instead (about `depth` encodings per key, where a bulk build
//! spends about one per 16 keys), and gives the same nodes.

use std::collections::{HashMap, HashSet};

use cid::Cid;

use super::error::TreeError;
use super::node::{layer_of, Leaf, Node};
use super::{Stored, Tree};

/// A key with its value and layer, while the tree is built.
struct Item {
    key: String,
    value: Cid,
    layer: u32,
}

impl Tree {
    /// The tree of `entries`, whose keys must be in strictly increasing bytewise order (as
    /// [`Tree::iter`] yields them, or a `BTreeMap<String, _>` holds them). The result is the
    /// same tree, node for node, as inserting the entries one at a time into [`Tree::new`],
    /// and [`Tree::take_changes`] reports the same: every node new, nothing dropped.
    ///
    /// Sorted input is required rather than sorted here: the callers (a namespace's changed
    /// names, another tree's keys) already hold their keys in order, and a key out of order
    /// there is a bug to report, not to hide. Keys out of order or repeated are refused with
    /// [`TreeError::UnsortedKeys`] (`tree.unsorted_keys`).
    ///
    /// ```
    /// use vns::{block::cid_of, tree::Tree};
    /// let built = Tree::from_sorted([("alice.vfs", cid_of(b"a")), ("bob.vfs", cid_of(b"b"))]).unwrap();
    /// let mut inserted = Tree::new();
    /// inserted.insert("bob.vfs", cid_of(b"b"));
    /// inserted.insert("alice.vfs", cid_of(b"a"));
    /// assert_eq!(built.root(), inserted.root());
    ///
    /// let err = Tree::from_sorted([("bob.vfs", cid_of(b"b")), ("alice.vfs", cid_of(b"a"))]);
    /// assert_eq!(err.unwrap_err().code(), "tree.unsorted_keys");
    /// ```
    pub fn from_sorted<K: Into<String>>(
        entries: impl IntoIterator<Item = (K, Cid)>,
    ) -> Result<Tree, TreeError> {
        let mut items: Vec<Item> = Vec::new();
        for (index, (key, value)) in entries.into_iter().enumerate() {
            let key = key.into();
            if items.last().is_some_and(|prev| prev.key.as_bytes() >= key.as_bytes()) {
                return Err(TreeError::UnsortedKeys { index, key });
            }
            let layer = layer_of(&key);
            items.push(Item { key, value, layer });
        }
        if items.is_empty() {
            return Ok(Tree::new());
        }
        // A node holds 16 keys on average (a key's layer counts the leading zero nibbles of
        // its hash), and the map is held as long as the tree: room for twice the nodes
        // would cost 18 bytes per name at a million names.
        let mut nodes = HashMap::with_capacity(items.len() / 16 + 1);
        let len = items.len();
        let top = build(&mut items, &mut nodes);
        let fresh = nodes.keys().copied().collect();
        Ok(Tree { nodes, top, len, fresh, gone: HashSet::new() })
    }

    /// Replaces this tree's content with `other`'s, recording new and dropped nodes for
    /// [`Tree::take_changes`] as the equivalent inserts and removals would: a node of
    /// `other` not held here is new (unless it was dropped since the last call, then it
    /// simply is back), a node held here and not in `other` is dropped (unless it was new
    /// since the last call, then it was never reported).
    ///
    /// ```
    /// use vns::{block::cid_of, tree::Tree};
    /// let mut tree = Tree::new();
    /// tree.insert("alice.vfs", cid_of(b"a"));
    /// tree.take_changes();
    /// let old_root = tree.root();
    /// let keys = [("alice.vfs", cid_of(b"a")), ("bob.vfs", cid_of(b"b"))];
    /// tree.replace_with(Tree::from_sorted(keys).unwrap());
    /// let changes = tree.take_changes();
    /// assert_eq!(changes.new_blocks.len(), 1);
    /// assert_eq!(changes.dropped, vec![old_root]);
    /// ```
    pub fn replace_with(&mut self, other: Tree) {
        let Tree { nodes, top, len, .. } = other;
        for cid in self.nodes.keys() {
            if !nodes.contains_key(cid) && !self.fresh.remove(cid) {
                self.gone.insert(*cid);
            }
        }
        for cid in nodes.keys() {
            if !self.nodes.contains_key(cid) && !self.gone.remove(cid) {
                self.fresh.insert(*cid);
            }
        }
        self.nodes = nodes;
        self.top = top;
        self.len = len;
    }
}

/// Builds the canonical subtree of `items` (sorted, possibly none) into `nodes`; returns
/// its root (`None` for no keys). Each call scans its slice once and recurses into the gaps
/// between its top-layer keys, so the work is the number of keys times the number of layers
/// (a handful), plus one encoding per node.
fn build(items: &mut [Item], nodes: &mut HashMap<Cid, Stored>) -> Option<Cid> {
    let top = items.iter().map(|item| item.layer).max()?;
    let mut node = Node::default();
    let mut start = 0;
    for i in 0..items.len() {
        if items[i].layer != top {
            continue;
        }
        let gap = build(&mut items[start..i], nodes);
        node.set_gap(node.entries.len(), gap);
        let item = &mut items[i];
        node.entries.push(Leaf {
            key: std::mem::take(&mut item.key),
            value: item.value,
            right: None,
        });
        start = i + 1;
    }
    let gap = build(&mut items[start..], nodes);
    node.set_gap(node.entries.len(), gap);
    let block = node.to_block();
    nodes.insert(block.cid, Stored::new(node, block.bytes));
    Some(block.cid)
}
