//! Signed operations: register, update, renew and transfer.
//!
//! An [`Op`] is the signed statement; a [`SignedOp`] adds the Ed25519 signature. Both are
//! encoded canonically as DAG-CBOR; the signature covers `SIGNING_DOMAIN || dag-cbor(op)`, so a
//! VNS signature can never be replayed as a signature for another protocol (or the reverse).
//! The hash of an operation ([`Op::hash`]) is BLAKE3 over the canonical encoding of the
//! unsigned op: two signatures over the same statement are the same operation.
//!
//! ```
//! use vns::{identity::Keypair, name::Name, op::{Op, OpKind}};
//! let key = Keypair::from_secret(&[1; 32]);
//! let op = Op {
//!     v: 1, kind: OpKind::Update, name: Name::parse("alice").unwrap(), seq: 3, ts: 1_000,
//!     signer: key.public(), lineage: Some(Box::new([9; 32].into())),
//!     prev: Some(Box::new([8; 32].into())),
//!     records: [0; 32].into(), expires: 5_000, nonce: None, new_owner: None,
//! };
//! let signed = op.sign(&key);
//! assert!(signed.verify_signature().is_ok());
//! ```

use serde::{Deserialize, Serialize};
use serde_bytes::ByteArray;

use crate::block::{hash, present, to_cbor};
use crate::identity::{Keypair, PublicKey};
use crate::name::Name;

/// Prefix of every signed message: domain separation for VNS operation signatures.
pub const SIGNING_DOMAIN: &[u8] = b"vns/op/v1\0";

/// The only operation format version this code reads and writes.
pub const OP_VERSION: u8 = 1;

/// A 32-byte BLAKE3 digest, encoded as a CBOR byte string.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Digest(ByteArray<32>);

impl Digest {
    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl From<[u8; 32]> for Digest {
    fn from(bytes: [u8; 32]) -> Self {
        Digest(ByteArray::new(bytes))
    }
}

impl std::fmt::Debug for Digest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for b in &self.0[..6] {
            write!(f, "{b:02x}")?;
        }
        f.write_str("…")
    }
}

impl std::fmt::Display for Digest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for b in self.0.iter() {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// What an operation does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OpKind {
    /// Claims a free name (carries a proof-of-work nonce).
    Register,
    /// Replaces the record set.
    Update,
    /// Extends the expiry (at most one period after its own timestamp).
    Renew,
    /// Hands the name to `new_owner`.
    Transfer,
}

impl OpKind {
    /// Lower-case name, as in the encoding.
    pub fn as_str(self) -> &'static str {
        match self {
            OpKind::Register => "register",
            OpKind::Update => "update",
            OpKind::Renew => "renew",
            OpKind::Transfer => "transfer",
        }
    }
}

/// One signed statement about a name. Every field is covered by the signature.
///
/// Each op carries the full resulting state that a reader needs (`records` as a hash, the
/// record set itself travels beside it in the [`Entry`](crate::entry::Entry); `expires`), so a
/// node that never saw the intermediate versions can still check the latest one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Op {
    /// Format version, always [`OP_VERSION`].
    pub v: u8,
    /// What the op does.
    pub kind: OpKind,
    /// The name it acts on.
    pub name: Name,
    /// Per-name sequence number: 0 for the registration, strictly increasing after it.
    pub seq: u64,
    /// Milliseconds since the Unix epoch, as claimed by the signer.
    pub ts: u64,
    /// The key that signs this op: the registrant, or the owner at the version it replaces.
    pub signer: PublicKey,
    /// Hash of the registration this op belongs to (absent on the registration itself).
    /// Boxed, like `prev`: most held entries are bare registrations, and an absent box costs
    /// 8 bytes instead of 33 (the encoding is the same).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    pub lineage: Option<Box<Digest>>,
    /// Hash of the op just before this one in the entry's `ops` (absent on the registration):
    /// the registration or the last transfer or renewal, never a replaced update.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    pub prev: Option<Box<Digest>>,
    /// Hash of the record set after this op ([`crate::record::records_hash`]).
    pub records: Digest,
    /// Expiry after this op, in milliseconds since the epoch.
    pub expires: u64,
    /// Proof-of-work nonce (registrations only).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    pub nonce: Option<u64>,
    /// The new owner (transfers only).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    pub new_owner: Option<PublicKey>,
}

impl Op {
    /// Canonical DAG-CBOR bytes of the unsigned op.
    pub fn encode(&self) -> Vec<u8> {
        to_cbor(self).expect("an op always encodes")
    }

    /// The op's identity: BLAKE3 of its canonical encoding.
    pub fn hash(&self) -> Digest {
        hash(&self.encode()).into()
    }

    /// The exact bytes the signature covers.
    pub fn signing_message(&self) -> Vec<u8> {
        let mut message = SIGNING_DOMAIN.to_vec();
        message.extend_from_slice(&self.encode());
        message
    }

    /// Signs with `key` (which should be `self.signer`; verification checks it).
    pub fn sign(self, key: &Keypair) -> SignedOp {
        let sig = key.sign(&self.signing_message());
        SignedOp { op: self, sig: ByteArray::new(sig) }
    }
}

/// An [`Op`] with its Ed25519 signature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedOp {
    /// The signed op.
    pub op: Op,
    /// Ed25519 signature by `op.signer` over [`Op::signing_message`].
    pub sig: ByteArray<64>,
}

impl SignedOp {
    /// Checks the signature against `op.signer`.
    pub fn verify_signature(&self) -> Result<(), crate::identity::IdentityError> {
        self.op.signer.verify(&self.op.signing_message(), &self.sig)
    }
}
