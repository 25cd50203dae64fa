//! One tree node: its in-memory form, its DAG-CBOR block form, and the key layer rule.
//!
//! # Wire format
//!
//! A node is a DAG-CBOR map (the same shape as an atproto repository MST node):
//!
//! ```text
//! { "l": CID-link | null,            // subtree of keys before the first leaf
//!   "e": [ { "p": uint,              // bytes shared with the previous key of this node (0 first)
//!            "k": bytes,             // the rest of the key
//!            "v": CID-link,          // the value (CID of the name's entry block)
//!            "t": CID-link | null } ] } // subtree of keys between this leaf and the next
//! ```
//!
//! Links are real DAG-CBOR links (tag 42), so IPFS tools walk them. All entries of a node have
//! the same [layer](layer_of) and every child node has a strictly lower layer (intermediate
//! layers that would hold no key are skipped rather than represented by empty nodes). The only
//! node without entries is the root of the empty tree, `{"l": null, "e": []}`, whose CID is
//! [`empty_root`]: `bafyr4iawrthw2wqs7y4oldtbowp5ovnuas7shfhzczogsay3nbzknq4pu4` (the 7 bytes
//! `a2 61 65 80 61 6c f6`). Decoding insists on the canonical encoding, each field of its CBOR
//! type (re-encoding gives the same bytes).
//!
//! ```
//! use vns::tree::node::{empty_root, Node};
//! let empty = Node::default().to_block();
//! assert_eq!(empty.cid, empty_root());
//! assert_eq!(Node::decode(&empty.bytes).unwrap(), Node::default());
//! ```

use cid::Cid;
use serde::{Deserialize, Serialize};

use super::error::TreeError;
use crate::block::shape::NODE;
use crate::block::{self, Block, BlockError};

/// The layer of a key: leading zero bits of BLAKE3(key), divided by 4 (so a node has about 16
/// children on average). Keys of higher layer sit nearer the root.
///
/// ```
/// use vns::tree::node::layer_of;
/// assert!(layer_of("alice.vfs") < 64);
/// ```
pub fn layer_of(key: &str) -> u32 {
    let digest = block::hash(key.as_bytes());
    let mut zeros = 0;
    for byte in digest {
        if byte == 0 {
            zeros += 8;
        } else {
            zeros += byte.leading_zeros();
            break;
        }
    }
    zeros / 4
}

/// The CID of the empty tree (a node with no entries and no left link):
/// `bafyr4iawrthw2wqs7y4oldtbowp5ovnuas7shfhzczogsay3nbzknq4pu4`.
///
/// ```
/// use vns::tree::{node::empty_root, Tree};
/// assert_eq!(Tree::new().root(), empty_root());
/// assert_eq!(
///     empty_root().to_string(),
///     "bafyr4iawrthw2wqs7y4oldtbowp5ovnuas7shfhzczogsay3nbzknq4pu4"
/// );
/// ```
pub fn empty_root() -> Cid {
    Node::default().to_block().cid
}

/// A leaf of the tree: one key of a node, its value (the CID of the name's
/// [`entry::Entry`](crate::entry::Entry) block) and the subtree that follows it.
///
/// ```
/// use vns::{block::cid_of, tree::{Leaf, Node}};
/// let leaf = Leaf { key: "alice.vfs".into(), value: cid_of(b"a"), right: None };
/// let node = Node { left: None, entries: vec![leaf.clone()] };
/// assert_eq!(Node::decode(&node.to_block().bytes).unwrap().entries, vec![leaf]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leaf {
    /// The full key (a name).
    pub key: String,
    /// The value: CID of the name's [`entry::Entry`](crate::entry::Entry) block.
    pub value: Cid,
    /// Subtree of keys between this key and the next key of the node (or the node's bound).
    pub right: Option<Cid>,
}

