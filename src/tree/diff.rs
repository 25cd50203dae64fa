//! Diff against a peer's tree, fetching only the nodes that differ.
//!
//! Both trees are read as key-ordered sequences of items, each either an entry or a not yet
//! opened subtree. The walk compares the heads of the two sequences:
//!
//! * two subtrees with the same CID hold the same entries: both are skipped unopened;
//! * two different subtrees: the one of higher layer is opened (both if equal), so that
//!   identical subtrees deeper down line up and are skipped;
//! * a subtree against an entry: the subtree is opened;
//! * two entries: compared by key, the smaller one (or both) is reported if values differ.
//!
//! Remote nodes that the local tree also holds are read locally, so a remote subtree that
//! is not held locally can never be skipped and will be fetched: [`DiffWalk::wanted`] lists all
//! of those at once, letting a network protocol fetch a whole batch per round trip (about one
//! round trip per tree level).

use std::collections::HashMap;

use cid::Cid;

use super::error::TreeError;
use super::node::{empty_root, Node};
use super::Tree;
use crate::block::Block;

/// One key whose value differs between the local and the remote tree.
///
/// ```
/// use vns::{block::cid_of, tree::{diff, Tree}};
/// let mut remote = Tree::new();
/// remote.insert("a.vfs", cid_of(b"a"));
/// let d = diff(&Tree::new(), remote.root(), &mut |c| remote.block(c)).unwrap();
/// assert_eq!((d.entries[0].local, d.entries[0].remote), (None, Some(cid_of(b"a"))));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffEntry {
    /// The key.
    pub key: String,
    /// Its local value (`None`: only the remote tree has it).
    pub local: Option<Cid>,
    /// Its remote value (`None`: only the local tree has it).
    pub remote: Option<Cid>,
}

/// The result of [`diff`].
///
/// ```
/// use vns::tree::{diff, Tree};
/// let tree = Tree::new();
/// let d = diff(&tree, tree.root(), &mut |_| None).unwrap();
/// assert!(d.entries.is_empty() && d.fetched == 0);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    /// The differing keys, in key order.
    pub entries: Vec<DiffEntry>,
    /// How many remote nodes had to be fetched.
    pub fetched: usize,
}

#[derive(Debug, Clone)]
enum Item {
    /// A subtree; for remote subtrees, the layer of the node that links to it.
    Tree { cid: Cid, parent_layer: Option<u32> },
    /// A leaf and the node it came from.
    Leaf { key: String, value: Cid, node: Cid },
}

/// Pushes the items of `node` (left subtree, leaf, subtree, …) so that the first is on top.
fn push_items(stack: &mut Vec<Item>, cid: Cid, node: &Node) {
    let parent_layer = node.layer();
    for e in node.entries.iter().rev() {
        if let Some(right) = e.right {
            stack.push(Item::Tree { cid: right, parent_layer });
        }
        stack.push(Item::Leaf { key: e.key.clone(), value: e.value, node: cid });
    }
    if let Some(left) = node.left {
        stack.push(Item::Tree { cid: left, parent_layer });
    }
}

/// A diff walk that can be driven step by step over network round trips.
///
/// Call [`advance`](DiffWalk::advance); it runs as far as it can and returns the remote node
/// CIDs it needs; fetch them, hand each to [`supply`](DiffWalk::supply), and repeat until
/// `advance` returns nothing; then [`finish`](DiffWalk::finish). The local tree must not
/// change during the walk (it is borrowed).
///
/// ```
/// use vns::{block::cid_of, tree::{DiffWalk, Tree}};
/// let mut local = Tree::new();
/// local.insert("alice.vfs", cid_of(b"a"));
/// let mut remote = Tree::new();
/// remote.insert("bob.vfs", cid_of(b"b"));
/// let mut walk = DiffWalk::new(&local, remote.root());
/// loop {
///     let wanted = walk.advance().unwrap();
///     if wanted.is_empty() {
///         break;
///     }
///     for cid in wanted {
///         walk.supply(cid, remote.block(&cid).unwrap()).unwrap();
///     }
/// }
/// let diff = walk.finish();
/// assert_eq!(diff.entries.len(), 2);
/// assert_eq!(diff.fetched, 1);
/// ```
pub struct DiffWalk<'a> {
    local: &'a Tree,
    mine: Vec<Item>,
    theirs: Vec<Item>,
    supplied: HashMap<Cid, Node>,
    last_remote: Option<String>,
    entries: Vec<DiffEntry>,
    fetched: usize,
}

