//! The multibase encodings VNS reads (CIDs, peer ids in CID form, certificate hashes), and
//! nothing more: the `multibase` crate decodes two dozen bases through one dispatch, which
//! linked all of them into the wasm (about 75 KB of code for encodings nobody sends).
//!
//! Read: base32 (`b`/`B`, RFC 4648 without padding, either case), base36 (`k`/`K`), base58btc
//! (`z`), base16 (`f`/`F`, either case) and base64url (`u`, RFC 4648 §5 without padding).
//! Every decoder is strict where `multibase` is: a length no encoder makes, or padding bits
//! that are not zero, is refused, so each byte string has one spelling per base.

/// RFC 4648 base32, lower case.
const BASE32: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// RFC 4648 §5 base64url.
const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base36 as multibase writes it (digits first).
const BASE36: &str = "0123456789abcdefghijklmnopqrstuvwxyz";

/// Why a multibase string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MultibaseError {
    /// Empty input: not even a base prefix.
    #[error("empty string, expected a multibase prefix")]
    Empty,
    /// A prefix of a base VNS does not read.
    #[error("multibase prefix {prefix:?} is not read here (base32 `b`, base36 `k`, base58btc `z`, base16 `f` or base64url `u`)")]
    UnsupportedBase {
        /// The prefix character.
        prefix: char,
    },
    /// The text after the prefix is not valid in its base.
    #[error("not valid {base}")]
    BadText {
        /// The base's name.
        base: &'static str,
    },
}

/// Appends `bytes` in RFC 4648 base32 (lower case, no padding) to `out`.
pub(crate) fn push_base32(bytes: &[u8], out: &mut String) {
    push_bits(bytes, 5, BASE32, out);
}

/// `bytes` in RFC 4648 §5 base64url, without padding.
pub(crate) fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity((bytes.len() * 4).div_ceil(3));
    push_bits(bytes, 6, BASE64URL, &mut out);
    out
}

/// Writes `bytes` as symbols of `width` bits (most significant first), the last one padded
/// with zero bits.
fn push_bits(bytes: &[u8], width: u32, alphabet: &[u8], out: &mut String) {
    let mask = (1u32 << width) - 1;
    let (mut acc, mut bits) = (0u32, 0u32);
    for byte in bytes {
        acc = (acc << 8) | u32::from(*byte);
        bits += 8;
        while bits >= width {
            bits -= width;
            out.push(char::from(alphabet[((acc >> bits) & mask) as usize]));
        }
        acc &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(char::from(alphabet[((acc << (width - bits)) & mask) as usize]));
    }
}

/// Reads symbols of `width` bits; `None` for a symbol outside the alphabet, a length that
/// leaves a whole symbol unused, or padding bits that are not zero.
fn read_bits(text: &str, width: u32, value: impl Fn(u8) -> Option<u32>) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * width as usize / 8);
    let (mut acc, mut bits) = (0u32, 0u32);
    for symbol in text.bytes() {
        acc = (acc << width) | value(symbol)?;
        bits += width;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    (bits < width && acc == 0).then_some(out)
}

fn base32_value(symbol: u8) -> Option<u32> {
    match symbol.to_ascii_lowercase() {
        c @ b'a'..=b'z' => Some(u32::from(c - b'a')),
        c @ b'2'..=b'7' => Some(u32::from(c - b'2') + 26),
        _ => None,
    }
}

fn base64url_value(symbol: u8) -> Option<u32> {
    BASE64URL.iter().position(|c| *c == symbol).map(|i| i as u32)
}

fn base16(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    let digit = |c: u8| char::from(c).to_digit(16);
    text.as_bytes()
        .chunks(2)
        .map(|pair| Some(((digit(pair[0])? << 4) | digit(pair[1])?) as u8))
        .collect()
}

