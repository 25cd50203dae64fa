//! Recovery phrases: an owner's secret key as 24 BIP-39 English words.
//!
//! The phrase *is* the key: its 256 bits of BIP-39 entropy are the 32-byte Ed25519 secret,
//! byte for byte, and the 24th word carries BIP-39's 8-bit checksum (the first byte of
//! SHA-256 of the secret). Using the entropy rather than a BIP-39 seed (PBKDF2 of the words)
//! keeps the mapping two-way: any existing key, however it was made, has exactly one phrase,
//! so a key created before phrases existed can still be backed up, and a phrase always gives
//! back the same key. `docs/protocol.md` ("Recovery phrases") has the derivation and test
//! vectors.
//!
//! ```
//! use vns::{identity::Keypair, phrase};
//! let key = Keypair::from_secret(&[0; 32]);
//! let words = phrase::phrase_of(&key);
//! assert!(words.starts_with("abandon abandon"));
//! assert!(words.ends_with(" art"));
//! assert_eq!(phrase::keys_from_phrase(&words).unwrap().public(), key.public());
//! ```

use bip39::{Language, Mnemonic};

use crate::identity::{IdentityError, Keypair};

/// Words in a VNS recovery phrase: 24 words carry 256 bits, one Ed25519 secret.
pub const PHRASE_WORDS: usize = 24;

/// Why a phrase does not give a key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhraseError {
    /// A word is not in the BIP-39 English list.
    #[error("word {position} ({word:?}) is not a recovery-phrase word; check its spelling")]
    UnknownWord {
        /// Its position, from 1.
        position: usize,
        /// The word as given (lower-cased).
        word: String,
    },
    /// Not 24 words.
    #[error("a recovery phrase has {PHRASE_WORDS} words, this one has {count}")]
    WrongLength {
        /// How many words were given.
        count: usize,
    },
    /// Every word is known but the last one does not match the others.
    #[error("the words do not fit together (checksum); one of them is wrong or out of place")]
    BadChecksum,
    /// The platform's randomness failed while making a new phrase.
    #[error(transparent)]
    Rng(#[from] IdentityError),
}

impl PhraseError {
    /// Stable machine-readable code.
    ///
    /// ```
    /// assert_eq!(vns::phrase::keys_from_phrase("abandon").unwrap_err().code(), "phrase.bad_length");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            PhraseError::UnknownWord { .. } => "phrase.bad_word",
            PhraseError::WrongLength { .. } => "phrase.bad_length",
            PhraseError::BadChecksum => "phrase.bad_checksum",
            PhraseError::Rng(e) => e.code(),
        }
    }
}

/// The 24-word phrase of `key` (lower case, single spaces).
pub fn phrase_of(key: &Keypair) -> String {
    let secret = key.secret_bytes();
    Mnemonic::from_entropy_in(Language::English, &secret)
        .expect("32 bytes are valid BIP-39 entropy")
        .to_string()
}

/// A fresh phrase: the phrase of a fresh key from the platform's secure randomness.
pub fn generate_phrase() -> Result<String, PhraseError> {
    Ok(phrase_of(&Keypair::generate()?))
}

