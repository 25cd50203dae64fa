//! Content-addressed blocks: DAG-CBOR bytes named by a CIDv1 with a BLAKE3-256 multihash.
//!
//! Every persisted or exchanged structure in VNS (entries, tree nodes) is a block, so any IPFS
//! tool that understands DAG-CBOR and CIDs can read them.
//!
//! ```
//! use vns::block::Block;
//! let block = Block::encode(&("alice.vfs", 7u64)).unwrap();
//! let (name, n): (String, u64) = block.decode().unwrap();
//! assert_eq!((name.as_str(), n), ("alice.vfs", 7));
//! assert_eq!(Block::verify(block.cid, block.bytes.clone()).unwrap(), block);
//! ```

use cid::Cid;
use multihash::Multihash;
use serde::{de::DeserializeOwned, Deserialize, Deserializer, Serialize};

mod bases;
mod canonical;
mod cid_text;
mod conformance;
pub(crate) mod shape;
pub(crate) use bases::base64url;
pub use bases::{decode_multibase, MultibaseError};
pub use canonical::MAX_DEPTH;
pub use cid_text::{cid_text, parse_cid_text, push_cid_text};
pub(crate) use conformance::Conformance;
use shape::Shape;

/// Multicodec code of DAG-CBOR.
pub const DAG_CBOR: u64 = 0x71;
/// Multicodec code of the BLAKE3 hash (32-byte digest).
pub const BLAKE3_256: u64 = 0x1e;

/// Why bytes could not be turned into a value (or back).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlockError {
    /// The bytes do not hash to the CID they were stored or sent under.
    #[error("block {cid}: bytes do not match the CID (corrupted block)")]
    HashMismatch {
        /// The CID.
        cid: String,
    },
    /// A CID of another version, codec or hash than VNS blocks use.
    #[error("block {cid}: unsupported CID (expected CIDv1, DAG-CBOR, BLAKE3-256)")]
    UnsupportedCid {
        /// The CID.
        cid: String,
    },
    /// The bytes are not DAG-CBOR of the expected shape.
    #[error("block decode failed: {0}")]
    Decode(String),
    /// Well-formed CBOR, but not the one canonical encoding VNS accepts (see
    /// `docs/protocol.md`, "Canonical encoding").
    #[error("not canonical DAG-CBOR at offset {offset}: {problem}")]
    NotCanonical {
        /// Byte offset of the first non-canonical item.
        offset: usize,
        /// What is not canonical there.
        problem: String,
    },
    /// A value could not be encoded (should not happen for VNS's own types).
    #[error("block encode failed: {0}")]
    Encode(String),
}

impl BlockError {
    /// Stable machine-readable code, e.g. `block.hash_mismatch`.
    pub fn code(&self) -> &'static str {
        match self {
            BlockError::HashMismatch { .. } => "block.hash_mismatch",
            BlockError::UnsupportedCid { .. } => "block.unsupported_cid",
            BlockError::Decode(_) => "block.decode",
            BlockError::NotCanonical { .. } => "block.not_canonical",
            BlockError::Encode(_) => "block.encode",
        }
    }
}

/// A DAG-CBOR block and its CID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The CID of `bytes`.
    pub cid: Cid,
    /// The DAG-CBOR encoding.
    pub bytes: Vec<u8>,
}

/// The BLAKE3-256 digest of `bytes`.
pub fn hash(bytes: &[u8]) -> [u8; 32] {
    *blake3::hash(bytes).as_bytes()
}

/// The CIDv1 (DAG-CBOR, BLAKE3-256) of `bytes`.
pub fn cid_of(bytes: &[u8]) -> Cid {
    cid_of_digest(&hash(bytes))
}

/// The CIDv1 (DAG-CBOR, BLAKE3-256) of a block whose BLAKE3-256 digest is `digest`.
///
/// ```
/// use vns::block::{cid_of, cid_of_digest, hash};
/// assert_eq!(cid_of_digest(&hash(b"x")), cid_of(b"x"));
/// ```
pub fn cid_of_digest(digest: &[u8; 32]) -> Cid {
    let mh = Multihash::<64>::wrap(BLAKE3_256, digest).expect("32-byte digest fits");
    Cid::new_v1(DAG_CBOR, mh)
}

