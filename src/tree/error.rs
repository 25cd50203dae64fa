//! Errors of the tree (loading, walking remote nodes) and of proof verification.

use cid::Cid;

/// Why a tree could not be loaded or a (remote) node could not be used.
///
/// ```
/// use vns::tree::{Tree, TreeError};
/// use std::collections::HashMap;
/// let root = Tree::new().root();
/// let err = Tree::from_blocks(root, HashMap::new()).unwrap_err();
/// assert_eq!(err, TreeError::MissingBlock { cid: root });
/// assert_eq!(err.code(), "tree.missing_block");
/// assert!(err.to_string().contains(&root.to_string()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TreeError {
    /// A node block that the tree links to is not available.
    #[error("tree node {cid} is missing")]
    MissingBlock {
        /// The CID that was looked for.
        cid: Cid,
    },
    /// A block's bytes do not hash to its CID (or the CID is not DAG-CBOR/BLAKE3-256).
    #[error("tree node {cid} is corrupted: {reason}")]
    CorruptBlock {
        /// The CID the bytes were stored or sent under.
        cid: Cid,
        /// What was wrong.
        reason: String,
    },
    /// A block is intact but is not a valid node at its place in the tree.
    #[error("tree node {cid} is not a valid node: {reason}")]
    InvalidNode {
        /// The CID of the node.
        cid: Cid,
        /// What was wrong.
        reason: String,
    },
    /// A block is not in canonical DAG-CBOR (code `block.not_canonical`).
    #[error("tree node {cid}: {source}")]
    NotCanonical {
        /// The CID of the node.
        cid: Cid,
        /// The offset and the problem (boxed: keeps `Result<_, TreeError>` small).
        source: Box<crate::block::BlockError>,
    },
    /// Keys given to [`Tree::from_sorted`](super::Tree::from_sorted) are not in strictly
    /// increasing bytewise order.
    #[error(
        "key {key:?} (at {index}) is not after the previous key: keys must be sorted and unique"
    )]
    UnsortedKeys {
        /// Position of the key in the input.
        index: usize,
        /// The key out of order (or repeated).
        key: String,
    },
}

impl TreeError {
    /// Stable machine-readable code: `tree.missing_block`, `tree.corrupt_block`,
    /// `tree.invalid_node`, `tree.unsorted_keys` or `block.not_canonical`.
    pub fn code(&self) -> &'static str {
        match self {
            TreeError::MissingBlock { .. } => "tree.missing_block",
            TreeError::CorruptBlock { .. } => "tree.corrupt_block",
            TreeError::InvalidNode { .. } => "tree.invalid_node",
            TreeError::NotCanonical { source, .. } => source.code(),
            TreeError::UnsortedKeys { .. } => "tree.unsorted_keys",
        }
    }
}

/// Why a proof did not verify.
///
/// ```
/// use vns::tree::{verify_proof, Proof, Tree};
/// let err = verify_proof(&Tree::new().root(), "alice.vfs", &Proof::default()).unwrap_err();
/// assert_eq!(err.code(), "proof.incomplete");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The proof stops before the node the lookup needs next.
    #[error("proof for {key:?} is incomplete: node {cid} is missing")]
    Incomplete {
        /// The key being proven.
        key: String,
        /// The node the lookup needed.
        cid: Cid,
    },
    /// A proof block does not hash to the CID the lookup expected there (tampered block, proof
    /// for another root or another key).
    #[error("proof for {key:?}: block {index} does not match the expected node {cid}")]
    HashMismatch {
        /// The key being proven.
        key: String,
        /// Position of the block in the proof.
        index: u32,
        /// The CID expected at that position.
        cid: Cid,
    },
    /// A proof block is intact but not a valid node at its place; `error` names the node.
    #[error("proof for {key:?}: {error}")]
    InvalidNode {
        /// The key being proven.
        key: String,
        /// What is wrong with the node (a [`TreeError::InvalidNode`]).
        error: Box<TreeError>,
    },
    /// The lookup finished but the proof has more blocks (a proof for another key).
    #[error("proof for {key:?} has {extra} unused block(s)")]
    ExtraBlocks {
        /// The key being proven.
        key: String,
        /// How many blocks were not needed.
        extra: usize,
    },
}

impl ProofError {
    /// Stable machine-readable code: `proof.incomplete`, `proof.hash_mismatch`,
    /// `proof.invalid_node` or `proof.extra_blocks`.
    pub fn code(&self) -> &'static str {
        match self {
            ProofError::Incomplete { .. } => "proof.incomplete",
            ProofError::HashMismatch { .. } => "proof.hash_mismatch",
            ProofError::InvalidNode { .. } => "proof.invalid_node",
            ProofError::ExtraBlocks { .. } => "proof.extra_blocks",
        }
    }
}
