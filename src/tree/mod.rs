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
mod mutate;
pub mod node;
mod proof;

use std::collections::{HashMap, HashSet};

use cid::Cid;

use crate::block::Block;
pub use diff::{diff, Diff, DiffEntry, DiffWalk};
pub use error::{ProofError, TreeError};
pub use node::{child_links, empty_root, layer_of, Entry, Node};
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
    fn new(node: Node, bytes: Vec<u8>) -> Stored {
        let layer = node.layer().unwrap_or(0);
        let decoded = (layer > 0).then(|| Box::new(node));
        Stored { bytes, layer, decoded }
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
        let mut iter = Iter { tree: self, stack: Vec::new() };
        iter.descend(self.top);
        iter
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
        new_blocks.sort_by_key(|b| b.cid);
        // Taking (not draining) the sets frees their capacity, which a bulk load made large.
        self.fresh = HashSet::new();
        let mut dropped: Vec<Cid> = std::mem::take(&mut self.gone).into_iter().collect();
        dropped.sort();
        Changes { new_blocks, dropped }
    }

    /// Rebuilds a tree from stored blocks. Every reachable block is checked against its CID
    /// and as a node at its place (keys sorted and within their parent's bounds, layers
    /// consistent, no empty nodes below the root); blocks not reachable from `root` are
    /// ignored. The loaded nodes count as already saved.
    ///
    /// ```
    /// use vns::{block::cid_of, tree::Tree};
    /// let mut tree = Tree::new();
    /// tree.insert("alice.vfs", cid_of(b"a"));
    /// let blocks = tree.take_new_blocks().into_iter().map(|b| (b.cid, b.bytes)).collect();
    /// let loaded = Tree::from_blocks(tree.root(), blocks).unwrap();
    /// assert_eq!(loaded.get("alice.vfs"), Some(cid_of(b"a")));
    /// ```
    pub fn from_blocks(root: Cid, mut blocks: HashMap<Cid, Vec<u8>>) -> Result<Tree, TreeError> {
        Tree::from_fetch(root, |cid| blocks.remove(cid))
    }

    /// [`Tree::from_blocks`] with blocks taken one by one from `fetch` (`None`: missing), for a
    /// caller that keeps the blocks the tree does not use, e.g. the entries of a bulk read.
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use vns::{block::cid_of, tree::Tree};
    /// let mut tree = Tree::new();
    /// tree.insert("alice.vfs", cid_of(b"a"));
    /// let mut all: HashMap<_, _> =
    ///     tree.take_new_blocks().into_iter().map(|b| (b.cid, b.bytes)).collect();
    /// all.insert(cid_of(b"a"), b"a".to_vec());
    /// let loaded = Tree::from_fetch(tree.root(), |cid| all.remove(cid)).unwrap();
    /// assert_eq!(loaded.get("alice.vfs"), Some(cid_of(b"a")));
    /// assert_eq!(all.len(), 1, "the entry block is left to the caller");
    /// ```
    pub fn from_fetch(
        root: Cid,
        fetch: impl FnMut(&Cid) -> Option<Vec<u8>>,
    ) -> Result<Tree, TreeError> {
        let (nodes, top, len) = load(root, fetch)?;
        Ok(Tree { nodes, top, len, fresh: HashSet::new(), gone: HashSet::new() })
    }

    /// Re-checks every invariant from the root down (as [`Tree::from_blocks`] does) and that
    /// no unreachable node is held. For tests and debugging.
    ///
    /// ```
    /// assert!(vns::tree::Tree::new().validate().is_ok());
    /// ```
    pub fn validate(&self) -> Result<(), TreeError> {
        let root = self.root();
        let (nodes, _, len) = load(root, |cid| self.block(cid))?;
        if len != self.len || nodes.len() != self.nodes.len() {
            return Err(TreeError::InvalidNode {
                cid: root,
                reason: format!(
                    "tree holds {} nodes and counts {} keys, but {} nodes and {} keys are reachable",
                    self.nodes.len(),
                    self.len,
                    nodes.len(),
                    len
                ),
            });
        }
        Ok(())
    }
}