/// Canonical DAG-CBOR encoding of `value`.
pub fn to_cbor<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, BlockError> {
    serde_ipld_dagcbor::to_vec(value).map_err(|e| BlockError::Encode(e.to_string()))
}

/// Strict DAG-CBOR decoding of `bytes`: every decoder of outside bytes goes through here.
///
/// The bytes must be exactly one item in canonical form (shortest integers and lengths,
/// sorted keys, no floats, tag 42 only, nothing trailing; see `docs/protocol.md`,
/// "Canonical encoding"), or the answer is [`BlockError::NotCanonical`] naming the offset.
/// Only then does serde map them onto `T`.
///
/// ```
/// use vns::block::from_cbor;
/// assert_eq!(from_cbor::<u64>(&[0x18, 0x18]).unwrap(), 24);
/// let err = from_cbor::<u64>(&[0x18, 0x01]).unwrap_err();
/// assert_eq!(err.code(), "block.not_canonical");
/// assert_eq!(err.to_string(), "not canonical DAG-CBOR at offset 0: integer 1 is not in its shortest form");
/// ```
pub fn from_cbor<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, BlockError> {
    canonical::check(bytes, &Shape::Any)?.result()?;
    from_own_cbor(bytes)
}

/// [`from_cbor`] for a structure of VNS with a shape in `block::shape` (entries, tree nodes,
/// frames, the saved queue and light cache): the same pass also checks every field's CBOR
/// type, that every field always written is there and that there is no other (rule 8 of
/// "Canonical encoding"). Its verdict comes back beside the value, for the decoder to report
/// (`block.not_canonical`, naming the offset) after its own checks of the value: an input
/// the value's decoding refuses keeps that decoding's code.
pub(crate) fn from_cbor_checked<T: DeserializeOwned>(
    bytes: &[u8],
    shape: &'static Shape,
) -> Result<(T, Conformance), BlockError> {
    let conformance = canonical::check(bytes, shape)?;
    Ok((from_own_cbor(bytes)?, conformance))
}

/// [`from_cbor_checked`], its verdict reported at once.
pub(crate) fn from_cbor_shaped<T: DeserializeOwned>(
    bytes: &[u8],
    shape: &'static Shape,
) -> Result<T, BlockError> {
    let (value, conformance) = from_cbor_checked(bytes, shape)?;
    conformance.result()?;
    Ok(value)
}

/// [`from_cbor`], then checks that the value encodes back to exactly `bytes`: rule 8 for a
/// type without a shape (any `T`), at the cost of one encoding. The canonical pass alone
/// cannot tell an item of another type than its field's, which the CBOR library's decoding
/// reads loosely for some major types (an integer head as an array's or a string's length, a
/// byte string as text); encoding the value again catches every such second spelling. VNS's
/// own decoders check their shape (in `block::shape`) instead, which needs no encoding.
///
/// ```
/// use vns::block::{from_cbor, from_cbor_exact};
/// assert!(from_cbor::<Vec<u64>>(&[0x00]).is_ok()); // an integer 0 read as an empty array
/// assert_eq!(from_cbor_exact::<Vec<u64>>(&[0x00]).unwrap_err().code(), "block.not_canonical");
/// assert_eq!(from_cbor_exact::<Vec<u64>>(&[0x80]).unwrap(), Vec::<u64>::new());
/// ```
pub fn from_cbor_exact<T: DeserializeOwned + Serialize>(bytes: &[u8]) -> Result<T, BlockError> {
    let value: T = from_cbor(bytes)?;
    same_encoding(bytes, &to_cbor(&value)?)?;
    Ok(value)
}

/// `Ok` when `again`, the encoding of what was decoded from `bytes`, is `bytes` itself;
/// otherwise `block.not_canonical` at the first byte that differs.
fn same_encoding(bytes: &[u8], again: &[u8]) -> Result<(), BlockError> {
    if bytes == again {
        return Ok(());
    }
    let offset = bytes.iter().zip(again).position(|(a, b)| a != b);
    Err(BlockError::NotCanonical {
        offset: offset.unwrap_or(bytes.len().min(again.len())),
        problem: "an item is not of its field's CBOR type, or is another spelling of its value"
            .into(),
    })
}

