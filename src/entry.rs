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

use std::ops::Deref;

use cid::Cid;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::block::shape::ENTRY;
use crate::block::{self, cid_of, to_cbor, Block, BlockError, Conformance};
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
        // Not `collect`: it would reuse the larger wire records' buffer (three records' room
        // for two), and a node holds every entry it decodes.
        let mut records = Vec::with_capacity(wire.records.len());
        for record in wire.records {
            records.push(record.into_record()?);
        }
        Ok(Entry { ops: wire.ops, records })
    }
}

/// Why bytes could not be read as an entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    /// More bytes than an entry may have.
    #[error("the name's signed history is {size} bytes, more than the {max} bytes a node accepts")]
    TooLarge {
        /// The entry's size in bytes.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// An entry without operations.
    #[error("the entry holds no changes at all; it was not made by a VNS client")]
    Empty,
    /// Bytes that are not an entry: bad DAG-CBOR, missing or unknown fields.
    #[error("the data is damaged or was not made by a VNS client: it is not a VNS entry ({0})")]
    Malformed(String),
    /// The bytes are not canonical DAG-CBOR (code `block.not_canonical`).
    #[error("the data was not encoded by a VNS client: {0}")]
    NotCanonical(BlockError),
    /// A record is not valid or not in canonical form (its own `record.*` code).
    #[error("a record of the entry is not valid: {0}")]
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
        let (entry, conformance) = Entry::decode_checked(bytes)?;
        // A field of another CBOR type than its own, after the records' own codes.
        conformance.result().map_err(EntryError::NotCanonical)?;
        Ok(entry)
    }

    /// [`Entry::decode`] but for its last check, whether every field has its CBOR type (rule
    /// 8), whose verdict comes back beside the entry.
    pub(crate) fn decode_checked(bytes: &[u8]) -> Result<(Entry, Conformance), EntryError> {
        if bytes.len() > MAX_ENTRY_BYTES {
            return Err(EntryError::TooLarge { size: bytes.len(), max: MAX_ENTRY_BYTES });
        }
        let (wire, conformance) =
            block::from_cbor_checked::<WireEntry>(bytes, &ENTRY).map_err(|e| match e {
                BlockError::NotCanonical { .. } => EntryError::NotCanonical(e),
                e => EntryError::Malformed(e.to_string()),
            })?;
        Ok((Entry::try_from(wire)?, conformance))
    }

    /// Canonical DAG-CBOR bytes.
    pub fn encode(&self) -> Vec<u8> {
        #[cfg(test)]
        count_encoding();
        to_cbor(self).expect("an entry always encodes")
    }

    /// The entry as a content-addressed block.
    pub fn to_block(&self) -> Block {
        let bytes = self.encode();
        Block { cid: cid_of(&bytes), bytes }
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

/// An entry together with its canonical bytes and their CID, decoded once at the edge and
/// carried from the decoder to the store and out to peers: the hash that names it, its size
/// check, the frame that sends it and the block that stores it all read the bytes kept here
/// instead of encoding the entry again. Only canonical bytes decode, so the bytes received
/// *are* the entry's one encoding.
///
/// It reads as the [`Entry`] it holds (through `Deref`); it cannot be changed, so the bytes
/// and the CID always belong to the entry.
///
/// ```
/// use vns::{build, entry::EncodedEntry, identity::Keypair, name::Name};
/// let params = vns::params::NetworkParams::testing();
/// let key = Keypair::from_secret(&[3; 32]);
/// let entry = build::register(&params, &key, &Name::parse("alice").unwrap(), vec![], 1_000)
///     .unwrap();
/// let sent = EncodedEntry::new(entry.clone());
/// let received = EncodedEntry::decode(sent.bytes()).unwrap();
/// assert_eq!((received.entry(), received.cid()), (&entry, sent.cid()));
/// assert_eq!(received.name().as_str(), "alice.vfs");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodedEntry {
    entry: Entry,
    block: Block,
}

impl EncodedEntry {
    /// Encodes `entry` (the one encoding of an entry built locally). Its bounds are checked
    /// where it is applied ([`crate::rules::verify_encoded`]), so that an oversized or empty
    /// entry gets the same code whichever way it arrived.
    pub fn new(entry: Entry) -> EncodedEntry {
        let bytes = entry.encode();
        EncodedEntry { block: Block { cid: cid_of(&bytes), bytes }, entry }
    }

    /// Decodes an entry with [`Entry::decode`] and keeps `bytes` as its encoding.
    ///
    /// ```
    /// use vns::entry::EncodedEntry;
    /// assert_eq!(EncodedEntry::decode(&[0xa0]).unwrap_err().code(), "entry.malformed");
    /// ```
    pub fn decode(bytes: &[u8]) -> Result<EncodedEntry, EntryError> {
        let entry = Entry::decode(bytes)?;
        Ok(EncodedEntry::from_canonical(entry, bytes.to_vec()))
    }

