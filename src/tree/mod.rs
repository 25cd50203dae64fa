//! The namespace tree: a Merkle Search Tree (Auvolat & Taïani 2019, the structure of atproto
//! repositories) from names to the CIDs of their entry blocks.
//!
//! The tree is history-independent: the same set of (name, CID) pairs gives the same nodes and
//! the same [`Tree::root`] whatever the order of insertions and removals. That one root CID is
//! what peers compare, what proofs are checked against and what storage records; nodes are
//! ordinary content-addressed [blocks](crate::block) (format in [`node`]).
//!
//! * persistence: a change rewrites only the nodes on one path ([`Tree::take_new_blocks`]),
//!   and [`Tree::from_blocks`] rebuilds (and checks) a tree from stored blocks;
//! * bulk builds: [`Tree::from_sorted`] builds the tree of many sorted keys at once, encoding
//!   each node once (the same tree as inserting them one at a time);
//! * proofs: [`Tree::prove`] / [`verify_proof`] show that a name has a value, or none;
//! * sync: [`diff`] (or step by step, [`DiffWalk`]) finds the names whose values differ from a
//!   peer's tree, fetching only the nodes that differ.
//!
//! The core is synchronous and keeps every reachable node in memory; I/O lives elsewhere.
//!
//! ```
//! use vns::block::cid_of;
//! use vns::tree::{verify_proof, Tree};
//! let value = cid_of(b"alice's entry");
//! let mut a = Tree::new();
//! a.insert("alice.vfs", value);
//! a.insert("bob.vfs", cid_of(b"bob's entry"));
//! let mut b = Tree::new();
//! b.insert("bob.vfs", cid_of(b"bob's entry"));
//! b.insert("alice.vfs", value);
//! assert_eq!(a.root(), b.root());
//! assert_eq!(a.get("alice.vfs"), Some(value));
//! let proof = a.prove("carol.vfs");
//! assert_eq!(verify_proof(&a.root(), "carol.vfs", &proof), Ok(None));
//! ```

#![deny(missing_docs)]

mod bulk;
mod diff;
mod error;
mod iter;
mod load;
mod mutate;
pub mod node;
mod proof;

use std::collections::{HashMap, HashSet};

use cid::Cid;

use crate::block::Block;
pub use diff::{diff, Diff, DiffEntry, DiffWalk};
pub use error::{ProofError, TreeError};
pub use iter::Iter;
pub use node::{child_links, empty_root, layer_of, Leaf, Node};
pub use proof::{verify_proof, Proof};

/// A node held in memory. Leaf-layer nodes, which hold about 15 of every 16 keys, keep only
/// their block bytes and are decoded when visited (a decoded node is about four times larger,
/// and memory per name matters at millions of names); nodes of higher layers, visited by
/// every lookup and change, also keep their decoded form.
#[derive(Debug, Clone)]
struct Stored {
    bytes: Vec<u8>,
    /// Layer of the node's keys (0 for the empty root, which is never asked).
    layer: u32,
    decoded: Option<Box<Node>>,
}

impl Stored {
    /// Holds `node` and its block bytes, without the spare capacity an encoder leaves
    /// behind: a node is held as long as it is reachable, and the encoder's growing buffer
    /// (up to twice the bytes) would otherwise be held with it, more than the bytes
    /// themselves at a million names.
    fn new(node: Node, bytes: Vec<u8>) -> Stored {
        let layer = node.layer().unwrap_or(0);
        Stored::at_layer(node, bytes, layer)
    }

    /// [`Stored::new`] for a node whose keys' layer is known (`layer`): a node that
    /// [`Stored::keeps_decoded`] does not keep may come without its leaves.
    fn at_layer(mut node: Node, mut bytes: Vec<u8>, layer: u32) -> Stored {
        bytes.shrink_to_fit();
        let decoded = Stored::keeps_decoded(layer).then(|| {
            node.entries.shrink_to_fit();
            Box::new(node)
        });
        Stored { bytes, layer, decoded }
    }

