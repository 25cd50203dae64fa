//! Proof-of-work bound to the claim it protects.
//!
//! The hash commits to the name, the owner key and the registration timestamp, so work done for
//! one claim cannot be reused for another owner, another name, or another time (and cannot be
//! precomputed for all time, since the timestamp must be recent to be accepted).
//!
//! ```
//! use std::ops::ControlFlow;
//! use vns::{identity::Keypair, name::Name, pow};
//! let name = Name::parse("alice").unwrap();
//! let owner = Keypair::from_secret(&[7u8; 32]).public();
//! let nonce = pow::solve(&name, &owner, 1_700_000_000_000, 8, |_| ControlFlow::Continue(())).unwrap();
//! assert!(pow::verify(&name, &owner, 1_700_000_000_000, nonce, 8).is_ok());
//! ```

use std::ops::ControlFlow;

use crate::identity::PublicKey;
use crate::name::Name;

/// Domain separator, so these hashes can never collide with another BLAKE3 use in VNS.
pub const DOMAIN: &[u8] = b"vns/pow/v1\0";

/// How many attempts [`solve`] makes between two progress callbacks: small enough for a
/// responsive progress bar and cancel button, large enough that the callback costs nothing.
pub const PROGRESS_INTERVAL: u64 = 4096;

/// Highest difficulty [`solve`] attempts: beyond 64 bits the 2^64 nonces are unlikely to
/// contain a solution, so the solver refuses instead of spinning forever.
pub const MAX_SOLVABLE_DIFFICULTY: u8 = 64;

/// Why a proof-of-work was refused or not found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PowError {
    /// The hash has fewer leading zero bits than the network requires.
    #[error("proof-of-work has {found} leading zero bits, {required} are required")]
    Insufficient {
        /// Bits required by the network.
        required: u8,
        /// Bits the hash has.
        found: u32,
    },
    /// The progress callback asked the solver to stop.
    #[error("proof-of-work search was cancelled")]
    Cancelled,
    /// The difficulty is above [`MAX_SOLVABLE_DIFFICULTY`].
    #[error("difficulty {difficulty} is above the solvable maximum of {MAX_SOLVABLE_DIFFICULTY}")]
    DifficultyTooHigh {
        /// The requested difficulty.
        difficulty: u8,
    },
    /// Every nonce was tried without success.
    #[error("all 2^64 nonces tried without reaching difficulty {difficulty}")]
    Exhausted {
        /// The requested difficulty.
        difficulty: u8,
    },
}

impl PowError {
    /// Stable machine-readable code, e.g. `pow.insufficient`.
    ///
    /// ```
    /// assert_eq!(vns::pow::PowError::Cancelled.code(), "pow.cancelled");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            PowError::Insufficient { .. } => "pow.insufficient",
            PowError::Cancelled => "pow.cancelled",
            PowError::DifficultyTooHigh { .. } => "pow.difficulty_too_high",
            PowError::Exhausted { .. } => "pow.exhausted",
        }
    }
}

/// Solver progress, reported every [`PROGRESS_INTERVAL`] attempts.
///
/// ```
/// let p = vns::pow::Progress { attempts: 4096, expected: 256.0 };
/// assert!(p.attempts as f64 > p.expected);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// Nonces tried so far.
    pub attempts: u64,
    /// Expected number of attempts for this difficulty (2^difficulty).
    pub expected: f64,
}

/// Longest encoded input: domain, length byte, name, key, timestamp, nonce.
const MAX_INPUT: usize = DOMAIN.len() + 1 + u8::MAX as usize + 32 + 8 + 8;

/// The hash input for one claim, built once; only the trailing nonce changes per attempt.
struct Input {
    buf: [u8; MAX_INPUT],
    len: usize,
}

