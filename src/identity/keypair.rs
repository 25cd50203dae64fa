//! An Ed25519 signing key: generated or restored from its secret, and signing.

use std::fmt;

use ed25519_dalek::{Signer, SigningKey};
use rand_core::{OsRng, RngCore};

use super::{IdentityError, PublicKey, SIGNATURE_LEN};

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