    /// Whether a node of `layer` is held decoded beside its bytes: the nodes above the lowest
    /// layer are few and walked by every lookup; the lowest layer's (about 15 in 16) are
    /// decoded when asked.
    fn keeps_decoded(layer: u32) -> bool {
        layer > 0
    }

    fn node(&self) -> Node {
        match &self.decoded {
            Some(node) => (**node).clone(),
            None => Node::decode_held(&self.bytes),
        }
    }
}

/// What changed in the set of reachable nodes since the last [`Tree::take_changes`].
///
/// ```
/// use vns::{block::cid_of, tree::Tree};
/// let mut tree = Tree::new();
/// let changes = tree.take_changes();
/// assert_eq!((changes.new_blocks.len(), changes.dropped.len()), (1, 0));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Nodes reachable now that were not reachable at the last call: what a save must write.
    pub new_blocks: Vec<Block>,
    /// Nodes reachable at the last call that no longer are: what a store may delete.
    pub dropped: Vec<Cid>,
}

/// A Merkle Search Tree from names to CIDs, with every reachable node in memory.
///
/// ```
/// use vns::block::cid_of;
/// use vns::tree::Tree;
/// let mut tree = Tree::new();
/// assert_eq!(tree.insert("alice.vfs", cid_of(b"1")), None);
/// assert_eq!(tree.insert("alice.vfs", cid_of(b"2")), Some(cid_of(b"1")));
/// assert_eq!(tree.len(), 1);
/// assert_eq!(tree.remove("alice.vfs"), Some(cid_of(b"2")));
/// assert_eq!(tree.root(), Tree::new().root());
/// ```
#[derive(Debug, Clone)]
pub struct Tree {
    /// Every reachable node (just the empty node when the tree is empty).
    nodes: HashMap<Cid, Stored>,
    /// Root of the non-empty tree; `None` when empty.
    top: Option<Cid>,
    len: usize,
    /// Reachable nodes that were not reachable at the last `take_changes`.
    fresh: HashSet<Cid>,
    /// Nodes reachable at the last `take_changes` that are no longer reachable.
    gone: HashSet<Cid>,
}

impl Default for Tree {
    fn default() -> Self {
        Tree::new()
    }
}

impl Tree {
    /// The empty tree. Its only node (the empty root) counts as a new block.
    ///
    /// ```
    /// use vns::tree::{empty_root, Tree};
    /// let mut tree = Tree::new();
    /// assert!(tree.is_empty());
    /// assert_eq!(tree.take_new_blocks()[0].cid, empty_root());
    /// ```
    pub fn new() -> Tree {
        let block = Node::default().to_block();
        let mut nodes = HashMap::new();
        nodes.insert(block.cid, Stored::new(Node::default(), block.bytes));
        Tree { nodes, top: None, len: 0, fresh: HashSet::from([block.cid]), gone: HashSet::new() }
    }

    /// The root CID (that of [`empty_root`] for the empty tree).
    ///
    /// ```
    /// use vns::tree::{empty_root, Tree};
    /// assert_eq!(Tree::new().root(), empty_root());
    /// ```
    pub fn root(&self) -> Cid {
        self.top.unwrap_or_else(empty_root)
    }

    /// Number of keys.
    ///
    /// ```
    /// assert_eq!(vns::tree::Tree::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the tree has no keys.
    ///
    /// ```
    /// assert!(vns::tree::Tree::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The value of `key`, if present.
    ///
    /// ```
    /// use vns::{block::cid_of, tree::Tree};
    /// let mut tree = Tree::new();
    /// tree.insert("alice.vfs", cid_of(b"a"));
    /// assert_eq!(tree.get("alice.vfs"), Some(cid_of(b"a")));
    /// assert_eq!(tree.get("bob.vfs"), None);
    /// ```
    pub fn get(&self, key: &str) -> Option<Cid> {
        let mut link = self.top;
        while let Some(cid) = link {
            let node = self.nodes[&cid].node();
            match node.search(key) {
                Ok(i) => return Some(node.entries[i].value),
                Err(i) => link = node.gap(i),
            }
        }
        None
    }

