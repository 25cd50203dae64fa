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

use std::fmt;
use std::str::FromStr;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use rand_core::{OsRng, RngCore};

/// Length of an Ed25519 public key in bytes.
pub const PUBLIC_KEY_LEN: usize = 32;

/// Length of an Ed25519 signature in bytes.
pub const SIGNATURE_LEN: usize = 64;

/// Longest peer-ID string looked at. An Ed25519 peer ID is 52 characters (base58) or about 62
/// (CID forms); the cap bounds decoding work on hostile input.
pub const MAX_PEER_ID_LEN: usize = 128;

/// Identity multihash (code 0x00, length 36) of the libp2p protobuf
/// `PublicKey { Type: Ed25519 (field 1 = 1), Data (field 2, 32 bytes) }`.
const PEER_ID_PREFIX: [u8; 6] = [0x00, 0x24, 0x08, 0x01, 0x12, 0x20];

/// Multicodec of a CIDv1 that carries a libp2p public key (`libp2p-key`).
const LIBP2P_KEY_CODEC: u64 = 0x72;

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
    #[error("peer id {peer_id:?} is not valid base58")]
    BadBase58 {
        /// The input.
        peer_id: String,
    },
    /// The peer ID string is structurally wrong (length, multihash, CID form).
    #[error("peer id {peer_id:?} is malformed: {reason}")]
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

/// A validated Ed25519 public key (a point on the curve, not of small order).
///
/// ```
/// use vns::identity::{Keypair, PublicKey};
/// let key = Keypair::from_secret(&[1u8; 32]).public();
/// assert_eq!(PublicKey::from_bytes(key.as_bytes()).unwrap(), key);
/// assert_eq!(key.to_string().parse::<PublicKey>().unwrap(), key);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PublicKey([u8; PUBLIC_KEY_LEN]);

impl PublicKey {
    /// Accepts 32 bytes that encode a valid, non-weak Ed25519 point.
    ///
    /// ```
    /// use vns::identity::PublicKey;
    /// assert_eq!(PublicKey::from_bytes(&[0u8; 32]).unwrap_err().code(), "identity.weak_key");
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<PublicKey, IdentityError> {
        let bytes: [u8; PUBLIC_KEY_LEN] =
            bytes.try_into().map_err(|_| IdentityError::BadLength { len: bytes.len() })?;
        let key = VerifyingKey::from_bytes(&bytes).map_err(|_| IdentityError::InvalidPoint)?;
        if key.is_weak() {
            return Err(IdentityError::WeakKey);
        }
        Ok(PublicKey(bytes))
    }

    /// Checks that the bytes are a usable Ed25519 key (a valid, non-weak point), as
    /// [`PublicKey::from_bytes`] does.
    ///
    /// ```
    /// # use vns::identity::Keypair;
    /// assert!(Keypair::from_secret(&[1u8; 32]).public().validate().is_ok());
    /// ```
    pub fn validate(&self) -> Result<(), IdentityError> {
        PublicKey::from_bytes(&self.0).map(drop)
    }

    /// The 32 key bytes.
    ///
    /// ```
    /// # use vns::identity::Keypair;
    /// assert_eq!(Keypair::from_secret(&[1u8; 32]).public().as_bytes().len(), 32);
    /// ```
    pub fn as_bytes(&self) -> &[u8; PUBLIC_KEY_LEN] {
        &self.0
    }

    /// Checks `signature` over `message` with strict Ed25519 verification (canonical `S`, no
    /// small-order components), so a signature has exactly one valid encoding and cannot be
    /// malleated into a second, different-hashing operation.
    ///
    /// ```
    /// # use vns::identity::Keypair;
    /// let kp = Keypair::from_secret(&[1u8; 32]);
    /// let sig = kp.sign(b"msg");
    /// assert!(kp.public().verify(b"msg", &sig).is_ok());
    /// assert_eq!(kp.public().verify(b"other", &sig).unwrap_err().code(), "identity.bad_signature");
    /// ```
    pub fn verify(
        &self,
        message: &[u8],
        signature: &[u8; SIGNATURE_LEN],
    ) -> Result<(), IdentityError> {
        // The bytes were checked on construction; re-checking keeps this panic-free.
        let key = VerifyingKey::from_bytes(&self.0).map_err(|_| IdentityError::InvalidPoint)?;
        key.verify_strict(message, &Signature::from_bytes(signature))
            .map_err(|_| IdentityError::BadSignature)
    }

