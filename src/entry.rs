//! A name's current version, self-contained: the ownership chain and the record set.
//!
//! `ops[0]` is the registration; then every transfer and renewal of the lineage in order (the
//! operations that change who owns the name or how long it lives); then, if the latest change
//! was a record update, that update. A node that never saw the intermediate versions can verify
//! the whole chain from the entry alone. Each op's `prev` is the hash of the op before it in
//! `ops`, so nobody can drop, reorder or replace a transfer or a renewal without breaking a
//! link ([`crate::rules`], `rule.prev_mismatch`).
//!
//! The entry is a DAG-CBOR block; its CID is the value stored under the name in the
//! [merkle search tree](crate::tree).

use serde::{Deserialize, Serialize};

use crate::block::{from_cbor, to_cbor, Block, BlockError};
use crate::identity::PublicKey;
use crate::name::Name;
use crate::op::{Digest, OpKind, SignedOp};
use crate::record::{Record, RecordError, WireRecord};

/// Largest encoded entry accepted, in bytes. Records are capped at
/// [`MAX_RECORDS_BYTES`](crate::record::MAX_RECORDS_BYTES); the rest is room for the chain.
pub const MAX_ENTRY_BYTES: usize = 16 * 1024;

/// Most operations one entry may carry: the registration, at most 48 transfers and renewals,
/// and one update. A lineage that needs more must lapse and be registered again.
pub const MAX_CHAIN_OPS: usize = 50;

/// A name's current version. Construct with the builders in [`crate::build`] or decode from
/// a block; check with [`crate::rules::verify_entry`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "WireEntry")]
pub struct Entry {
    /// Registration, then transfers and renewals, then at most one update (the head).
    pub ops: Vec<SignedOp>,
    /// The record set of the head op (its hash is `head().op.records`).
    pub records: Vec<Record>,
}

/// An entry as read, before its records are checked: decoding goes through here so that a bad
/// record comes back as its own [`RecordError`] rather than as a generic decode failure.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WireEntry {
    ops: Vec<SignedOp>,
    records: Vec<WireRecord>,
}

impl TryFrom<WireEntry> for Entry {
    type Error = EntryError;

    fn try_from(wire: WireEntry) -> Result<Entry, EntryError> {
        if wire.ops.is_empty() {
            return Err(EntryError::Empty);
        }
        let records: Result<Vec<Record>, RecordError> =
            wire.records.into_iter().map(WireRecord::into_record).collect();
        Ok(Entry { ops: wire.ops, records: records? })
    }
}

/// Why bytes could not be read as an entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    #[error("entry is {size} bytes, more than the {max}-byte limit")]
    TooLarge { size: usize, max: usize },
    #[error("entry has no operations")]
    Empty,
    #[error("entry is not valid DAG-CBOR for an entry: {0}")]
    Malformed(String),
    /// The bytes are not canonical DAG-CBOR (code `block.not_canonical`).
    #[error("entry: {0}")]
    NotCanonical(BlockError),
    /// A record is not valid or not in canonical form (its own `record.*` code).
    #[error("entry: {0}")]
    Record(#[from] RecordError),
}

impl EntryError {
    /// Stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            EntryError::TooLarge { .. } => "entry.too_large",
            EntryError::Empty => "entry.empty",
            EntryError::Malformed(_) => "entry.malformed",
            EntryError::NotCanonical(e) => e.code(),
            EntryError::Record(e) => e.code(),
        }
    }
}

impl Entry {
    /// Decodes an entry, refusing oversized input before parsing it, then anything that is not
    /// canonical DAG-CBOR (`block.not_canonical`), then bad records (their `record.*` code).
    ///
    /// ```
    /// use vns::entry::Entry;
    /// assert_eq!(Entry::decode(&[0xa0, 0x00]).unwrap_err().code(), "block.not_canonical");
    /// assert_eq!(Entry::decode(&[0xa0]).unwrap_err().code(), "entry.malformed");
    /// ```
    pub fn decode(bytes: &[u8]) -> Result<Entry, EntryError> {
        if bytes.len() > MAX_ENTRY_BYTES {
            return Err(EntryError::TooLarge { size: bytes.len(), max: MAX_ENTRY_BYTES });
        }
        let wire: WireEntry = from_cbor(bytes).map_err(|e| match e {
            BlockError::NotCanonical { .. } => EntryError::NotCanonical(e),
            e => EntryError::Malformed(e.to_string()),
        })?;
        Entry::try_from(wire)
    }

    /// Canonical DAG-CBOR bytes.
    pub fn encode(&self) -> Vec<u8> {
        to_cbor(self).expect("an entry always encodes")
    }

    /// The entry as a content-addressed block.
    pub fn to_block(&self) -> Block {
        Block::encode(self).expect("an entry always encodes")
    }

    /// The registration that started this lineage.
    pub fn registration(&self) -> &SignedOp {
        &self.ops[0]
    }

    /// The latest operation.
    pub fn head(&self) -> &SignedOp {
        self.ops.last().expect("entries are never empty")
    }

    /// The name.
    pub fn name(&self) -> &Name {
        &self.registration().op.name
    }

    /// Hash of the registration: the lineage id.
    pub fn lineage(&self) -> Digest {
        self.registration().op.hash()
    }

    /// Sequence number of the head.
    pub fn seq(&self) -> u64 {
        self.head().op.seq
    }

    /// When the name expires, per the latest op.
    pub fn expires(&self) -> u64 {
        self.head().op.expires
    }

    /// When the registration was made (the lineage's first-come timestamp).
    pub fn registered_at(&self) -> u64 {
        self.registration().op.ts
    }

    /// The ownership and lifetime chain: transfers and renewals after the registration, in
    /// order (the trailing update, if any, is not part of it).
    pub fn chain(&self) -> &[SignedOp] {
        let end = if self.ops.len() > 1 && self.head().op.kind == OpKind::Update {
            self.ops.len() - 1
        } else {
            self.ops.len()
        };
        &self.ops[1..end]
    }

    /// The current owner: the registrant, or the new owner named by the last transfer.
    pub fn owner(&self) -> PublicKey {
        self.ops.iter().rev().find_map(|s| s.op.new_owner).unwrap_or(self.registration().op.signer)
    }
}