    /// All (key, value) pairs in bytewise key order.
    ///
    /// ```
    /// use vns::{block::cid_of, tree::Tree};
    /// let mut tree = Tree::new();
    /// tree.insert("bob.vfs", cid_of(b"b"));
    /// tree.insert("alice.vfs", cid_of(b"a"));
    /// let keys: Vec<String> = tree.iter().map(|(k, _)| k).collect();
    /// assert_eq!(keys, ["alice.vfs", "bob.vfs"]);
    /// ```
    pub fn iter(&self) -> Iter<'_> {
        Iter::new(self)
    }

    /// The decoded node `cid`, if it is reachable in this tree.
    ///
    /// ```
    /// use vns::tree::Tree;
    /// let tree = Tree::new();
    /// assert!(tree.node(&tree.root()).unwrap().entries.is_empty());
    /// ```
    pub fn node(&self, cid: &Cid) -> Option<Node> {
        self.nodes.get(cid).map(Stored::node)
    }

    /// The block bytes of node `cid`, if it is reachable in this tree (to serve peers).
    ///
    /// ```
    /// use vns::{block::cid_of, tree::Tree};
    /// let tree = Tree::new();
    /// let bytes = tree.block(&tree.root()).unwrap();
    /// assert_eq!(cid_of(&bytes), tree.root());
    /// ```
    pub fn block(&self, cid: &Cid) -> Option<Vec<u8>> {
        self.nodes.get(cid).map(|s| s.bytes.clone())
    }

    /// Whether node `cid` is reachable in this tree.
    ///
    /// ```
    /// use vns::tree::Tree;
    /// let tree = Tree::new();
    /// assert!(tree.has_node(&tree.root()));
    /// ```
    pub fn has_node(&self, cid: &Cid) -> bool {
        self.nodes.contains_key(cid)
    }

    /// The CIDs among `cids` that this tree does not hold (what to ask a peer for).
    ///
    /// ```
    /// use vns::{block::cid_of, tree::Tree};
    /// let tree = Tree::new();
    /// let other = cid_of(b"x");
    /// assert_eq!(tree.missing(&[tree.root(), other]), vec![other]);
    /// ```
    pub fn missing(&self, cids: &[Cid]) -> Vec<Cid> {
        cids.iter().filter(|c| !self.nodes.contains_key(c)).copied().collect()
    }

    /// CIDs of all reachable nodes (in no particular order).
    ///
    /// ```
    /// use vns::tree::Tree;
    /// let tree = Tree::new();
    /// assert_eq!(tree.reachable_cids().collect::<Vec<_>>(), vec![tree.root()]);
    /// ```
    pub fn reachable_cids(&self) -> impl Iterator<Item = Cid> + '_ {
        self.nodes.keys().copied()
    }

    /// Number of reachable nodes (1 for the empty tree).
    ///
    /// ```
    /// assert_eq!(vns::tree::Tree::new().node_count(), 1);
    /// ```
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Number of nodes on the longest root-to-leaf path (0 for the empty tree).
    ///
    /// ```
    /// use vns::{block::cid_of, tree::Tree};
    /// let mut tree = Tree::new();
    /// assert_eq!(tree.depth(), 0);
    /// tree.insert("alice.vfs", cid_of(b"a"));
    /// assert_eq!(tree.depth(), 1);
    /// ```
    pub fn depth(&self) -> usize {
        fn depth_of(tree: &Tree, link: Option<Cid>) -> usize {
            link.map_or(0, |cid| {
                1 + tree.nodes[&cid]
                    .node()
                    .children()
                    .map(|c| depth_of(tree, Some(c)))
                    .max()
                    .unwrap_or(0)
            })
        }
        depth_of(self, self.top)
    }

    /// Node blocks that became reachable since the last call (or since the tree was made):
    /// exactly what an incremental save must write. Blocks created and dropped again in
    /// between, or dropped and recreated, are not listed.
    ///
    /// ```
    /// use vns::{block::cid_of, tree::Tree};
    /// let mut tree = Tree::new();
    /// tree.take_new_blocks();
    /// tree.insert("alice.vfs", cid_of(b"a"));
    /// let new = tree.take_new_blocks();
    /// assert_eq!(new.len(), 1);
    /// assert_eq!(new[0].cid, tree.root());
    /// assert!(tree.take_new_blocks().is_empty());
    /// ```
    pub fn take_new_blocks(&mut self) -> Vec<Block> {
        self.take_changes().new_blocks
    }

    /// Like [`Tree::take_new_blocks`], also listing the nodes no longer reachable since the
    /// last call (for a store that deletes them).
    ///
    /// ```
    /// use vns::{block::cid_of, tree::{empty_root, Tree}};
    /// let mut tree = Tree::new();
    /// tree.take_changes();
    /// tree.insert("alice.vfs", cid_of(b"a"));
    /// assert_eq!(tree.take_changes().dropped, vec![empty_root()]);
    /// ```
    pub fn take_changes(&mut self) -> Changes {
        let mut new_blocks: Vec<Block> = self
            .fresh
            .iter()
            .map(|&cid| Block { cid, bytes: self.nodes[&cid].bytes.clone() })
            .collect();
        // The CIDs come from a set, so no two are equal: an unstable sort gives the one order,
        // with less code than a stable one (each sort is its own copy in the wasm).
        new_blocks.sort_unstable_by_key(|b| b.cid);
        // Taking (not draining) the sets frees their capacity, which a bulk load made large.
        self.fresh = HashSet::new();
        let mut dropped: Vec<Cid> = std::mem::take(&mut self.gone).into_iter().collect();
        dropped.sort_unstable();
        Changes { new_blocks, dropped }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::cid_of;

    /// Every held node is exactly its bytes (and its decoded leaves), however it was made:
    /// memory per name at a million names counts the capacity, not the length.
    fn assert_no_spare_capacity(tree: &Tree) {
        for (cid, stored) in &tree.nodes {
            assert_eq!(stored.bytes.capacity(), stored.bytes.len(), "bytes of node {cid}");
            if let Some(node) = &stored.decoded {
                assert_eq!(node.entries.capacity(), node.entries.len(), "leaves of node {cid}");
            }
        }
    }

    #[test]
    fn held_nodes_keep_no_spare_capacity() {
        let keys: Vec<(String, Cid)> =
            (0..2_000u32).map(|i| (format!("name{i:05}.vfs"), cid_of(&i.to_le_bytes()))).collect();
        let built = Tree::from_sorted(keys.clone()).unwrap();
        assert!(built.nodes.values().any(|s| s.decoded.is_some()), "upper layers are held");
        assert_no_spare_capacity(&built);
        let (room, nodes) = (built.nodes.capacity(), built.nodes.len());
        assert!(room <= 2 * nodes, "a bulk build's map has room for {room} nodes, holds {nodes}");
        let mut inserted = Tree::new();
        for (key, value) in &keys {
            inserted.insert(key, *value);
        }
        assert_no_spare_capacity(&inserted);
        let loaded = Tree::from_fetch(built.root(), |cid| built.block(cid)).unwrap();
        assert_no_spare_capacity(&loaded);
    }

    #[test]
    fn a_load_gives_every_leaf_in_key_order() {
        for n in [0u32, 1, 2, 17, 2_000] {
            let keys: Vec<(String, Cid)> =
                (0..n).map(|i| (format!("k{i:05}.vfs"), cid_of(&i.to_le_bytes()))).collect();
            let built = Tree::from_sorted(keys.clone()).unwrap();
            let (loaded, leaves) =
                Tree::from_fetch_with_leaves(built.root(), |cid| built.block(cid)).unwrap();
            assert_eq!(leaves, keys, "{n} keys");
            assert_eq!(loaded.iter().collect::<Vec<_>>(), keys, "{n} keys, iterated");
            assert_eq!(loaded.root(), built.root());
            assert_no_spare_capacity(&loaded);
            loaded.validate().unwrap();
        }
    }
}