impl Input {
    fn new(name: &Name, owner: &PublicKey, timestamp_ms: u64) -> Input {
        // Names are at most 67 bytes by construction; clamping keeps the length prefix honest
        // (and this function panic-free) even if that ever changed.
        let name = name.as_str().as_bytes();
        let name = &name[..name.len().min(u8::MAX as usize)];
        let mut buf = [0u8; MAX_INPUT];
        let mut len = 0;
        let name_len = [name.len() as u8];
        for part in [DOMAIN, &name_len, name, owner.as_bytes(), &timestamp_ms.to_be_bytes()] {
            buf[len..len + part.len()].copy_from_slice(part);
            len += part.len();
        }
        Input { buf, len: len + 8 }
    }

    fn hash(&mut self, nonce: u64) -> [u8; 32] {
        self.buf[self.len - 8..self.len].copy_from_slice(&nonce.to_be_bytes());
        *blake3::hash(&self.buf[..self.len]).as_bytes()
    }
}

/// BLAKE3 over `DOMAIN || len(name) as u8 || name || owner (32 bytes) || timestamp_ms (u64 BE)
/// || nonce (u64 BE)`: fixed-width fields and a length-prefixed name make the encoding
/// unambiguous.
///
/// ```
/// use vns::{identity::Keypair, name::Name, pow::pow_hash};
/// let name = Name::parse("alice").unwrap();
/// let owner = Keypair::from_secret(&[7u8; 32]).public();
/// assert_ne!(pow_hash(&name, &owner, 1, 0), pow_hash(&name, &owner, 1, 1));
/// ```
pub fn pow_hash(name: &Name, owner: &PublicKey, timestamp_ms: u64, nonce: u64) -> [u8; 32] {
    Input::new(name, owner, timestamp_ms).hash(nonce)
}

/// Number of leading zero bits of `hash` (256 for all zeros).
///
/// ```
/// use vns::pow::leading_zero_bits;
/// let mut h = [0u8; 32];
/// h[1] = 0x10;
/// assert_eq!(leading_zero_bits(&h), 11);
/// ```
pub fn leading_zero_bits(hash: &[u8; 32]) -> u32 {
    let mut bits = 0;
    for byte in hash {
        bits += byte.leading_zeros();
        if *byte != 0 {
            break;
        }
    }
    bits
}

/// Checks that `nonce` gives the claim at least `difficulty` leading zero bits.
///
/// ```
/// use vns::{identity::Keypair, name::Name, pow};
/// let name = Name::parse("alice").unwrap();
/// let owner = Keypair::from_secret(&[7u8; 32]).public();
/// assert!(pow::verify(&name, &owner, 1, 12345, 0).is_ok());
/// assert_eq!(pow::verify(&name, &owner, 1, 12345, 200).unwrap_err().code(), "pow.insufficient");
/// ```
pub fn verify(
    name: &Name,
    owner: &PublicKey,
    timestamp_ms: u64,
    nonce: u64,
    difficulty: u8,
) -> Result<(), PowError> {
    let found = leading_zero_bits(&pow_hash(name, owner, timestamp_ms, nonce));
    if found < u32::from(difficulty) {
        return Err(PowError::Insufficient { required: difficulty, found });
    }
    Ok(())
}

/// Tries the `count` nonces from `start_nonce` (wrapping at `u64::MAX`) and returns the first
/// that meets `difficulty`. Bounded, so a Web Worker can run one chunk, post progress, yield to
/// its event loop and continue.
///
/// ```
/// use vns::{identity::Keypair, name::Name, pow};
/// let name = Name::parse("alice").unwrap();
/// let owner = Keypair::from_secret(&[7u8; 32]).public();
/// let mut start = 0;
/// let nonce = loop {
///     if let Some(nonce) = pow::search(&name, &owner, 1, 8, start, 1000) {
///         break nonce;
///     }
///     start += 1000;
/// };
/// assert!(pow::verify(&name, &owner, 1, nonce, 8).is_ok());
/// ```
pub fn search(
    name: &Name,
    owner: &PublicKey,
    timestamp_ms: u64,
    difficulty: u8,
    start_nonce: u64,
    count: u64,
) -> Option<u64> {
    let mut input = Input::new(name, owner, timestamp_ms);
    let required = u32::from(difficulty);
    (0..count)
        .map(|i| start_nonce.wrapping_add(i))
        .find(|&nonce| leading_zero_bits(&input.hash(nonce)) >= required)
}