/// Loads and checks the tree under `root`, taking blocks from `fetch`.
#[allow(clippy::type_complexity)]
fn load(
    root: Cid,
    mut fetch: impl FnMut(&Cid) -> Option<Vec<u8>>,
) -> Result<(HashMap<Cid, Stored>, Option<Cid>, usize), TreeError> {
    struct Visit {
        cid: Cid,
        lower: Option<String>,
        upper: Option<String>,
        parent_layer: Option<u32>,
    }
    let mut nodes = HashMap::new();
    let mut len = 0;
    let mut stack = vec![Visit { cid: root, lower: None, upper: None, parent_layer: None }];
    while let Some(Visit { cid, lower, upper, parent_layer }) = stack.pop() {
        let invalid = |reason: &str| TreeError::InvalidNode { cid, reason: reason.into() };
        if nodes.contains_key(&cid) {
            return Err(invalid("node is reachable twice"));
        }
        let bytes = fetch(&cid).ok_or(TreeError::MissingBlock { cid })?;
        let block = Block::verify(cid, bytes)
            .map_err(|e| TreeError::CorruptBlock { cid, reason: e.to_string() })?;
        let node = Node::decode(&block.bytes)?;
        if node.entries.is_empty() {
            if parent_layer.is_some() {
                return Err(invalid("empty node below the root"));
            }
            nodes.insert(cid, Stored::new(node, block.bytes));
            return Ok((nodes, None, 0));
        }
        let layer = node.layer().expect("node has entries");
        if parent_layer.is_some_and(|p| layer >= p) {
            return Err(invalid("child node's layer is not below its parent's"));
        }
        let first = node.entries[0].key.as_str();
        let last = node.entries[node.entries.len() - 1].key.as_str();
        if lower.as_deref().is_some_and(|lo| first.as_bytes() <= lo.as_bytes())
            || upper.as_deref().is_some_and(|hi| last.as_bytes() >= hi.as_bytes())
        {
            return Err(invalid("keys outside the bounds set by the parent node"));
        }
        len += node.entries.len();
        for i in 0..=node.entries.len() {
            if let Some(child) = node.gap(i) {
                stack.push(Visit {
                    cid: child,
                    lower: if i == 0 {
                        lower.clone()
                    } else {
                        Some(node.entries[i - 1].key.clone())
                    },
                    upper: match node.entries.get(i) {
                        Some(e) => Some(e.key.clone()),
                        None => upper.clone(),
                    },
                    parent_layer: Some(layer),
                });
            }
        }
        nodes.insert(cid, Stored::new(node, block.bytes));
    }
    Ok((nodes, Some(root), len))
}

/// Iterator over a tree's (key, value) pairs in key order; see [`Tree::iter`].
///
/// ```
/// use vns::{block::cid_of, tree::Tree};
/// let mut tree = Tree::new();
/// tree.insert("a.vfs", cid_of(b"a"));
/// for (key, value) in &tree {
///     assert_eq!((key.as_str(), value), ("a.vfs", cid_of(b"a")));
/// }
/// ```
pub struct Iter<'a> {
    tree: &'a Tree,
    /// (node, index of the next entry to yield).
    stack: Vec<(Node, usize)>,
}

impl<'a> Iter<'a> {
    fn descend(&mut self, mut link: Option<Cid>) {
        while let Some(cid) = link {
            let node = self.tree.nodes[&cid].node();
            link = node.left;
            self.stack.push((node, 0));
        }
    }
}

impl Iterator for Iter<'_> {
    type Item = (String, Cid);

    fn next(&mut self) -> Option<Self::Item> {
        let (mut node, i) = self.stack.pop()?;
        let entry = std::mem::take(&mut node.entries[i].key);
        let (value, right) = (node.entries[i].value, node.entries[i].right);
        if i + 1 < node.entries.len() {
            self.stack.push((node, i + 1));
        }
        self.descend(right);
        Some((entry, value))
    }
}

impl<'a> IntoIterator for &'a Tree {
    type Item = (String, Cid);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}
