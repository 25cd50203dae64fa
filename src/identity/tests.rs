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
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
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
