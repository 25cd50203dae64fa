//! Recovery phrases across the boundary: `generatePhrase`, `keysFromPhrase`, `phraseOf`.

use wasm_bindgen::prelude::*;

use super::error::{coded, Coded, JsResult};
use super::keys::Keys;
use crate::phrase::{self, PhraseError};

impl Coded for PhraseError {
    fn code(&self) -> &'static str {
        PhraseError::code(self)
    }
}

/// A fresh recovery phrase: 24 BIP-39 English words standing for a new secret key.
///
/// ```ts
/// const phrase = generatePhrase();
/// const keys = keysFromPhrase(phrase);
/// ```
#[wasm_bindgen(js_name = generatePhrase)]
pub fn generate_phrase() -> JsResult<String> {
    super::init();
    phrase::generate_phrase().map_err(coded)
}

/// The keys a phrase stands for. Throws `phrase.bad_word` (naming the word),
/// `phrase.bad_length` (not 24 words) or `phrase.bad_checksum`.
#[wasm_bindgen(js_name = keysFromPhrase)]
pub fn keys_from_phrase(phrase: &str) -> JsResult<Keys> {
    super::init();
    Ok(Keys { key: phrase::keys_from_phrase(phrase).map_err(coded)? })
}

/// The recovery phrase of `keys` (24 words; anyone who has it has the key).
///
/// ```ts
/// phraseOf(keysFromPhrase(words)) === words; // true
/// ```
#[wasm_bindgen(js_name = phraseOf)]
pub fn phrase_of(keys: &Keys) -> String {
    super::init();
    phrase::phrase_of(&keys.key)
}
