//! Loading a tree from stored blocks, checking every node at its place on the way.

use std::collections::{HashMap, HashSet};

use cid::Cid;

use super::{Leaf, Node, Stored, Tree, TreeError};
use crate::block::Block;

impl Tree {
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
        let (nodes, top, len) = load(root, fetch, None)?;
        Ok(Tree { nodes, top, len, fresh: HashSet::new(), gone: HashSet::new() })
    }

    /// [`Tree::from_fetch`], with the tree's (key, value) pairs in key order, as
    /// [`Tree::iter`] gives them, taken from the nodes as they are checked: the nodes of the
    /// lowest layer (most of them) are held as bytes only, so iterating the loaded tree would
    /// decode each of them a second time.
    ///
    /// ```
    /// use vns::{block::cid_of, tree::Tree};
    /// let mut tree = Tree::new();
    /// tree.insert("bob.vfs", cid_of(b"b"));
    /// tree.insert("alice.vfs", cid_of(b"a"));
    /// let all: std::collections::HashMap<_, _> =
    ///     tree.take_new_blocks().into_iter().map(|b| (b.cid, b.bytes)).collect();
    /// let (loaded, leaves) = Tree::from_fetch_with_leaves(tree.root(), |c| all.get(c).cloned())
    ///     .unwrap();
    /// assert_eq!(leaves, loaded.iter().collect::<Vec<_>>());
    /// assert_eq!(leaves[0], ("alice.vfs".to_string(), cid_of(b"a")));
    /// ```
    #[allow(clippy::type_complexity)]
    pub fn from_fetch_with_leaves(
        root: Cid,
        fetch: impl FnMut(&Cid) -> Option<Vec<u8>>,
    ) -> Result<(Tree, Vec<(String, Cid)>), TreeError> {
        let mut bottom = HashMap::new();
        let (nodes, top, len) = load(root, fetch, Some(&mut bottom))?;
        let tree = Tree { nodes, top, len, fresh: HashSet::new(), gone: HashSet::new() };
        let mut leaves = Vec::with_capacity(len);
        tree.collect_leaves(top, &mut bottom, &mut leaves);
        Ok((tree, leaves))
    }

    /// Appends the pairs under `link` in key order: a node held decoded gives its own leaves
    /// between its subtrees', a node of the lowest layer (no subtrees) the leaves the load
    /// took out of it into `bottom`. The recursion is as deep as the tree (layers strictly
    /// decrease downwards).
    fn collect_leaves(
        &self,
        link: Option<Cid>,
        bottom: &mut HashMap<Cid, Vec<Leaf>>,
        leaves: &mut Vec<(String, Cid)>,
    ) {
        let Some(cid) = link else { return };
        if let Some(taken) = bottom.remove(&cid) {
            leaves.extend(taken.into_iter().map(|leaf| (leaf.key, leaf.value)));
            return;
        }
        let node = self.nodes[&cid].node();
        for (i, leaf) in node.entries.into_iter().enumerate() {
            self.collect_leaves(if i == 0 { node.left } else { None }, bottom, leaves);
            leaves.push((leaf.key, leaf.value));
            self.collect_leaves(leaf.right, bottom, leaves);
        }
    }

    /// Re-checks every invariant from the root down (as [`Tree::from_blocks`] does) and that
    /// no unreachable node is held. For tests and debugging.
    ///
    /// ```
    /// assert!(vns::tree::Tree::new().validate().is_ok());
    /// ```
    pub fn validate(&self) -> Result<(), TreeError> {
        let root = self.root();
        let (nodes, _, len) = load(root, |cid| self.block(cid), None)?;
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

/// Loads and checks the tree under `root`, taking blocks from `fetch`. With `bottom`, the
/// leaves of every node held as bytes only (the lowest layer) go there by node, moved out
/// rather than dropped.
#[allow(clippy::type_complexity)]
fn load(
    root: Cid,
    mut fetch: impl FnMut(&Cid) -> Option<Vec<u8>>,
    mut bottom: Option<&mut HashMap<Cid, Vec<Leaf>>>,
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
        let mut node = node;
        if let Some(bottom) = bottom.as_deref_mut().filter(|_| !Stored::keeps_decoded(layer)) {
            bottom.insert(cid, std::mem::take(&mut node.entries));
        }
        nodes.insert(cid, Stored::at_layer(node, block.bytes, layer));
    }
    Ok((nodes, Some(root), len))
}
