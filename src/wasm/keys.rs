//! The `Keys` class: an Ed25519 keypair whose public half, as a peer id, is the owner string.

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

use super::error::{coded, invalid, JsResult};
use crate::identity::Keypair;

/// An owner's keypair. The secret never leaves wasm unless `secret()` is called.
///
/// ```ts
/// const keys = Keys.generate();
/// const again = Keys.fromSecret(keys.secret());
/// console.log(again.peerId === keys.peerId); // true
/// ```
#[wasm_bindgen]
pub struct Keys {
    pub(crate) key: Keypair,
}

#[wasm_bindgen]
impl Keys {
    /// A fresh keypair from the platform's secure randomness (`crypto.getRandomValues`).
    pub fn generate() -> JsResult<Keys> {
        super::init();
        Ok(Keys { key: Keypair::generate().map_err(coded)? })
    }

    /// The keypair with this 32-byte secret (as exported by `secret()`).
    #[wasm_bindgen(js_name = fromSecret)]
    pub fn from_secret(secret: &[u8]) -> JsResult<Keys> {
        super::init();
        let secret: &[u8; 32] =
            secret.try_into().map_err(|_| invalid("secret", "must be exactly 32 bytes"))?;
        Ok(Keys { key: Keypair::from_secret(secret) })
    }

    /// The 32-byte secret, to store and later pass to `fromSecret`.
    pub fn secret(&self) -> Uint8Array {
        Uint8Array::from(self.key.secret_bytes().as_slice())
    }

    /// The owner string: the public key as a libp2p peer id (`12D3KooW…`).
    #[wasm_bindgen(getter, js_name = peerId)]
    pub fn peer_id(&self) -> String {
        self.key.public().to_peer_id()
    }
}