/// Searches nonces from 0 until one meets `difficulty`, calling `on_progress` every
/// [`PROGRESS_INTERVAL`] attempts; returning `ControlFlow::Break(())` from it cancels.
///
/// ```
/// use std::ops::ControlFlow;
/// use vns::{identity::Keypair, name::Name, pow};
/// let name = Name::parse("alice").unwrap();
/// let owner = Keypair::from_secret(&[7u8; 32]).public();
/// let err = pow::solve(&name, &owner, 1, 60, |_| ControlFlow::Break(())).unwrap_err();
/// assert_eq!(err, pow::PowError::Cancelled);
/// ```
pub fn solve(
    name: &Name,
    owner: &PublicKey,
    timestamp_ms: u64,
    difficulty: u8,
    mut on_progress: impl FnMut(Progress) -> ControlFlow<()>,
) -> Result<u64, PowError> {
    if difficulty > MAX_SOLVABLE_DIFFICULTY {
        return Err(PowError::DifficultyTooHigh { difficulty });
    }
    let expected = 2f64.powi(i32::from(difficulty));
    let mut start = 0u64;
    loop {
        let count = PROGRESS_INTERVAL.min(u64::MAX - start);
        if let Some(nonce) = search(name, owner, timestamp_ms, difficulty, start, count) {
            return Ok(nonce);
        }
        // `start + count` cannot overflow: `count` was clamped to the room left.
        start += count;
        if start == u64::MAX {
            // The last nonce, u64::MAX itself, is one search away.
            return search(name, owner, timestamp_ms, difficulty, start, 1)
                .ok_or(PowError::Exhausted { difficulty });
        }
        if on_progress(Progress { attempts: start, expected }).is_break() {
            return Err(PowError::Cancelled);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::Keypair;

    const TS: u64 = 1_700_000_000_000;

    fn alice() -> Name {
        Name::parse("alice").unwrap()
    }

    fn owner(seed: u8) -> PublicKey {
        Keypair::from_secret(&[seed; 32]).public()
    }

    fn solve_quietly(name: &Name, key: &PublicKey, ts: u64, difficulty: u8) -> u64 {
        solve(name, key, ts, difficulty, |_| ControlFlow::Continue(())).unwrap()
    }

    #[test]
    fn leading_zero_bits_edges() {
        assert_eq!(leading_zero_bits(&[0; 32]), 256);
        assert_eq!(leading_zero_bits(&[0xff; 32]), 0);
        let mut h = [0u8; 32];
        h[0] = 0x80;
        assert_eq!(leading_zero_bits(&h), 0);
        h[0] = 0x01;
        assert_eq!(leading_zero_bits(&h), 7);
        h[0] = 0;
        h[1] = 0x80;
        assert_eq!(leading_zero_bits(&h), 8);
        h[1] = 0;
        h[31] = 1;
        assert_eq!(leading_zero_bits(&h), 255);
        // Bits after the first one do not count.
        let mut h = [0xffu8; 32];
        h[0] = 0;
        h[1] = 0x0f;
        assert_eq!(leading_zero_bits(&h), 12);
    }

    #[test]
    fn hash_encoding_is_pinned() {
        // The exact byte layout, spelled out independently of `Input`.
        let name = alice();
        let key = owner(7);
        let mut bytes = DOMAIN.to_vec();
        bytes.push(9);
        bytes.extend_from_slice(b"alice.vfs");
        bytes.extend_from_slice(key.as_bytes());
        bytes.extend_from_slice(&TS.to_be_bytes());
        bytes.extend_from_slice(&42u64.to_be_bytes());
        assert_eq!(pow_hash(&name, &key, TS, 42), *blake3::hash(&bytes).as_bytes());
        // Every field changes the hash.
        let base = pow_hash(&name, &key, TS, 42);
        assert_ne!(base, pow_hash(&Name::parse("alicf").unwrap(), &key, TS, 42));
        assert_ne!(base, pow_hash(&name, &owner(8), TS, 42));
        assert_ne!(base, pow_hash(&name, &key, TS + 1, 42));
        assert_ne!(base, pow_hash(&name, &key, TS, 43));
    }

    #[test]
    fn solve_then_verify() {
        let name = alice();
        let key = owner(7);
        let nonce = solve_quietly(&name, &key, TS, 8);
        verify(&name, &key, TS, nonce, 8).unwrap();
        assert!(leading_zero_bits(&pow_hash(&name, &key, TS, nonce)) >= 8);
        // The solver returns the first solution, so no smaller nonce works.
        assert_eq!(search(&name, &key, TS, 8, 0, nonce), None);
    }

    #[test]
    fn work_is_not_reusable() {
        let name = alice();
        let key = owner(7);
        let difficulty = 12;
        let nonce = solve_quietly(&name, &key, TS, difficulty);
        verify(&name, &key, TS, nonce, difficulty).unwrap();
        let other_name = Name::parse("bob").unwrap();
        for (n, k, ts) in [(&other_name, &key, TS), (&name, &owner(8), TS), (&name, &key, TS + 1)] {
            let err = verify(n, k, ts, nonce, difficulty).unwrap_err();
            assert_eq!(err.code(), "pow.insufficient");
        }
    }

    #[test]
    fn insufficient_names_both_counts() {
        let name = alice();
        let key = owner(7);
        let found = leading_zero_bits(&pow_hash(&name, &key, TS, 0));
        let err = verify(&name, &key, TS, 0, 255).unwrap_err();
        assert_eq!(err, PowError::Insufficient { required: 255, found });
        let message = err.to_string();
        assert!(message.contains("255") && message.contains(&found.to_string()), "{message}");
    }

    #[test]
    fn difficulty_zero_always_passes() {
        let name = alice();
        for nonce in [0, 1, u64::MAX] {
            verify(&name, &owner(7), TS, nonce, 0).unwrap();
        }
        assert_eq!(solve_quietly(&name, &owner(7), TS, 0), 0);
        assert_eq!(search(&name, &owner(7), TS, 0, 5, 1), Some(5));
    }

    #[test]
    fn progress_and_cancel() {
        let name = alice();
        let key = owner(7);
        let mut reports = Vec::new();
        let err = solve(&name, &key, TS, 64, |p| {
            reports.push(p);
            if reports.len() == 3 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .unwrap_err();
        assert_eq!(err, PowError::Cancelled);
        assert_eq!(err.code(), "pow.cancelled");
        let attempts: Vec<u64> = reports.iter().map(|p| p.attempts).collect();
        assert_eq!(attempts, [PROGRESS_INTERVAL, 2 * PROGRESS_INTERVAL, 3 * PROGRESS_INTERVAL]);
        assert!(reports.iter().all(|p| p.expected == 2f64.powi(64)));
    }

    #[test]
    fn difficulty_above_solvable_is_refused() {
        let err = solve(&alice(), &owner(7), TS, 65, |_| ControlFlow::Continue(())).unwrap_err();
        assert_eq!(err, PowError::DifficultyTooHigh { difficulty: 65 });
        assert_eq!(err.code(), "pow.difficulty_too_high");
        assert_eq!(PowError::Exhausted { difficulty: 64 }.code(), "pow.exhausted");
    }

    #[test]
    fn search_is_bounded_and_wraps() {
        let name = alice();
        let key = owner(7);
        assert_eq!(search(&name, &key, TS, 8, 0, 0), None);
        // A chunk that crosses u64::MAX continues at 0 instead of overflowing.
        let nonce = solve_quietly(&name, &key, TS, 4);
        let found = search(&name, &key, TS, 4, u64::MAX - 1, nonce + 3);
        let wrapped = [u64::MAX - 1, u64::MAX]
            .into_iter()
            .find(|&n| verify(&name, &key, TS, n, 4).is_ok())
            .unwrap_or(nonce);
        assert_eq!(found, Some(wrapped));
    }
}
