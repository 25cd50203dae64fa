//! Network parameters: the numbers every node of one network must agree on.
//!
//! Two nodes with different parameters would disagree about which operations are valid, so
//! the sync handshake compares [`NetworkParams::network_id`] and refuses a mismatch.
//!
//! ```
//! use vns::params::NetworkParams;
//! let main = NetworkParams::default();
//! let test = NetworkParams::testing();
//! assert_ne!(main.network_id(), test.network_id());
//! ```

use serde::Serialize;

/// One day in milliseconds.
pub const DAY_MS: u64 = 24 * 60 * 60 * 1000;

/// Rules shared by every node of one network. All durations are in milliseconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NetworkParams {
    /// Human-readable network name (part of the network id).
    pub network: String,
    /// Proof-of-work difficulty in leading zero bits of the BLAKE3 hash.
    pub pow_difficulty: u8,
    /// How long a registration or renewal lasts.
    pub registration_period_ms: u64,
    /// After expiry, how long only the owner may renew and nobody may register.
    pub grace_period_ms: u64,
    /// How far in the future a timestamp may be (clock skew allowance).
    pub max_future_skew_ms: u64,
    /// After this long, a held ownership claim can no longer be displaced by a late competitor.
    pub settlement_window_ms: u64,
}

impl Default for NetworkParams {
    /// The main network: 22 bits of work (about a second in a browser), one-year names,
    /// 30-day grace, 5-minute skew, 15-minute settlement window.
    fn default() -> Self {
        NetworkParams {
            network: "vns-main".into(),
            pow_difficulty: 22,
            registration_period_ms: 365 * DAY_MS,
            grace_period_ms: 30 * DAY_MS,
            max_future_skew_ms: 5 * 60 * 1000,
            settlement_window_ms: 15 * 60 * 1000,
        }
    }
}

impl NetworkParams {
    /// Parameters for tests: trivial proof-of-work, otherwise the main network's periods.
    pub fn testing() -> Self {
        NetworkParams { network: "vns-test".into(), pow_difficulty: 4, ..Self::default() }
    }

    /// The network id: BLAKE3 of the canonical encoding of these parameters and the reserved
    /// names. Peers with different ids do not talk.
    pub fn network_id(&self) -> [u8; 32] {
        #[derive(Serialize)]
        struct Id<'a> {
            params: &'a NetworkParams,
            reserved: &'a [&'a str],
        }
        let bytes = crate::block::to_cbor(&Id { params: self, reserved: &crate::name::RESERVED })
            .expect("parameters always encode");
        crate::block::hash(&bytes)
    }
}
