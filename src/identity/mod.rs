//! Ed25519 identities: the keys that own names, written as libp2p peer IDs.
//!
//! An owner is shown and typed as a libp2p peer ID (`12D3KooW…`) so the same string names a
//! VNS owner and a libp2p node. In blocks a key is stored as its 32 raw bytes.
//!
//! ```
//! use vns::identity::{Keypair, PublicKey};
//! let keypair = Keypair::from_secret(&[7u8; 32]);
//! let owner = keypair.public();
//! let peer_id = owner.to_peer_id();
//! assert!(peer_id.starts_with("12D3KooW"));
//! assert_eq!(PublicKey::from_peer_id(&peer_id).unwrap(), owner);
//! let signature = keypair.sign(b"hello");
//! assert!(owner.verify(b"hello", &signature).is_ok());
//! ```

mod base58;
mod keypair;
mod public_key;

pub use keypair::Keypair;
pub use public_key::PublicKey;

/// Length of an Ed25519 public key in bytes.
pub const PUBLIC_KEY_LEN: usize = 32;

/// Length of an Ed25519 signature in bytes.
pub const SIGNATURE_LEN: usize = 64;

/// Longest peer-ID string looked at. An Ed25519 peer ID is 52 characters (base58) or about 62
/// (CID forms); the cap bounds decoding work on hostile input.
pub const MAX_PEER_ID_LEN: usize = 128;

/// Why a key, peer ID or signature was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    /// Public key bytes of the wrong length.
    #[error("public key is {len} bytes, expected {PUBLIC_KEY_LEN}")]
    BadLength {
        /// Length received.
        len: usize,
    },
    /// 32 bytes that are not an Ed25519 curve point.
    #[error("public key is not a valid Ed25519 point")]
    InvalidPoint,
    /// A small-order point: no signature would ever verify under it (strict verification), so a
    /// name owned by it could never be changed again.
    #[error("public key is a weak (small-order) Ed25519 point")]
    WeakKey,
    /// The signature does not verify for this key and message.
    #[error("signature does not verify for this key and message")]
    BadSignature,
    /// The peer ID is not valid base58btc.
    #[error("{peer_id:?} is not an owner id (owner ids look like 12D3KooW…; this is not base58)")]
    BadBase58 {
        /// The input.
        peer_id: String,
    },
    /// The peer ID string is structurally wrong (length, multihash, CID form).
    #[error("{peer_id:?} is not an owner id (owner ids look like 12D3KooW…): {reason}")]
    BadPeerId {
        /// The input (empty when it was too long to echo).
        peer_id: String,
        /// What was wrong.
        reason: &'static str,
    },
    /// A well-formed peer ID for a key that is not Ed25519 (RSA, secp256k1, ECDSA).
    #[error("peer id {peer_id:?} is not an Ed25519 key; VNS owners are Ed25519")]
    UnsupportedKeyType {
        /// The input.
        peer_id: String,
    },
    /// The operating system gave no randomness for key generation.
    #[error("no randomness available for key generation: {reason}")]
    Rng {
        /// The underlying error.
        reason: String,
    },
}

impl IdentityError {
    /// Stable machine-readable code, e.g. `identity.bad_signature`.
    ///
    /// ```
    /// use vns::identity::PublicKey;
    /// assert_eq!(PublicKey::from_bytes(&[0u8; 31]).unwrap_err().code(), "identity.bad_length");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            IdentityError::BadLength { .. } => "identity.bad_length",
            IdentityError::InvalidPoint => "identity.invalid_point",
            IdentityError::WeakKey => "identity.weak_key",
            IdentityError::BadSignature => "identity.bad_signature",
            IdentityError::BadBase58 { .. } => "identity.bad_base58",
            IdentityError::BadPeerId { .. } => "identity.bad_peer_id",
            IdentityError::UnsupportedKeyType { .. } => "identity.unsupported_key_type",
            IdentityError::Rng { .. } => "identity.rng",
        }
    }
}

#[cfg(test)]
mod tests;
