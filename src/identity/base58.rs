//! Base58btc text of short byte strings (peer ids), in one pass of independent multiplications.
//!
//! The textbook encoder (the `bs58` crate's) feeds the input in one byte at a time and
//! carries it through every base-58 digit made so far: about 1,000 dependent divisions for a
//! 38-byte peer id, and on wasm32 that was the largest cost of answering a `resolve`. Here
//! the input is read as 32-bit limbs, each limb's weight `2^(32 i)` is known in advance in
//! radix `58^4` (a table built at compile time), so the digits are sums of products with no
//! dependency between them, followed by one carry pass: about 150 multiplications and 15
//! divisions for a peer id. The text is the same as `bs58`'s for every input (a property test
//! checks it); inputs longer than the table covers go to `bs58`.

/// One digit of the intermediate radix: four base-58 digits. Below 2^24, so a 32-bit limb
/// times a digit stays below 2^56 and sixteen such products still fit a `u64`.
const RADIX: u64 = 58 * 58 * 58 * 58;

/// Longest input, in bytes after its leading zeros, that the table covers.
const MAX_BYTES: usize = 64;

/// 32-bit limbs of the longest input.
const LIMBS: usize = MAX_BYTES / 4;

/// Digits of radix [`RADIX`] that any value below `2^(8 * MAX_BYTES)` needs:
/// `ceil(512 / log2(58^4))`, with log2(58^4) ≈ 23.43.
const DIGITS: usize = 22;

/// The Bitcoin base58 alphabet (no `0`, `O`, `I`, `l`).
const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// `WEIGHTS[i]` is `2^(32 i)` in radix [`RADIX`], least significant digit first.
static WEIGHTS: [[u32; DIGITS]; LIMBS] = weights();

const fn weights() -> [[u32; DIGITS]; LIMBS] {
    let mut table = [[0u32; DIGITS]; LIMBS];
    table[0][0] = 1;
    let mut i = 1;
    while i < LIMBS {
        // table[i] = table[i - 1] * 2^32, carried digit by digit.
        let mut carry = 0u64;
        let mut j = 0;
        while j < DIGITS {
            let x = ((table[i - 1][j] as u64) << 32) + carry;
            table[i][j] = (x % RADIX) as u32;
            carry = x / RADIX;
            j += 1;
        }
        // 2^(32 (LIMBS - 1)) < RADIX^DIGITS: nothing is left over (checked at compile time).
        assert!(carry == 0);
        i += 1;
    }
    table
}

/// Appends the base58btc text of `bytes` to `out`, as `bs58::encode(bytes).into_string()`
/// spells it: one `1` per leading zero byte, then the digits of the rest as a big-endian
/// number.
pub(super) fn push_encoded(bytes: &[u8], out: &mut String) {
    let zeros = bytes.iter().take_while(|b| **b == 0).count();
    let value = &bytes[zeros..];
    if value.len() > MAX_BYTES {
        out.push_str(&bs58::encode(bytes).into_string());
        return;
    }
    // Limbs, least significant first; the first (most significant) one may be partial.
    let mut limbs = [0u32; LIMBS];
    let count = value.len().div_ceil(4);
    for (limb, chunk) in limbs.iter_mut().zip(value.rchunks(4)) {
        *limb = chunk.iter().fold(0, |acc, b| (acc << 8) | u32::from(*b));
    }
    // A value below 2^(32 count) has at most ceil(32 count / 23.43) digits; 23 undercounts
    // log2(RADIX), so this bound is never short.
    let digits = (32 * count).div_ceil(23).min(DIGITS);
    let mut sums = [0u64; DIGITS];
    for (limb, weight) in limbs[..count].iter().zip(&WEIGHTS) {
        for (sum, w) in sums[..digits].iter_mut().zip(weight) {
            *sum += u64::from(*limb) * u64::from(*w);
        }
    }
    // Base-58 digits, least significant first.
    let mut digits_out = [0u8; DIGITS * 4];
    let mut carry = 0u64;
    for (sum, four) in sums[..digits].iter().zip(digits_out.chunks_exact_mut(4)) {
        let x = sum + carry;
        let mut digit = (x % RADIX) as u32;
        carry = x / RADIX;
        for slot in four {
            *slot = (digit % 58) as u8;
            digit /= 58;
        }
    }
    let significant = digits_out[..digits * 4].iter().rposition(|d| *d != 0).map_or(0, |i| i + 1);
    out.reserve(zeros + significant);
    out.extend(std::iter::repeat_n('1', zeros));
    out.extend(
        digits_out[..significant].iter().rev().map(|d| char::from(ALPHABET[usize::from(*d)])),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn encode(bytes: &[u8]) -> String {
        let mut text = String::new();
        push_encoded(bytes, &mut text);
        text
    }

    #[test]
    fn known_answers() {
        // Bitcoin's base58 test vectors (base58_encode_decode.json in Bitcoin Core).
        let vectors: [(&[u8], &str); 10] = [
            (b"", ""),
            (&[0x61], "2g"),
            (&[0x62, 0x62, 0x62], "a3gV"),
            (&[0x63, 0x63, 0x63], "aPEr"),
            (b"simply a long string", "2cFupjhnEsSn59qHXstmK2ffpLv2"),
            (
                &[
                    0x00, 0xeb, 0x15, 0x23, 0x1d, 0xfc, 0xeb, 0x60, 0x92, 0x58, 0x86, 0xb6, 0x7d,
                    0x06, 0x52, 0x99, 0x92, 0x59, 0x15, 0xae, 0xb1, 0x72, 0xc0, 0x66, 0x47,
                ],
                "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L",
            ),
            (&[0x51, 0x6b, 0x6f, 0xcd, 0x0f], "ABnLTmg"),
            (&[0x00, 0x00, 0x00, 0x28, 0x7f, 0xb4, 0xcd], "111233QC4"),
            (&[0x00; 10], "1111111111"),
            (&[0xff; 4], "7YXq9G"),
        ];
        for (bytes, text) in vectors {
            assert_eq!(encode(bytes), text, "{bytes:02x?}");
        }
    }

    #[test]
    fn the_largest_values_the_table_covers_and_beyond() {
        for len in [MAX_BYTES - 1, MAX_BYTES, MAX_BYTES + 1, 2 * MAX_BYTES] {
            let ones = vec![0xffu8; len];
            assert_eq!(encode(&ones), bs58::encode(&ones).into_string(), "{len} bytes of ff");
            let mut zeros_then_ones = vec![0u8; 3];
            zeros_then_ones.extend(&ones);
            assert_eq!(encode(&zeros_then_ones), bs58::encode(&zeros_then_ones).into_string());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        /// Any bytes, any length up to twice what the table covers (so the fallback is
        /// crossed too), with a run of leading zeros as often as not.
        #[test]
        fn same_text_as_bs58(zeros in 0usize..4, rest in proptest::collection::vec(any::<u8>(), 0..=2 * MAX_BYTES)) {
            let mut bytes = vec![0u8; zeros];
            bytes.extend(rest);
            prop_assert_eq!(encode(&bytes), bs58::encode(&bytes).into_string());
        }

        /// Peer ids: the fixed prefix and any 32-byte key.
        #[test]
        fn peer_ids_as_bs58(key in any::<[u8; 32]>()) {
            let id = crate::identity::PublicKey(key).peer_id_bytes();
            prop_assert_eq!(encode(&id), bs58::encode(&id).into_string());
        }
    }
}