/// A decoded tree node. Gap `i` (0..=entries.len()) is the subtree before leaf `i`: gap 0 is
/// `left`, gap `i > 0` is `entries[i - 1].right`.
///
/// ```
/// use vns::tree::node::Node;
/// let node = Node::default();
/// assert_eq!(node.gap(0), None);
/// assert_eq!(node.layer(), None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Node {
    /// Subtree of keys before the first leaf.
    pub left: Option<Cid>,
    /// The node's leaves, in strictly increasing (bytewise) key order, all of one layer.
    pub entries: Vec<Leaf>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WireNode {
    e: Vec<WireLeaf>,
    #[serde(deserialize_with = "block::nullable")]
    l: Option<Cid>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct WireLeaf {
    #[serde(with = "serde_bytes")]
    k: Vec<u8>,
    p: u64,
    #[serde(deserialize_with = "block::nullable")]
    t: Option<Cid>,
    v: Cid,
}

fn shared_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

impl Node {
    /// The layer of this node's keys (`None` for the empty root).
    ///
    /// ```
    /// use vns::{block::cid_of, tree::{layer_of, Leaf, Node}};
    /// let leaf = Leaf { key: "alice.vfs".into(), value: cid_of(b"a"), right: None };
    /// let node = Node { left: None, entries: vec![leaf] };
    /// assert_eq!(node.layer(), Some(layer_of("alice.vfs")));
    /// ```
    pub fn layer(&self) -> Option<u32> {
        self.entries.first().map(|e| layer_of(&e.key))
    }

    /// Subtree link of gap `i` (see the type docs). Panics if `i > entries.len()`.
    ///
    /// ```
    /// use vns::{block::cid_of, tree::{Leaf, Node}};
    /// let leaf = Leaf { key: "a.vfs".into(), value: cid_of(b"a"), right: Some(cid_of(b"t")) };
    /// let node = Node { left: None, entries: vec![leaf] };
    /// assert_eq!((node.gap(0), node.gap(1)), (None, Some(cid_of(b"t"))));
    /// ```
    pub fn gap(&self, i: usize) -> Option<Cid> {
        if i == 0 {
            self.left
        } else {
            self.entries[i - 1].right
        }
    }

    /// Replaces the subtree link of gap `i`.
    ///
    /// ```
    /// use vns::{block::cid_of, tree::Node};
    /// let mut node = Node::default();
    /// node.set_gap(0, Some(cid_of(b"l")));
    /// assert_eq!(node.left, Some(cid_of(b"l")));
    /// ```
    pub fn set_gap(&mut self, i: usize, link: Option<Cid>) {
        if i == 0 {
            self.left = link;
        } else {
            self.entries[i - 1].right = link;
        }
    }

    /// Where `key` is: `Ok(i)` if it is leaf `i`, `Err(i)` if it would be in gap `i`.
    ///
    /// ```
    /// use vns::{block::cid_of, tree::{Leaf, Node}};
    /// let leaf = Leaf { key: "b.vfs".into(), value: cid_of(b"b"), right: None };
    /// let node = Node { left: None, entries: vec![leaf] };
    /// assert_eq!((node.search("b.vfs"), node.search("a.vfs"), node.search("c.vfs")), (Ok(0), Err(0), Err(1)));
    /// ```
    pub fn search(&self, key: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|e| e.key.as_bytes().cmp(key.as_bytes()))
    }

    /// The child links (subtrees, not values) in key order.
    ///
    /// ```
    /// use vns::{block::cid_of, tree::{Leaf, Node}};
    /// let leaf = Leaf { key: "b.vfs".into(), value: cid_of(b"v"), right: Some(cid_of(b"t")) };
    /// let node = Node { left: Some(cid_of(b"l")), entries: vec![leaf] };
    /// assert_eq!(node.children().collect::<Vec<_>>(), vec![cid_of(b"l"), cid_of(b"t")]);
    /// ```
    pub fn children(&self) -> impl Iterator<Item = Cid> + '_ {
        std::iter::once(self.left).chain(self.entries.iter().map(|e| e.right)).flatten()
    }

    /// Encodes this node as a DAG-CBOR block.
    ///
    /// ```
    /// use vns::tree::{empty_root, Node};
    /// assert_eq!(Node::default().to_block().cid, empty_root());
    /// ```
    pub fn to_block(&self) -> Block {
        let bytes = self.encode();
        Block { cid: block::cid_of(&bytes), bytes }
    }

    /// The node's DAG-CBOR bytes (without naming them: no hash).
    fn encode(&self) -> Vec<u8> {
        let mut prev: &[u8] = &[];
        let e = self
            .entries
            .iter()
            .map(|leaf| {
                let key = leaf.key.as_bytes();
                let p = shared_prefix(prev, key);
                prev = key;
                WireLeaf { p: p as u64, k: key[p..].to_vec(), v: leaf.value, t: leaf.right }
            })
            .collect();
        block::to_cbor(&WireNode { l: self.left, e }).expect("a tree node always encodes")
    }

    /// Decodes and checks one node block: canonical encoding, keys valid UTF-8 and strictly
    /// increasing, all keys of one layer, no entry-less node with a left link. Errors name the
    /// CID of `bytes`. Checks that need the parent (child layer, key bounds) are the caller's.
    ///
    /// ```
    /// use vns::tree::Node;
    /// assert_eq!(Node::decode(b"junk").unwrap_err().code(), "tree.invalid_node");
    /// ```
    pub fn decode(bytes: &[u8]) -> Result<Node, TreeError> {
        let node = Self::decode_strict(bytes)?;
        if let Some(layer) = node.layer() {
            if let Some(e) = node.entries.iter().find(|e| layer_of(&e.key) != layer) {
                let reason = format!("key {:?} is not of the node's layer {layer}", e.key);
                return Err(TreeError::InvalidNode { cid: block::cid_of(bytes), reason });
            }
        }
        Ok(node)
    }

    /// Decodes a node this tree encoded and checked itself (held in memory as bytes): skips the
    /// canonical-form and layer checks of [`Node::decode`].
    pub(crate) fn decode_held(bytes: &[u8]) -> Node {
        let wire = block::from_own_cbor(bytes).expect("nodes held in memory were checked");
        Self::decode_structure(bytes, wire).expect("nodes held in memory were checked when stored")
    }

    fn decode_strict(bytes: &[u8]) -> Result<Node, TreeError> {
        let wire: WireNode = block::from_cbor_shaped(bytes, &NODE).map_err(|e| match e {
            BlockError::NotCanonical { .. } => {
                TreeError::NotCanonical { cid: block::cid_of(bytes), source: Box::new(e) }
            }
            e => TreeError::InvalidNode { cid: block::cid_of(bytes), reason: e.to_string() },
        })?;
        Self::decode_structure(bytes, wire)
    }

    /// What the strict decoding reads of `bytes` before the structure checks, encoded again,
    /// beside the shape check's verdict: the two checks of rule 8, side by side (tests).
    #[cfg(test)]
    pub(crate) fn decode_checked_reencoded(
        bytes: &[u8],
    ) -> Result<(Vec<u8>, block::Conformance), BlockError> {
        let (wire, conformance) = block::from_cbor_checked::<WireNode>(bytes, &NODE)?;
        Ok((block::to_cbor(&wire)?, conformance))
    }

    fn decode_structure(bytes: &[u8], wire: WireNode) -> Result<Node, TreeError> {
        let invalid = |reason: String| TreeError::InvalidNode { cid: block::cid_of(bytes), reason };
        let mut entries: Vec<Leaf> = Vec::with_capacity(wire.e.len());
        for (i, we) in wire.e.into_iter().enumerate() {
            // The previous key is read from the leaf already made: each key is built once,
            // in its own buffer of its exact size, and becomes the leaf's string as it is.
            let prev = entries.last().map_or(&[][..], |leaf| leaf.key.as_bytes());
            let p = usize::try_from(we.p).unwrap_or(usize::MAX);
            if p > prev.len() {
                return Err(invalid(format!("entry {i}: prefix length {p} exceeds previous key")));
            }
            let mut key = Vec::with_capacity(p + we.k.len());
            key.extend_from_slice(&prev[..p]);
            key.extend_from_slice(&we.k);
            // One encoding per node: the prefix shared with the previous key is always taken.
            if p != shared_prefix(prev, &key) {
                return Err(invalid(format!(
                    "entry {i}: prefix length {p} is not the shared prefix"
                )));
            }
            if i > 0 && key.as_slice() <= prev {
                return Err(invalid(format!("entry {i}: keys not strictly increasing")));
            }
            let text = String::from_utf8(key)
                .map_err(|_| invalid(format!("entry {i}: key is not UTF-8")))?;
            entries.push(Leaf { key: text, value: we.v, right: we.t });
        }
        let node = Node { left: wire.l, entries };
        if node.entries.is_empty() && node.left.is_some() {
            return Err(invalid("node without entries has a left link".into()));
        }
        Ok(node)
    }
}

/// The child links (subtrees only, not values) of a node block, in key order, so an async
/// loader can fetch a tree level by level from its root. The node is fully checked as in
/// [`Node::decode`].
///
/// ```
/// use vns::tree::{child_links, Tree};
/// let tree = Tree::new();
/// let bytes = tree.block(&tree.root()).unwrap();
/// assert!(child_links(&bytes).unwrap().is_empty());
/// ```
pub fn child_links(bytes: &[u8]) -> Result<Vec<Cid>, TreeError> {
    Ok(Node::decode(bytes)?.children().collect())
}
