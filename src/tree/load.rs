//! Loading a tree from stored blocks, checking every node at its place on the way.

use std::collections::{HashMap, HashSet};

use cid::Cid;

use super::{Node, Stored, Tree, TreeError};
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
