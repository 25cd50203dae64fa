//! A validated Ed25519 public key and its libp2p peer-ID spellings.

use std::fmt;
use std::str::FromStr;

use ed25519_dalek::{Signature, VerifyingKey};

use super::{IdentityError, MAX_PEER_ID_LEN, PUBLIC_KEY_LEN, SIGNATURE_LEN};

/// Identity multihash (code 0x00, length 36) of the libp2p protobuf
/// `PublicKey { Type: Ed25519 (field 1 = 1), Data (field 2, 32 bytes) }`.
const PEER_ID_PREFIX: [u8; 6] = [0x00, 0x24, 0x08, 0x01, 0x12, 0x20];

/// Multicodec of a CIDv1 that carries a libp2p public key (`libp2p-key`).
const LIBP2P_KEY_CODEC: u64 = 0x72;

/// A validated Ed25519 public key (a point on the curve, not of small order).
///
/// ```
/// use vns::identity::{Keypair, PublicKey};
/// let key = Keypair::from_secret(&[1u8; 32]).public();
/// assert_eq!(PublicKey::from_bytes(key.as_bytes()).unwrap(), key);
/// assert_eq!(key.to_string().parse::<PublicKey>().unwrap(), key);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PublicKey(pub(super) [u8; PUBLIC_KEY_LEN]);

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
        let mut text = String::new();
        self.push_peer_id(&mut text);
        text
    }

    /// Appends the peer ID (see [`PublicKey::to_peer_id`]) to `out`.
    ///
    /// ```
    /// # use vns::identity::Keypair;
    /// let key = Keypair::from_secret(&[1u8; 32]).public();
    /// let mut text = String::from("owner ");
    /// key.push_peer_id(&mut text);
    /// assert_eq!(text, format!("owner {}", key.to_peer_id()));
    /// ```
    pub fn push_peer_id(&self, out: &mut String) {
        super::base58::push_encoded(&self.peer_id_bytes(), out);
    }

    pub(super) fn peer_id_bytes(&self) -> [u8; PEER_ID_PREFIX.len() + PUBLIC_KEY_LEN] {
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