impl<'a> DiffWalk<'a> {
    /// Starts a walk of `local` against the tree whose root is `remote_root`.
    ///
    /// ```
    /// use vns::tree::{DiffWalk, Tree};
    /// let tree = Tree::new();
    /// let mut walk = DiffWalk::new(&tree, tree.root());
    /// assert!(walk.advance().unwrap().is_empty());
    /// ```
    pub fn new(local: &'a Tree, remote_root: Cid) -> DiffWalk<'a> {
        let mine = local.top.map(|cid| Item::Tree { cid, parent_layer: None });
        let theirs = (remote_root != empty_root())
            .then_some(Item::Tree { cid: remote_root, parent_layer: None });
        DiffWalk {
            local,
            mine: mine.into_iter().collect(),
            theirs: theirs.into_iter().collect(),
            supplied: HashMap::new(),
            last_remote: None,
            entries: Vec::new(),
            fetched: 0,
        }
    }

    /// The remote nodes the walk will need and does not have (neither held by the local tree
    /// nor supplied): every one of them will be opened, so all can be fetched at once.
    ///
    /// ```
    /// use vns::{block::cid_of, tree::{DiffWalk, Tree}};
    /// let mut remote = Tree::new();
    /// remote.insert("bob.vfs", cid_of(b"b"));
    /// let local = Tree::new();
    /// assert_eq!(DiffWalk::new(&local, remote.root()).wanted(), vec![remote.root()]);
    /// ```
    pub fn wanted(&self) -> Vec<Cid> {
        self.theirs
            .iter()
            .rev()
            .filter_map(|item| match item {
                Item::Tree { cid, .. } if self.remote_node(cid).is_none() => Some(*cid),
                _ => None,
            })
            .collect()
    }

    /// Hands over the bytes of remote node `cid` (checked against the CID and decoded).
    ///
    /// ```
    /// use vns::{block::cid_of, tree::{DiffWalk, Tree}};
    /// let local = Tree::new();
    /// let mut walk = DiffWalk::new(&local, cid_of(b"x"));
    /// let err = walk.supply(cid_of(b"x"), b"y".to_vec()).unwrap_err();
    /// assert_eq!(err.code(), "tree.corrupt_block");
    /// ```
    pub fn supply(&mut self, cid: Cid, bytes: Vec<u8>) -> Result<(), TreeError> {
        if self.supplied.contains_key(&cid) {
            return Ok(());
        }
        let block = Block::verify(cid, bytes)
            .map_err(|e| TreeError::CorruptBlock { cid, reason: e.to_string() })?;
        let node = Node::decode(&block.bytes)?;
        self.supplied.insert(cid, node);
        self.fetched += 1;
        Ok(())
    }

    /// Runs the walk as far as the available nodes allow. Returns [`DiffWalk::wanted`]: empty
    /// when the walk is complete.
    ///
    /// ```
    /// use vns::{block::cid_of, tree::{DiffWalk, Tree}};
    /// let mut local = Tree::new();
    /// local.insert("alice.vfs", cid_of(b"a"));
    /// let mut walk = DiffWalk::new(&local, Tree::new().root());
    /// assert!(walk.advance().unwrap().is_empty());
    /// assert_eq!(walk.finish().entries[0].remote, None);
    /// ```
    pub fn advance(&mut self) -> Result<Vec<Cid>, TreeError> {
        let local = self.local;
        loop {
            match (self.mine.last(), self.theirs.last()) {
                (None, None) => return Ok(Vec::new()),
                (Some(Item::Tree { cid: a, .. }), Some(Item::Tree { cid: b, .. })) if a == b => {
                    self.mine.pop();
                    self.theirs.pop();
                }
                (Some(Item::Tree { cid: a, .. }), Some(Item::Tree { cid: b, .. })) => {
                    let (a, b) = (*a, *b);
                    let Some(remote) = self.remote_node(&b) else {
                        return Ok(self.wanted());
                    };
                    let remote_layer = remote.layer().ok_or_else(|| empty_below_root(b))?;
                    let local_layer = local.nodes[&a].layer;
                    if local_layer >= remote_layer {
                        self.expand_local();
                    }
                    if remote_layer >= local_layer {
                        self.expand_remote()?;
                    }
                }
                (Some(Item::Tree { .. }), _) => self.expand_local(),
                (_, Some(Item::Tree { cid, .. })) => {
                    if self.remote_node(cid).is_none() {
                        return Ok(self.wanted());
                    }
                    self.expand_remote()?;
                }
                (Some(Item::Leaf { key: ka, .. }), Some(Item::Leaf { key: kb, .. })) => {
                    match ka.as_bytes().cmp(kb.as_bytes()) {
                        std::cmp::Ordering::Less => self.only_local(),
                        std::cmp::Ordering::Greater => self.only_remote()?,
                        std::cmp::Ordering::Equal => {
                            let Some(Item::Leaf { key, value: lv, .. }) = self.mine.pop() else {
                                unreachable!("head is an entry")
                            };
                            let (_, rv) = self.pop_remote_entry()?;
                            if lv != rv {
                                self.entries.push(DiffEntry {
                                    key,
                                    local: Some(lv),
                                    remote: Some(rv),
                                });
                            }
                        }
                    }
                }
                (Some(Item::Leaf { .. }), None) => self.only_local(),
                (None, Some(Item::Leaf { .. })) => self.only_remote()?,
            }
        }
    }

    /// Whether the walk is complete.
    ///
    /// ```
    /// use vns::tree::{DiffWalk, Tree};
    /// let tree = Tree::new();
    /// assert!(DiffWalk::new(&tree, tree.root()).is_done());
    /// ```
    pub fn is_done(&self) -> bool {
        self.mine.is_empty() && self.theirs.is_empty()
    }

    /// The differences found (complete once [`DiffWalk::advance`] returned nothing).
    ///
    /// ```
    /// use vns::tree::{DiffWalk, Tree};
    /// let tree = Tree::new();
    /// assert_eq!(DiffWalk::new(&tree, tree.root()).finish().fetched, 0);
    /// ```
    pub fn finish(self) -> Diff {
        Diff { entries: self.entries, fetched: self.fetched }
    }

    fn remote_node(&self, cid: &Cid) -> Option<Node> {
        self.local.node(cid).or_else(|| self.supplied.get(cid).cloned())
    }

    fn expand_local(&mut self) {
        let Some(Item::Tree { cid, .. }) = self.mine.pop() else {
            unreachable!("head is a subtree")
        };
        push_items(&mut self.mine, cid, &self.local.nodes[&cid].node());
    }

    fn expand_remote(&mut self) -> Result<(), TreeError> {
        let Some(Item::Tree { cid, parent_layer }) = self.theirs.pop() else {
            unreachable!("head is a subtree")
        };
        let node = match self.supplied.remove(&cid) {
            Some(node) => node,
            None => self.local.nodes[&cid].node(),
        };
        let layer = node.layer().ok_or_else(|| empty_below_root(cid))?;
        if parent_layer.is_some_and(|p| layer >= p) {
            return Err(TreeError::InvalidNode {
                cid,
                reason: "child node's layer is not below its parent's".into(),
            });
        }
        push_items(&mut self.theirs, cid, &node);
        Ok(())
    }

    fn only_local(&mut self) {
        let Some(Item::Leaf { key, value, .. }) = self.mine.pop() else {
            unreachable!("head is an entry")
        };
        self.entries.push(DiffEntry { key, local: Some(value), remote: None });
    }

    fn only_remote(&mut self) -> Result<(), TreeError> {
        let (key, value) = self.pop_remote_entry()?;
        self.entries.push(DiffEntry { key, local: None, remote: Some(value) });
        Ok(())
    }

    /// Pops the remote head entry, checking remote keys come in increasing order.
    fn pop_remote_entry(&mut self) -> Result<(String, Cid), TreeError> {
        let Some(Item::Leaf { key, value, node }) = self.theirs.pop() else {
            unreachable!("head is an entry")
        };
        if self.last_remote.as_ref().is_some_and(|last| last.as_bytes() >= key.as_bytes()) {
            return Err(TreeError::InvalidNode {
                cid: node,
                reason: format!("key {key:?} is out of order in the remote tree"),
            });
        }
        self.last_remote = Some(key.clone());
        Ok((key, value))
    }
}

fn empty_below_root(cid: Cid) -> TreeError {
    TreeError::InvalidNode { cid, reason: "empty node below the root".into() }
}

/// Compares `local` with the tree whose root is `remote_root`, fetching remote nodes with
/// `fetch` (only those in differing subtrees that the local tree does not hold). Returns the
/// keys whose values differ and how many nodes were fetched.
///
/// ```
/// use vns::{block::cid_of, tree::{diff, DiffEntry, Tree}};
/// let mut local = Tree::new();
/// local.insert("alice.vfs", cid_of(b"a"));
/// let mut remote = local.clone();
/// remote.insert("alice.vfs", cid_of(b"a2"));
/// let d = diff(&local, remote.root(), &mut |cid| remote.block(cid)).unwrap();
/// assert_eq!(d.entries, vec![DiffEntry {
///     key: "alice.vfs".into(),
///     local: Some(cid_of(b"a")),
///     remote: Some(cid_of(b"a2")),
/// }]);
/// assert_eq!(diff(&local, local.root(), &mut |_| None).unwrap().fetched, 0);
/// ```
pub fn diff(
    local: &Tree,
    remote_root: Cid,
    fetch: &mut dyn FnMut(&Cid) -> Option<Vec<u8>>,
) -> Result<Diff, TreeError> {
    let mut walk = DiffWalk::new(local, remote_root);
    loop {
        let wanted = walk.advance()?;
        if wanted.is_empty() {
            return Ok(walk.finish());
        }
        for cid in wanted {
            let bytes = fetch(&cid).ok_or(TreeError::MissingBlock { cid })?;
            walk.supply(cid, bytes)?;
        }
    }
}
