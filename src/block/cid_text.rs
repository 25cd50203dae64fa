//! The text of a CID: written straight into a string as `Cid::to_string` spells it (base32,
//! lower case, no padding, behind the multibase prefix `b`; a CIDv0 in bare base58btc)
//! without its three intermediate buffers (answers carry a CID each, so this is on the path
//! of every uncached `resolve`), and read back exactly, in the bases of [`super::bases`].

use cid::{Cid, Version};

use super::bases::{decode_multibase, push_base32};

/// Longest binary CID written here: two varints (at most 10 bytes each) and a multihash of
/// up to 64 digest bytes behind its own two varints.
const MAX_CID_BYTES: usize = 2 * 10 + 2 * 10 + 64;

/// Appends the text of `cid` to `out`, as `cid.to_string()` spells it.
///
/// ```
/// let cid = vns::block::cid_of(b"x");
/// let mut text = String::from("entry ");
/// vns::block::push_cid_text(&cid, &mut text);
/// assert_eq!(text, format!("entry {cid}"));
/// ```
pub fn push_cid_text(cid: &Cid, out: &mut String) {
    let mut buf = [0u8; MAX_CID_BYTES];
    let written = match cid.version() {
        Version::V1 => cid.write_bytes(&mut buf[..]).ok(),
        Version::V0 => None,
    };
    let Some(bytes) = written.and_then(|len| buf.get(..len)) else {
        // CIDv0 (base58btc, no prefix) is not on any hot path: the crate's own text.
        out.push_str(&cid.to_string());
        return;
    };
    out.reserve(1 + (bytes.len() * 8).div_ceil(5));
    out.push('b');
    push_base32(bytes, out);
}

/// The text of `cid` (see [`push_cid_text`]).
///
/// ```
/// let cid = vns::block::cid_of(b"x");
/// assert_eq!(vns::block::cid_text(&cid), cid.to_string());
/// ```
pub fn cid_text(cid: &Cid) -> String {
    let mut text = String::new();
    push_cid_text(cid, &mut text);
    text
}

/// Reads a CID from its text exactly: a CIDv0 (`Qm…`, base58btc) or a multibase CIDv1 in a
/// base [`decode_multibase`] reads. Unlike `Cid::try_from(&str)`, bytes after the CID and
/// text before it (`/ipfs/…`) are refused, so nothing in the input is silently dropped.
///
/// ```
/// let cid = vns::block::cid_of(b"x");
/// assert_eq!(vns::block::parse_cid_text(&cid.to_string()).unwrap(), cid);
/// assert!(vns::block::parse_cid_text(&format!("/ipfs/{cid}")).is_err());
/// ```
pub fn parse_cid_text(text: &str) -> Result<Cid, String> {
    let bytes = if Version::is_v0_str(text) {
        bs58::decode(text).into_vec().map_err(|e| e.to_string())?
    } else {
        decode_multibase(text).map_err(|e| e.to_string())?
    };
    let mut rest = bytes.as_slice();
    let cid = Cid::read_bytes(&mut rest).map_err(|e| e.to_string())?;
    if !rest.is_empty() {
        return Err(format!("{} trailing bytes after the CID", rest.len()));
    }
    Ok(cid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use multihash::Multihash;
    use proptest::prelude::*;

    #[test]
    fn known_answers() {
        // docs/protocol.md's CIDs: DAG-CBOR, BLAKE3-256.
        let cid = crate::block::cid_of(b"");
        assert!(cid_text(&cid).starts_with("bafyr4i"), "{}", cid_text(&cid));
        assert_eq!(cid_text(&cid), cid.to_string());
        let v0: Cid = "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N".parse().unwrap();
        assert_eq!(cid_text(&v0), "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N");
        let dag_pb = "bafybeie5nqv6kd3qnfjupgvz34woh3oksc3iau6abmyajn7qvtf6d2ho34";
        assert_eq!(cid_text(&dag_pb.parse().unwrap()), dag_pb);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        /// Any codec, any multihash code and any digest length up to 64 bytes (so every
        /// length modulo 5 of the binary CID is crossed).
        #[test]
        fn same_text_as_the_cid_crate(
            codec in prop_oneof![Just(0x71u64), Just(0x55), Just(0x72), any::<u64>()],
            code in prop_oneof![Just(0x1eu64), Just(0x12), Just(0x00), any::<u64>()],
            digest in proptest::collection::vec(any::<u8>(), 0..=64),
        ) {
            let cid = Cid::new_v1(codec, Multihash::<64>::wrap(code, &digest).unwrap());
            prop_assert_eq!(cid_text(&cid), cid.to_string());
        }
    }
}