    /// Decodes a block read from storage (its CID already checked against its bytes) and keeps
    /// the block as the entry's encoding: nothing is encoded or hashed again.
    pub fn decode_block(block: Block) -> Result<EncodedEntry, EntryError> {
        let entry = Entry::decode(&block.bytes)?;
        Ok(EncodedEntry { entry, block })
    }

    /// Pairs `entry` with `block`, which holds its encoding (a copy kept by its holder).
    pub(crate) fn with_block(entry: Entry, block: Block) -> EncodedEntry {
        EncodedEntry { entry, block }
    }

    /// Pairs `entry` with `bytes` its canonical decoder accepted (so they are its encoding).
    pub(crate) fn from_canonical(entry: Entry, bytes: Vec<u8>) -> EncodedEntry {
        EncodedEntry { block: Block { cid: cid_of(&bytes), bytes }, entry }
    }

    /// An entry decoded inside a larger structure, whose bytes are not attached yet: only
    /// [`EncodedEntry::attach`] may follow, before the value leaves its decoder.
    pub(crate) fn detached(entry: Entry) -> EncodedEntry {
        EncodedEntry { entry, block: Block { cid: cid_of(&[]), bytes: Vec::new() } }
    }

    /// Attaches the bytes a canonical decoder read this entry from.
    pub(crate) fn attach(&mut self, bytes: &[u8]) {
        self.block = Block { cid: cid_of(bytes), bytes: bytes.to_vec() };
    }

    /// The decoded entry.
    pub fn entry(&self) -> &Entry {
        &self.entry
    }

    /// The canonical DAG-CBOR bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.block.bytes
    }

    /// The CID of the bytes: what the merkle tree maps the name to.
    pub fn cid(&self) -> &Cid {
        &self.block.cid
    }

    /// The 32-byte digest the CID carries: the identity of this version of the name.
    pub fn digest(&self) -> [u8; 32] {
        let mut digest = [0; 32];
        digest.copy_from_slice(self.block.cid.hash().digest());
        digest
    }

    /// The entry as a block to store (a copy of the kept bytes, no encoding).
    pub fn block(&self) -> &Block {
        &self.block
    }

    /// The decoded entry, dropping the bytes.
    pub fn into_entry(self) -> Entry {
        self.entry
    }

    /// The decoded entry and the block of its encoding, taken apart without a copy.
    pub(crate) fn into_parts(self) -> (Entry, Block) {
        (self.entry, self.block)
    }
}

impl Deref for EncodedEntry {
    type Target = Entry;

    fn deref(&self) -> &Entry {
        &self.entry
    }
}

impl From<Entry> for EncodedEntry {
    fn from(entry: Entry) -> EncodedEntry {
        EncodedEntry::new(entry)
    }
}

impl Serialize for EncodedEntry {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[cfg(test)]
        count_encoding();
        self.entry.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for EncodedEntry {
    /// Inside a larger structure (a frame, the saved queue) serde hands over the decoded value
    /// only; its bytes are its canonical encoding, written once here.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<EncodedEntry, D::Error> {
        Entry::deserialize(deserializer).map(EncodedEntry::new)
    }
}

#[cfg(test)]
thread_local! {
    static ENCODINGS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Counts one encoding of an entry on this thread (tests measure how often the sync path
/// encodes what it carries).
#[cfg(test)]
fn count_encoding() {
    ENCODINGS.with(|n| n.set(n.get() + 1));
}

/// Entry encodings on this thread so far (tests only).
#[cfg(test)]
pub(crate) fn encodings() -> usize {
    ENCODINGS.with(|n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A decoded entry holds exactly its records: every node holds each entry it loads or
    /// receives, so spare room in the record vector is paid a million times.
    #[test]
    fn decoded_records_keep_no_spare_capacity() {
        let params = crate::params::NetworkParams::testing();
        let key = crate::identity::Keypair::from_secret(&[3; 32]);
        let name = Name::parse("alice").unwrap();
        for count in 1..=5u8 {
            let records = (0..count)
                .map(|i| Record::parse("A", &format!("192.0.2.{i}"), None).unwrap())
                .collect();
            let entry = crate::build::register(&params, &key, &name, records, 1_000).unwrap();
            let decoded = Entry::decode(&entry.encode()).unwrap();
            assert_eq!(decoded, entry);
            let records = &decoded.records;
            assert_eq!(records.capacity(), records.len(), "{count} records");
            assert_eq!(decoded.ops.capacity(), decoded.ops.len(), "{count} records: ops");
        }
    }
}