/// Decodes a multibase string (its first character names the base) in one of the bases VNS
/// reads.
///
/// ```
/// use vns::block::{decode_multibase, MultibaseError};
/// assert_eq!(decode_multibase("bmfrgg").unwrap(), b"abc");
/// assert_eq!(decode_multibase("f616263").unwrap(), b"abc");
/// assert_eq!(decode_multibase("mYWJj").unwrap_err(), MultibaseError::UnsupportedBase { prefix: 'm' });
/// ```
pub fn decode_multibase(text: &str) -> Result<Vec<u8>, MultibaseError> {
    let prefix = text.chars().next().ok_or(MultibaseError::Empty)?;
    let rest = &text[prefix.len_utf8()..];
    let (base, bytes) = match prefix {
        'b' | 'B' => ("base32", read_bits(rest, 5, base32_value)),
        'u' => ("base64url", read_bits(rest, 6, base64url_value)),
        'f' | 'F' => ("base16", base16(rest)),
        'z' => ("base58btc", bs58::decode(rest).into_vec().ok()),
        'k' | 'K' => ("base36", base_x::decode(BASE36, &rest.to_ascii_lowercase()).ok()),
        prefix => return Err(MultibaseError::UnsupportedBase { prefix }),
    };
    bytes.ok_or(MultibaseError::BadText { base })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cid::multibase::{self, Base};
    use proptest::prelude::*;

    fn base32(bytes: &[u8]) -> String {
        let mut out = String::new();
        push_base32(bytes, &mut out);
        out
    }

    #[test]
    fn rfc4648_vectors() {
        let vectors: [(&str, &str, &str); 7] = [
            ("", "", ""),
            ("f", "my", "Zg"),
            ("fo", "mzxq", "Zm8"),
            ("foo", "mzxw6", "Zm9v"),
            ("foob", "mzxw6yq", "Zm9vYg"),
            ("fooba", "mzxw6ytb", "Zm9vYmE"),
            ("foobar", "mzxw6ytboi", "Zm9vYmFy"),
        ];
        for (plain, b32, b64) in vectors {
            assert_eq!(base32(plain.as_bytes()), b32);
            assert_eq!(base64url(plain.as_bytes()), b64);
            assert_eq!(decode_multibase(&format!("b{b32}")).unwrap(), plain.as_bytes());
            assert_eq!(
                decode_multibase(&format!("B{}", b32.to_uppercase())).unwrap(),
                plain.as_bytes()
            );
            assert_eq!(decode_multibase(&format!("u{b64}")).unwrap(), plain.as_bytes());
        }
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn non_canonical_and_garbage_text_is_refused() {
        let bad = |text: &str| decode_multibase(text).unwrap_err();
        // Lengths no encoder makes (a symbol left over) and non-zero padding bits.
        for text in ["ba", "bmzx", "bmzxw6y", "bmz", "bmza", "uZ", "uZh", "uZm9vYh", "f6", "f6g"] {
            assert!(matches!(bad(text), MultibaseError::BadText { .. }), "{text}");
        }
        // Symbols outside each alphabet, padding, separators.
        for text in ["bmy=", "bm1", "b m", "u+/", "uZg==", "z0OIl", "k!", "f 61", "bmé"] {
            assert!(matches!(bad(text), MultibaseError::BadText { .. }), "{text}");
        }
        assert_eq!(bad(""), MultibaseError::Empty);
        for prefix in ['m', 'M', 'U', 'v', 'h', 'Z', '0', '7', '9', 'p', 't', '\0', '🚀'] {
            assert_eq!(bad(&format!("{prefix}abc")), MultibaseError::UnsupportedBase { prefix });
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        /// What `multibase` writes, this reads back, in every base kept; and it accepts a
        /// base32 or base64url string exactly when `multibase` does.
        #[test]
        fn agrees_with_multibase(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
            for base in [Base::Base32Lower, Base::Base32Upper, Base::Base36Lower, Base::Base36Upper,
                Base::Base58Btc, Base::Base16Lower, Base::Base16Upper, Base::Base64Url] {
                let text = multibase::encode(base, &bytes);
                prop_assert_eq!(&decode_multibase(&text).unwrap(), &bytes, "{:?} {}", base, text);
            }
            prop_assert_eq!(format!("b{}", base32(&bytes)), multibase::encode(Base::Base32Lower, &bytes));
            prop_assert_eq!(format!("u{}", base64url(&bytes)), multibase::encode(Base::Base64Url, &bytes));
        }

        #[test]
        fn refuses_what_multibase_refuses(text in "[bBu][a-zA-Z2-7_=-]{0,12}") {
            prop_assert_eq!(decode_multibase(&text).ok(), multibase::decode(&text).ok().map(|(_, b)| b));
        }
    }
}