/// The byte ranges of the elements of an array inside canonical DAG-CBOR `bytes` (already
/// accepted by [`from_cbor`]), reached by following `keys` through nested maps; `None` where
/// that path is not there. Lets a decoder keep each element's own encoding.
pub(crate) fn array_items(
    bytes: &[u8],
    keys: &[&str],
) -> Result<Option<Vec<std::ops::Range<usize>>>, BlockError> {
    canonical::array_items(bytes, keys)
}

/// CBOR major type of an unsigned integer, for [`write_head`].
pub(crate) const MAJOR_UINT: u8 = 0;
/// CBOR major type of an array, for [`write_head`].
pub(crate) const MAJOR_ARRAY: u8 = 4;
/// CBOR major type of a map, for [`write_head`].
pub(crate) const MAJOR_MAP: u8 = 5;

/// Appends a CBOR text string (a map key, for encoders that splice items, like
/// [`write_head`]).
pub(crate) fn write_text(out: &mut Vec<u8>, text: &str) {
    write_head(out, 3, text.len() as u64);
    out.extend_from_slice(text.as_bytes());
}

/// Appends the head of a CBOR item of `major` type with argument `arg` (an integer's value, a
/// length, an element count), in its shortest form as canonical DAG-CBOR requires. For
/// encoders that splice already encoded items into a larger one.
pub(crate) fn write_head(out: &mut Vec<u8>, major: u8, arg: u64) {
    let major = major << 5;
    if arg < 24 {
        out.push(major | arg as u8);
    } else if let Ok(arg) = u8::try_from(arg) {
        out.extend([major | 24, arg]);
    } else if let Ok(arg) = u16::try_from(arg) {
        out.push(major | 25);
        out.extend(arg.to_be_bytes());
    } else if let Ok(arg) = u32::try_from(arg) {
        out.push(major | 26);
        out.extend(arg.to_be_bytes());
    } else {
        out.push(major | 27);
        out.extend(arg.to_be_bytes());
    }
}

/// Decoding of bytes this process encoded itself and holds in memory (never outside input):
/// skips the canonical-form pass of [`from_cbor`], which those bytes passed or never needed.
pub(crate) fn from_own_cbor<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, BlockError> {
    serde_ipld_dagcbor::from_slice(bytes).map_err(|e| BlockError::Decode(e.to_string()))
}

/// Deserialises a CBOR text string and nothing else. The CBOR library's own string decoding
/// checks the major type loosely (it also reads a byte string, or an integer's argument as a
/// length), which would give a text field other encodings; asking for "any" value makes it
/// report the item's real type, and only a text string is accepted.
///
/// Use with `#[serde(deserialize_with = "crate::block::text")]`.
pub(crate) fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    struct Text;
    impl serde::de::Visitor<'_> for Text {
        type Value = String;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a text string")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }
        fn visit_string<E: serde::de::Error>(self, v: String) -> Result<String, E> {
            Ok(v)
        }
    }
    deserializer.deserialize_any(Text)
}

/// Deserialises an optional field that, when present, must hold a value: VNS omits absent
/// fields and never writes `null` for them, so `null` is refused instead of read as absent
/// (which would give one value two encodings). Use with `#[serde(default, deserialize_with)]`.
pub(crate) fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

/// Deserialises an optional field that must be written, as `null` when absent (tree nodes
/// write their empty links that way): without this, serde would also read a missing field as
/// absent, a second encoding of the same value.
pub(crate) fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    Option::<T>::deserialize(deserializer)
}

impl Block {
    /// Encodes `value` as DAG-CBOR and names it.
    pub fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Block, BlockError> {
        let bytes = to_cbor(value)?;
        Ok(Block { cid: cid_of(&bytes), bytes })
    }

    /// Checks that `bytes` hash to `cid` (a block read from storage or a peer).
    pub fn verify(cid: Cid, bytes: Vec<u8>) -> Result<Block, BlockError> {
        if cid.version() != cid::Version::V1
            || cid.codec() != DAG_CBOR
            || cid.hash().code() != BLAKE3_256
        {
            return Err(BlockError::UnsupportedCid { cid: cid.to_string() });
        }
        if cid.hash().digest() != hash(&bytes) {
            return Err(BlockError::HashMismatch { cid: cid.to_string() });
        }
        Ok(Block { cid, bytes })
    }

    /// Decodes the block's bytes.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, BlockError> {
        from_cbor(&self.bytes)
    }
}

#[cfg(test)]
mod tests;