    /// The libp2p peer ID of this key: base58btc of the identity multihash of the protobuf
    /// encoded key (always starts with `12D3KooW`).
    ///
    /// ```
    /// # use vns::identity::Keypair;
    /// assert!(Keypair::from_secret(&[1u8; 32]).public().to_peer_id().starts_with("12D3KooW"));
    /// ```
    pub fn to_peer_id(&self) -> String {
        bs58::encode(self.peer_id_bytes()).into_string()
    }

    fn peer_id_bytes(&self) -> [u8; PEER_ID_PREFIX.len() + PUBLIC_KEY_LEN] {
        let mut bytes = [0u8; PEER_ID_PREFIX.len() + PUBLIC_KEY_LEN];
        bytes[..PEER_ID_PREFIX.len()].copy_from_slice(&PEER_ID_PREFIX);
        bytes[PEER_ID_PREFIX.len()..].copy_from_slice(&self.0);
        bytes
    }

    /// Parses a peer ID: the base58btc form (`12D3KooW…`) or the CIDv1 `libp2p-key` form
    /// (`bafzaa…`, `k51…`). Only Ed25519 keys are accepted, since only they embed the key.
    ///
    /// ```
    /// use vns::identity::PublicKey;
    /// // An RSA-style (SHA-256) peer ID names a key VNS cannot verify with.
    /// let rsa = "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N";
    /// assert_eq!(PublicKey::from_peer_id(rsa).unwrap_err().code(), "identity.unsupported_key_type");
    /// ```
    pub fn from_peer_id(peer_id: &str) -> Result<PublicKey, IdentityError> {
        if peer_id.len() > MAX_PEER_ID_LEN {
            return Err(IdentityError::BadPeerId { peer_id: String::new(), reason: "too long" });
        }
        let bad = |reason| IdentityError::BadPeerId { peer_id: peer_id.to_owned(), reason };
        // The libp2p spec: a leading `1` or `Qm` means a bare base58btc multihash, anything
        // else is a multibase CID.
        let multihash = if peer_id.starts_with('1') || peer_id.starts_with("Qm") {
            bs58::decode(peer_id)
                .into_vec()
                .map_err(|_| IdentityError::BadBase58 { peer_id: peer_id.to_owned() })?
        } else {
            let cid = crate::record::parse_cid_exact(peer_id).map_err(|_| bad("not a CID"))?;
            if cid.version() != cid::Version::V1 || cid.codec() != LIBP2P_KEY_CODEC {
                return Err(bad("CID is not a CIDv1 libp2p-key"));
            }
            cid.hash().to_bytes()
        };
        let unsupported = || IdentityError::UnsupportedKeyType { peer_id: peer_id.to_owned() };
        let protobuf = match multihash.as_slice() {
            // Identity multihash: the key is inlined (lengths here are one-byte varints).
            [0x00, len, rest @ ..] if usize::from(*len) == rest.len() => rest,
            // SHA-256 of a key too large to inline (RSA): the key cannot be recovered.
            [0x12, 0x20, rest @ ..] if rest.len() == 32 => return Err(unsupported()),
            _ => return Err(bad("not a peer-id multihash")),
        };
        match protobuf {
            [0x08, 0x01, 0x12, 0x20, key @ ..] if key.len() == PUBLIC_KEY_LEN => {
                PublicKey::from_bytes(key)
            }
            [0x08, key_type, ..] if *key_type != 0x01 => Err(unsupported()),
            _ => Err(bad("not a protobuf-encoded Ed25519 public key")),
        }
    }
}

impl fmt::Display for PublicKey {
    /// The peer ID.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_peer_id())
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.to_peer_id())
    }
}

/// Parses a peer ID (see [`PublicKey::from_peer_id`]).
impl FromStr for PublicKey {
    type Err = IdentityError;

    fn from_str(s: &str) -> Result<PublicKey, IdentityError> {
        PublicKey::from_peer_id(s)
    }
}

/// Serialises as a 32-byte byte string (compact in CBOR; the peer ID is for people).
impl serde::Serialize for PublicKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.0)
    }
}

