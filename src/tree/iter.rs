//! Walking a tree's (key, value) pairs in key order.

use cid::Cid;

use super::{Node, Tree};

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
    /// An iterator positioned before the tree's first key.
    pub(super) fn new(tree: &'a Tree) -> Iter<'a> {
        let mut iter = Iter { tree, stack: Vec::new() };
        iter.descend(tree.top);
        iter
    }

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
