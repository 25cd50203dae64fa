//! Inclusion and absence proofs: the node blocks on the path from the root to where a key is
//! or would be. A verifier needs only the root CID, the key and the proof.

use cid::Cid;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::error::{ProofError, TreeError};
use super::node::Node;
use super::Tree;
use crate::block;

/// The node blocks on the path from the root to where a key is or would be, root first.
/// Serializes (serde) as a map `{ "blocks": [bytes, …] }`.
///
/// ```
/// use vns::{block::{cid_of, from_cbor, to_cbor}, tree::{verify_proof, Proof, Tree}};
/// let mut tree = Tree::new();
/// tree.insert("alice.vfs", cid_of(b"a"));
/// let proof = tree.prove("alice.vfs");
/// let sent: Proof = from_cbor(&to_cbor(&proof).unwrap()).unwrap();
/// assert_eq!(verify_proof(&tree.root(), "alice.vfs", &sent), Ok(Some(cid_of(b"a"))));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proof {
    /// DAG-CBOR node blocks, root first.
    #[serde(serialize_with = "ser_blocks", deserialize_with = "de_blocks")]
    pub blocks: Vec<Vec<u8>>,
}

fn ser_blocks<S: Serializer>(blocks: &[Vec<u8>], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(blocks.iter().map(|b| serde_bytes::Bytes::new(b)))
}

fn de_blocks<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Vec<u8>>, D::Error> {
    let blocks: Vec<serde_bytes::ByteBuf> = Deserialize::deserialize(d)?;
    Ok(blocks.into_iter().map(|b| b.into_vec()).collect())
}

impl Tree {
    /// The proof for `key`: the nodes from the root down to the node holding `key`, or to the
    /// node whose empty gap shows `key` is absent.
    ///
    /// ```
    /// use vns::{block::cid_of, tree::{verify_proof, Tree}};
    /// let mut tree = Tree::new();
    /// tree.insert("alice.vfs", cid_of(b"a"));
    /// assert_eq!(verify_proof(&tree.root(), "bob.vfs", &tree.prove("bob.vfs")), Ok(None));
    /// ```
    pub fn prove(&self, key: &str) -> Proof {
        let mut blocks = vec![];
        let mut link = Some(self.root());
        while let Some(cid) = link {
            let stored = &self.nodes[&cid];
            blocks.push(stored.bytes.clone());
            let node = stored.node();
            link = match node.search(key) {
                Ok(_) => None,
                Err(i) if node.entries.is_empty() => {
                    debug_assert_eq!(i, 0);
                    None
                }
                Err(i) => node.gap(i),
            };
        }
        Proof { blocks }
    }
}

/// Checks `proof` for `key` against `root` alone: `Ok(Some(value))` proves `key` maps to
/// `value`, `Ok(None)` proves `key` is absent. Each block must hash to the link that leads to
/// it, be a valid node, and lie within the key range and below the layer of its parent; the
/// proof must end exactly where the lookup ends.
///
/// ```
/// use vns::{block::cid_of, tree::{verify_proof, Tree}};
/// let mut tree = Tree::new();
/// tree.insert("alice.vfs", cid_of(b"a"));
/// let mut proof = tree.prove("alice.vfs");
/// assert_eq!(verify_proof(&tree.root(), "alice.vfs", &proof), Ok(Some(cid_of(b"a"))));
/// proof.blocks[0][5] ^= 1;
/// assert_eq!(verify_proof(&tree.root(), "alice.vfs", &proof).unwrap_err().code(), "proof.hash_mismatch");
/// ```
pub fn verify_proof(root: &Cid, key: &str, proof: &Proof) -> Result<Option<Cid>, ProofError> {
    let mut expected = *root;
    let mut parent_layer: Option<u32> = None;
    // Keys of the node being checked must lie strictly between these (set by its parent).
    let mut lower: Option<String> = None;
    let mut upper: Option<String> = None;
    for (index, bytes) in proof.blocks.iter().enumerate() {
        let invalid = |error: TreeError| ProofError::InvalidNode {
            key: key.to_string(),
            error: Box::new(error),
        };
        let invalid_here = |reason: &str| {
            invalid(TreeError::InvalidNode { cid: expected, reason: reason.to_string() })
        };
        if block::cid_of(bytes) != expected {
            return Err(ProofError::HashMismatch {
                key: key.to_string(),
                index: u32::try_from(index).unwrap_or(u32::MAX),
                cid: expected,
            });
        }
        let node = Node::decode(bytes).map_err(invalid)?;
        let next = match node.layer() {
            None if index == 0 => None,
            None => return Err(invalid_here("empty node below the root")),
            Some(layer) => {
                if parent_layer.is_some_and(|p| layer >= p) {
                    return Err(invalid_here("layer not below the parent's"));
                }
                let first = node.entries[0].key.as_bytes();
                let last = node.entries[node.entries.len() - 1].key.as_bytes();
                if lower.as_ref().is_some_and(|lo| first <= lo.as_bytes())
                    || upper.as_ref().is_some_and(|hi| last >= hi.as_bytes())
                {
                    return Err(invalid_here("keys outside the parent's bounds"));
                }
                parent_layer = Some(layer);
                match node.search(key) {
                    Ok(i) => {
                        finished(key, proof, index)?;
                        return Ok(Some(node.entries[i].value));
                    }
                    Err(i) => {
                        if i > 0 {
                            lower = Some(node.entries[i - 1].key.clone());
                        }
                        if let Some(e) = node.entries.get(i) {
                            upper = Some(e.key.clone());
                        }
                        node.gap(i)
                    }
                }
            }
        };
        match next {
            Some(child) => expected = child,
            None => {
                finished(key, proof, index)?;
                return Ok(None);
            }
        }
    }
    Err(ProofError::Incomplete { key: key.to_string(), cid: expected })
}

/// The lookup ended at block `index`: the proof must have no more blocks.
fn finished(key: &str, proof: &Proof, index: usize) -> Result<(), ProofError> {
    match proof.blocks.len() - index - 1 {
        0 => Ok(()),
        extra => Err(ProofError::ExtraBlocks { key: key.to_string(), extra }),
    }
}