/// Deserialises from a byte string of exactly 32 bytes. The point itself is not checked here:
/// decompressing it costs as much as a signature check, and every key read from the wire is
/// either a signer (an invalid point fails signature verification) or a transfer's new owner
/// (checked with [`PublicKey::validate`] by the rules). Loading a namespace stays cheap.
impl<'de> serde::Deserialize<'de> for PublicKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<PublicKey, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = PublicKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("32 bytes of an Ed25519 public key")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<PublicKey, E> {
                let bytes: [u8; PUBLIC_KEY_LEN] = v
                    .try_into()
                    .map_err(|_| E::custom(IdentityError::BadLength { len: v.len() }))?;
                Ok(PublicKey(bytes))
            }
        }
        deserializer.deserialize_bytes(Visitor)
    }
}

/// An Ed25519 signing key. The secret is never printed; `ed25519-dalek` wipes it on drop.
///
/// ```
/// use vns::identity::Keypair;
/// let kp = Keypair::generate().unwrap();
/// let again = Keypair::from_secret(&kp.secret_bytes());
/// assert_eq!(kp.public(), again.public());
/// assert!(!format!("{kp:?}").contains(&format!("{:?}", kp.secret_bytes())));
/// ```
#[derive(Clone)]
pub struct Keypair(SigningKey);

impl Keypair {
    /// A fresh key from the operating system's randomness (the browser's `crypto` on wasm).
    /// Returns an error instead of panicking when no randomness is available.
    ///
    /// ```
    /// # use vns::identity::Keypair;
    /// assert_ne!(Keypair::generate().unwrap().public(), Keypair::generate().unwrap().public());
    /// ```
    pub fn generate() -> Result<Keypair, IdentityError> {
        let mut secret = [0u8; 32];
        OsRng
            .try_fill_bytes(&mut secret)
            .map_err(|e| IdentityError::Rng { reason: e.to_string() })?;
        Ok(Keypair::from_secret(&secret))
    }

    /// The key pair of a 32-byte secret (the Ed25519 seed).
    ///
    /// ```
    /// # use vns::identity::Keypair;
    /// assert_eq!(Keypair::from_secret(&[7u8; 32]).secret_bytes(), [7u8; 32]);
    /// ```
    pub fn from_secret(secret: &[u8; 32]) -> Keypair {
        Keypair(SigningKey::from_bytes(secret))
    }

    /// The 32-byte secret, for the caller to store (encrypted) somewhere safe.
    ///
    /// ```
    /// # use vns::identity::Keypair;
    /// let kp = Keypair::from_secret(&[3u8; 32]);
    /// assert_eq!(Keypair::from_secret(&kp.secret_bytes()).public(), kp.public());
    /// ```
    pub fn secret_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    /// The public key.
    ///
    /// ```
    /// # use vns::identity::Keypair;
    /// let kp = Keypair::from_secret(&[3u8; 32]);
    /// assert_eq!(kp.public(), kp.public());
    /// ```
    pub fn public(&self) -> PublicKey {
        // A key derived from a clamped secret scalar is never small-order, so this cannot be
        // a weak key.
        PublicKey(self.0.verifying_key().to_bytes())
    }

    /// Signs `message` (deterministic Ed25519).
    ///
    /// ```
    /// # use vns::identity::Keypair;
    /// let kp = Keypair::from_secret(&[3u8; 32]);
    /// assert_eq!(kp.sign(b"m"), kp.sign(b"m"));
    /// ```
    pub fn sign(&self, message: &[u8]) -> [u8; SIGNATURE_LEN] {
        self.0.sign(message).to_bytes()
    }
}