/// The key a phrase stands for. Case and runs of white space do not matter; anything else
/// does: an unknown word (`phrase.bad_word`, naming it), a count other than 24
/// (`phrase.bad_length`), or words whose checksum does not match (`phrase.bad_checksum`).
///
/// ```
/// use vns::phrase::keys_from_phrase;
/// let twenty_four = ["abandon"; 24].join(" ");
/// assert_eq!(keys_from_phrase(&twenty_four).unwrap_err().code(), "phrase.bad_checksum");
/// let typo = format!("{} abandn", ["abandon"; 23].join(" "));
/// assert_eq!(keys_from_phrase(&typo).unwrap_err().code(), "phrase.bad_word");
/// ```
pub fn keys_from_phrase(phrase: &str) -> Result<Keypair, PhraseError> {
    let words: Vec<String> = phrase.split_whitespace().map(str::to_lowercase).collect();
    // Words first: a typo is the likeliest mistake and its position is the most useful answer,
    // whatever the count.
    // `Language::find_word` is `#[inline]`: called from here it would link a second copy of
    // the word list (27 KB of wasm) into this crate. `words_by_prefix` is compiled in `bip39`
    // beside the copy `Mnemonic` uses; in the sorted list a word comes first among those it
    // prefixes.
    let known = |w: &str| Language::English.words_by_prefix(w).first() == Some(&w);
    if let Some((index, word)) = words.iter().enumerate().find(|(_, w)| !known(w)) {
        return Err(PhraseError::UnknownWord { position: index + 1, word: word.clone() });
    }
    if words.len() != PHRASE_WORDS {
        return Err(PhraseError::WrongLength { count: words.len() });
    }
    let mnemonic = Mnemonic::parse_in_normalized(Language::English, &words.join(" "))
        .map_err(|_| PhraseError::BadChecksum)?;
    let (entropy, len) = mnemonic.to_entropy_array();
    let secret: [u8; 32] = entropy[..len].try_into().map_err(|_| PhraseError::BadChecksum)?;
    Ok(Keypair::from_secret(&secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phrase_round_trips_to_the_same_key() {
        for seed in [0u8, 1, 0x7f, 0xff] {
            let key = Keypair::from_secret(&[seed; 32]);
            let phrase = phrase_of(&key);
            assert_eq!(phrase.split(' ').count(), PHRASE_WORDS);
            let again = keys_from_phrase(&phrase.to_uppercase().replace(' ', "  \n")).unwrap();
            assert_eq!(again.secret_bytes(), key.secret_bytes());
        }
    }

    /// The vectors of docs/protocol.md ("Recovery phrases"); `7f`, `80` and `ff` are BIP-39's.
    #[test]
    fn known_phrases() {
        let thrice = |eight: &str, last: &str| {
            let words = format!("{eight} {eight} {eight}");
            let mut words: Vec<&str> = words.split(' ').collect();
            *words.last_mut().unwrap() = last;
            words.join(" ")
        };
        let vectors = [
            (
                0x00,
                format!("{}art", "abandon ".repeat(23)),
                "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN",
            ),
            (
                0x01,
                thrice("absurd amount doctor acoustic avoid letter advice cage", "comic"),
                "12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5",
            ),
            (
                0x7f,
                thrice("legal winner thank year wave sausage worth useful", "title"),
                "12D3KooWMqnSBLeXmKrhaGGiH4wN6wRa58pkxE3aFawQ2GwhJ4Bc",
            ),
            (
                0x80,
                thrice("letter advice cage absurd amount doctor acoustic avoid", "bless"),
                "12D3KooWRFswFP2gD266y6zhmxuQnyLRKAArWdYTsap9gs1bWq3w",
            ),
            (
                0xff,
                format!("{}vote", "zoo ".repeat(23)),
                "12D3KooWHoSyTgntm77sXShoeX9uNkqKNMhHxKtskaHqnA54SrSG",
            ),
        ];
        for (byte, phrase, owner) in vectors {
            let key = Keypair::from_secret(&[byte; 32]);
            assert_eq!(phrase_of(&key), phrase, "{byte:02x}");
            let back = keys_from_phrase(&phrase).unwrap();
            assert_eq!(
                (back.secret_bytes(), back.public().to_peer_id()),
                ([byte; 32], owner.to_string())
            );
        }
    }

    #[test]
    fn a_generated_phrase_gives_a_key() {
        let phrase = generate_phrase().unwrap();
        assert!(keys_from_phrase(&phrase).is_ok());
        assert_ne!(phrase, generate_phrase().unwrap());
    }

    #[test]
    fn wrong_phrases_are_refused_with_their_code() {
        let good = phrase_of(&Keypair::from_secret(&[9; 32]));
        let words: Vec<&str> = good.split(' ').collect();
        let short = words[..12].join(" ");
        assert_eq!(keys_from_phrase(&short).unwrap_err().code(), "phrase.bad_length");
        assert_eq!(keys_from_phrase("").unwrap_err().code(), "phrase.bad_length");
        // A valid 12-word BIP-39 phrase is still the wrong length for a key.
        let twelve = format!("{} about", ["abandon"; 11].join(" "));
        assert_eq!(keys_from_phrase(&twelve).unwrap_err(), PhraseError::WrongLength { count: 12 });
        let mut swapped = words.clone();
        swapped.swap(0, 1);
        if swapped != words {
            assert_eq!(
                keys_from_phrase(&swapped.join(" ")).unwrap_err().code(),
                "phrase.bad_checksum"
            );
        }
        let mut typo = words.clone();
        typo[4] = "zebraa";
        let err = keys_from_phrase(&typo.join(" ")).unwrap_err();
        assert_eq!(err, PhraseError::UnknownWord { position: 5, word: "zebraa".into() });
        assert!(err.to_string().contains("word 5"));
        let garbage = "\u{0}\u{ff}\u{202e} ☃ 12D3KooW";
        assert_eq!(keys_from_phrase(garbage).unwrap_err().code(), "phrase.bad_word");
    }
}
