//! What renewing a name now would do, and from when it is worth doing.
//!
//! A renewal sets the expiry to one registration period after its own timestamp, never
//! earlier than the expiry it replaces (so a renewal cannot be signed years ahead, and cannot
//! shorten a name). Renewing a fresh name therefore gains almost nothing: the gain is the time
//! elapsed since the last registration or renewal. Renewing becomes worthwhile once the name
//! is in its renewal window, the last [`RENEWAL_WINDOW_MS`] before expiry (at most half a
//! period, for networks with short periods); from then on, a renewal gains at least the period
//! minus the window.
//!
//! ```
//! use vns::{build, identity::Keypair, name::Name, params::{NetworkParams, DAY_MS}, renewal};
//! let params = NetworkParams::testing();
//! let key = Keypair::from_secret(&[1; 32]);
//! let v1 = build::register(&params, &key, &Name::parse("alice").unwrap(), vec![], 0).unwrap();
//! let soon = renewal::outlook(&v1, &params, DAY_MS);
//! assert_eq!(soon.gain, DAY_MS);
//! assert_eq!(soon.worthwhile_from, 335 * DAY_MS);
//! assert_eq!(build::renew(&v1, &key, &params, DAY_MS).expires(), soon.renewed_expires);
//! ```

use crate::entry::Entry;
use crate::error::Error;
use crate::name::Name;
use crate::namespace::Namespace;
use crate::params::{NetworkParams, DAY_MS};
use crate::rules::{self, RuleError, Status};

/// How long before expiry renewing becomes worthwhile (and `vns names` flags a name).
pub const RENEWAL_WINDOW_MS: u64 = 30 * DAY_MS;

/// The renewal window of a network: [`RENEWAL_WINDOW_MS`], or half a period if that is shorter.
pub fn window_ms(params: &NetworkParams) -> u64 {
    RENEWAL_WINDOW_MS.min(params.registration_period_ms / 2)
}

/// The expiry a renewal of `current` signed at `ts` sets: one period after `ts`, but never
/// before the current expiry. The builder signs exactly this.
pub fn renewed_expires(current: &Entry, params: &NetworkParams, ts: u64) -> u64 {
    ts.saturating_add(params.registration_period_ms).max(current.expires())
}

/// What a renewal signed at `now` would change (all times in ms since the epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenewalOutlook {
    /// The expiry now.
    pub expires: u64,
    /// The expiry after a renewal signed now.
    pub renewed_expires: u64,
    /// How much later the name would expire (`renewed_expires - expires`).
    pub gain: u64,
    /// From when a renewal gains at least the period minus the window: the start of the
    /// renewal window (may be in the past).
    pub worthwhile_from: u64,
}

impl RenewalOutlook {
    /// Whether renewing at `now` is worthwhile: the name is in its renewal window or grace.
    pub fn worthwhile_at(&self, now: u64) -> bool {
        now >= self.worthwhile_from
    }
}

/// What renewing `current` at `now` would do. Whether the renewal would be accepted (the
/// signer owns the name, the name has not lapsed) is for the rules to say.
pub fn outlook(current: &Entry, params: &NetworkParams, now: u64) -> RenewalOutlook {
    let expires = current.expires();
    let renewed_expires = renewed_expires(current, params, now);
    RenewalOutlook {
        expires,
        renewed_expires,
        gain: renewed_expires - expires,
        worthwhile_from: expires.saturating_sub(window_ms(params)),
    }
}

/// The outlook for `name` as `ns` holds it at `now`: `store.not_found` when no version is
/// held, `rule.lapsed` once its grace period is over (nobody can renew it then).
pub fn for_name(ns: &Namespace, name: &Name, now: u64) -> Result<RenewalOutlook, Error> {
    let entry = ns.get(name).ok_or_else(|| Error::NotFound { name: name.to_string() })?;
    let params = ns.params();
    if rules::status(entry, params, now) == Status::Lapsed {
        let lapsed = entry.expires().saturating_add(params.grace_period_ms);
        return Err(RuleError::Lapsed { name: name.to_string(), lapsed }.into());
    }
    Ok(outlook(entry, params, now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{build, identity::Keypair, name::Name};

    #[test]
    fn a_renewal_gains_what_elapsed_until_the_window_and_then_much_more() {
        let params = NetworkParams::testing();
        let key = Keypair::from_secret(&[1; 32]);
        let v1 = build::register(&params, &key, &Name::parse("alice").unwrap(), vec![], 0).unwrap();
        let year = params.registration_period_ms;
        assert_eq!(outlook(&v1, &params, 0).gain, 0);
        let at_window = outlook(&v1, &params, year - RENEWAL_WINDOW_MS);
        assert!(at_window.worthwhile_at(year - RENEWAL_WINDOW_MS));
        assert!(!at_window.worthwhile_at(year - RENEWAL_WINDOW_MS - 1));
        assert_eq!(at_window.gain, year - RENEWAL_WINDOW_MS);
        // In grace, a renewal counts from now.
        let in_grace = outlook(&v1, &params, year + DAY_MS);
        assert_eq!(in_grace.renewed_expires, 2 * year + DAY_MS);
        // Every outlook matches what the builder signs.
        for now in [0, 1, year / 2, year - 1, year, year + DAY_MS] {
            let signed = build::renew(&v1, &key, &params, now);
            assert_eq!(outlook(&v1, &params, now).renewed_expires, signed.expires());
        }
    }

    #[test]
    fn short_periods_get_a_window_of_half_a_period() {
        let params =
            NetworkParams { registration_period_ms: 10 * DAY_MS, ..NetworkParams::testing() };
        assert_eq!(window_ms(&params), 5 * DAY_MS);
    }
}
