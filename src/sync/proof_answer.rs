//! One answer of a `proofs` reply: a name, the entry the sender holds for it (or none) and the
//! merkle proof of that against the sender's root, with the light-client limits.
//!
//! The entry travels as its block's bytes, not decoded: the light client that asked checks
//! them against the CID the proof gives before anything else reads them
//! ([`crate::light::verify_answer`]), so one altered answer is refused with its own code and
//! the other answers of the frame still count.

use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;

use super::error::SyncError;
use crate::name::Name;
use crate::tree::Proof;

/// Most names in one `get_proofs` request, and most answers in one `proofs` reply. Eight
/// entries of the largest allowed size (16 KiB) with their proofs stay far below a frame; a
/// reply that would not fit answers fewer names, and the client asks again for the rest.
pub const MAX_NAMES_PER_PROOF_REQUEST: usize = 8;

/// Most node blocks in one answer's proof: the depth of a merkle search tree grows with the
/// logarithm (base 16) of its size, about 5 at 100,000 names, so 32 is never reached honestly.
pub const MAX_PROOF_BLOCKS: usize = 32;

/// Most names one light session may watch (one `watch` message, which replaces the list).
pub const MAX_WATCHED_NAMES: usize = 256;

/// One name's answer in a [`Message::Proofs`](crate::sync::Message::Proofs) reply.
///
/// ```
/// use vns::sync::{Message, ProofAnswer};
/// use vns::{name::Name, tree::{empty_root, Tree}};
/// let name = Name::parse("alice").unwrap();
/// let absent = ProofAnswer::new(name.clone(), None, Tree::new().prove(name.as_str()));
/// let reply = Message::Proofs { id: 1, root: empty_root(), answers: vec![absent] };
/// assert_eq!(Message::decode(&reply.encode()).unwrap(), reply);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProofAnswer {
    /// The name asked for (canonical).
    pub name: Name,
    /// The bytes of the entry block the sender's tree maps the name to; absent when its tree
    /// does not hold the name.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::block::present"
    )]
    pub entry: Option<ByteBuf>,
    /// The node blocks from the sender's root down to the name or to the gap where it would
    /// be, root first (at most [`MAX_PROOF_BLOCKS`]).
    pub proof: Vec<ByteBuf>,
}

impl ProofAnswer {
    /// The answer for `name`: the entry block's bytes, if the tree holds it, and its proof.
    pub fn new(name: Name, entry: Option<Vec<u8>>, proof: Proof) -> ProofAnswer {
        ProofAnswer {
            name,
            entry: entry.map(ByteBuf::from),
            proof: proof.blocks.into_iter().map(ByteBuf::from).collect(),
        }
    }

    /// The proof as [`crate::tree::verify_proof`] takes it.
    pub fn to_proof(&self) -> Proof {
        Proof { blocks: self.proof.iter().map(|b| b.to_vec()).collect() }
    }

    /// Encoded size, roughly (for fitting a reply into a frame).
    pub(crate) fn size(&self) -> usize {
        let entry = self.entry.as_ref().map_or(0, |e| e.len());
        self.name.as_str().len()
            + entry
            + self.proof.iter().map(|b| b.len() + 4).sum::<usize>()
            + 32
    }

    /// The bound decoding alone does not enforce.
    pub(crate) fn check(&self) -> Result<(), SyncError> {
        if self.proof.len() > MAX_PROOF_BLOCKS {
            let (count, max) = (self.proof.len(), MAX_PROOF_BLOCKS);
            return Err(SyncError::TooMany { what: "proof", count, max });
        }
        Ok(())
    }
}