impl fmt::Debug for Keypair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keypair").field("public", &self.public()).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::{from_cbor, to_cbor};

    /// Computed once from `[7u8; 32]` (and cross-checked with an independent Ed25519 and base58
    /// implementation), then frozen: if this changes, every owner string changes.
    const KAT_PEER_ID: &str = "12D3KooWRawPbxPtP1eZaJpumGnyWX2DcUyd3RQnydr3eAto4Az7";
    const KAT_PUBLIC_HEX: &str = "ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c";
    /// The same key as CIDv1 `libp2p-key`, base32 and base36.
    const KAT_CID_B32: &str = "bafzaajaiaejcb2sknrr6fhcsbk7pkud3cmxml6mvi53k5pv6pojeehxknekenurm";
    const KAT_CID_B36: &str = "k51qzi5uqu5dm0t4vbwri4lkg76q03b4x9tsvekgvbu4zli6454ff7w8wdosa4";

    fn key(seed: u8) -> Keypair {
        Keypair::from_secret(&[seed; 32])
    }

    fn peer_id_code(s: &str) -> &'static str {
        PublicKey::from_peer_id(s).unwrap_err().code()
    }

    #[test]
    fn known_answer() {
        let public = key(7).public();
        assert_eq!(hex::encode(public.as_bytes()), KAT_PUBLIC_HEX);
        assert_eq!(public.to_peer_id(), KAT_PEER_ID);
        assert_eq!(public.to_string(), KAT_PEER_ID);
        assert_eq!(PublicKey::from_peer_id(KAT_PEER_ID).unwrap(), public);
        assert_eq!(format!("{public:?}"), format!("PublicKey({KAT_PEER_ID})"));
    }

    #[test]
    fn cid_forms_of_peer_id() {
        let public = key(7).public();
        assert_eq!(PublicKey::from_peer_id(KAT_CID_B32).unwrap(), public);
        assert_eq!(PublicKey::from_peer_id(KAT_CID_B36).unwrap(), public);
        // A CID of another codec (dag-pb) is not a peer id.
        let dag_pb = "bafybeie5nqv6kd3qnfjupgvz34woh3oksc3iau6abmyajn7qvtf6d2ho34";
        assert_eq!(peer_id_code(dag_pb), "identity.bad_peer_id");
        assert_eq!(peer_id_code("bnot-base32!"), "identity.bad_peer_id");
        assert_eq!(peer_id_code("/ipfs/bafy"), "identity.bad_peer_id");
    }

    #[test]
    fn peer_id_round_trip() {
        for seed in [0u8, 1, 42, 255] {
            let public = key(seed).public();
            let id = public.to_peer_id();
            assert!(id.starts_with("12D3KooW"), "{id}");
            assert_eq!(id.parse::<PublicKey>().unwrap(), public);
        }
    }

    #[test]
    fn peer_id_rejections() {
        assert_eq!(peer_id_code(""), "identity.bad_peer_id");
        assert_eq!(peer_id_code(&"1".repeat(MAX_PEER_ID_LEN + 1)), "identity.bad_peer_id");
        // '0', 'O', 'I', 'l' are not in the base58 alphabet.
        assert_eq!(peer_id_code("12D3KooW0OIl"), "identity.bad_base58");
        // Truncated and extended peer ids.
        assert_eq!(peer_id_code(&KAT_PEER_ID[..KAT_PEER_ID.len() - 1]), "identity.bad_peer_id");
        let mut long = key(7).public().peer_id_bytes().to_vec();
        long.push(0);
        let long = bs58::encode(&long).into_string();
        assert_eq!(peer_id_code(&long), "identity.bad_peer_id");
        // Wrong prefix: same length, multihash code changed to something unknown.
        let mut wrong = key(7).public().peer_id_bytes();
        wrong[0] = 0x13;
        assert_eq!(peer_id_code(&bs58::encode(wrong).into_string()), "identity.bad_peer_id");
        // Another inlined key type (secp256k1 = 2) is well-formed but not Ed25519.
        let mut secp = key(7).public().peer_id_bytes();
        secp[3] = 0x02;
        let secp = bs58::encode(secp).into_string();
        assert_eq!(peer_id_code(&secp), "identity.unsupported_key_type");
        // A SHA-256 (RSA) peer id.
        assert_eq!(
            peer_id_code("QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N"),
            "identity.unsupported_key_type"
        );
        // A well-formed peer id whose key is not a curve point.
        let mut bad_point = key(7).public().peer_id_bytes();
        bad_point[6..].copy_from_slice(&[2u8; 32]);
        bad_point[7..].fill(0);
        let bad_point = bs58::encode(bad_point).into_string();
        assert_eq!(peer_id_code(&bad_point), "identity.invalid_point");
    }

    #[test]
    fn public_key_bytes() {
        let public = key(7).public();
        assert_eq!(PublicKey::from_bytes(public.as_bytes()).unwrap(), public);
        assert_eq!(PublicKey::from_bytes(&[]).unwrap_err().code(), "identity.bad_length");
        assert_eq!(PublicKey::from_bytes(&[1; 33]).unwrap_err().code(), "identity.bad_length");
        let mut not_a_point = [0u8; 32];
        not_a_point[0] = 2;
        let err = PublicKey::from_bytes(&not_a_point).unwrap_err();
        assert_eq!(err, IdentityError::InvalidPoint);
        // The identity point (y = 1) and y = 0 (order 4) are small-order.
        let mut identity_point = [0u8; 32];
        identity_point[0] = 1;
        assert_eq!(PublicKey::from_bytes(&identity_point).unwrap_err().code(), "identity.weak_key");
        assert_eq!(PublicKey::from_bytes(&[0u8; 32]).unwrap_err().code(), "identity.weak_key");
    }

    #[test]
    fn signatures() {
        let alice = key(1);
        let bob = key(2);
        let msg = b"register alice.vfs";
        let sig = alice.sign(msg);
        assert!(alice.public().verify(msg, &sig).is_ok());
        // Tampered message, wrong key, tampered signature.
        let err = alice.public().verify(b"register alice.vfX", &sig).unwrap_err();
        assert_eq!(err.code(), "identity.bad_signature");
        assert_eq!(bob.public().verify(msg, &sig).unwrap_err(), IdentityError::BadSignature);
        let mut bad = sig;
        bad[0] ^= 1;
        assert!(alice.public().verify(msg, &bad).is_err());
        // A non-canonical S (S + group order) is refused by strict verification.
        let mut malleated = sig;
        let order: [u8; 32] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
            0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ];
        let mut carry = 0u16;
        for (s, l) in malleated[32..].iter_mut().zip(order) {
            let sum = u16::from(*s) + u16::from(l) + carry;
            *s = sum as u8;
            carry = sum >> 8;
        }
        assert!(alice.public().verify(msg, &malleated).is_err());
    }

    #[test]
    fn keypair_secret_and_debug() {
        let kp = key(7);
        assert_eq!(kp.secret_bytes(), [7u8; 32]);
        let debug = format!("{kp:?}");
        assert!(debug.contains(KAT_PEER_ID), "{debug}");
        assert!(!debug.contains("7, 7"), "{debug}");
        let generated = Keypair::generate().unwrap();
        assert_ne!(generated.public(), kp.public());
        assert_eq!(Keypair::from_secret(&generated.secret_bytes()).public(), generated.public());
    }

    #[test]
    fn serde_as_raw_bytes() {
        let public = key(7).public();
        let bytes = to_cbor(&public).unwrap();
        // CBOR byte string header 0x58 0x20, then the 32 key bytes.
        assert_eq!(bytes.len(), 34);
        assert_eq!(&bytes[..2], &[0x58, 0x20]);
        assert_eq!(&bytes[2..], public.as_bytes());
        assert_eq!(from_cbor::<PublicKey>(&bytes).unwrap(), public);
        let short = to_cbor(&serde_bytes::Bytes::new(&[1u8; 31])).unwrap();
        assert!(from_cbor::<PublicKey>(&short).is_err());
        // A weak point decodes (only length is checked on the wire) but does not validate.
        let weak = to_cbor(&serde_bytes::Bytes::new(&[0u8; 32])).unwrap();
        let decoded = from_cbor::<PublicKey>(&weak).unwrap();
        assert_eq!(decoded.validate(), Err(IdentityError::WeakKey));
        // A peer-id string is not the stored form.
        assert!(from_cbor::<PublicKey>(&to_cbor(KAT_PEER_ID).unwrap()).is_err());
    }

    proptest::proptest! {
        /// Arbitrary peer-ID strings and key bytes give errors, never panics.
        #[test]
        fn parsing_is_total(
            text in "(?s)\\PC{0,80}|12D3KooW[1-9A-HJ-NP-Za-km-z]{0,50}|[bk][a-z0-9]{0,70}",
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..40),
        ) {
            let _ = PublicKey::from_peer_id(&text);
            if let Ok(key) = PublicKey::from_bytes(&bytes) {
                proptest::prop_assert_eq!(PublicKey::from_peer_id(&key.to_peer_id()), Ok(key));
            }
        }
    }
}
