//! The local registration rate limit: how many registrations one owner may submit to this
//! node per hour. It protects this node's resources and never decides a conflict (a peer's
//! copy of a registration is applied whatever the limit).

use std::collections::{HashMap, VecDeque};

use crate::error::Error;
use crate::identity::PublicKey;

/// Local-caller limits. They protect this node's resources and never decide a conflict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Registrations one owner may submit locally per hour.
    pub registrations_per_hour: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { registrations_per_hour: 5 }
    }
}

const HOUR_MS: u64 = 60 * 60 * 1000;

/// The limits and, per owner, when its recent local registrations were accepted.
#[derive(Debug, Clone)]
pub(super) struct RegistrationRate {
    limits: Limits,
    recent: HashMap<PublicKey, VecDeque<u64>>,
}

impl RegistrationRate {
    /// No registrations yet, under `limits`.
    pub(super) fn new(limits: Limits) -> RegistrationRate {
        RegistrationRate { limits, recent: HashMap::new() }
    }

    /// Forgets the registrations of `owner` an hour or more before `now`.
    pub(super) fn forget_old(&mut self, owner: &PublicKey, now: u64) {
        if let Some(recent) = self.recent.get_mut(owner) {
            while recent.front().is_some_and(|&t| t.saturating_add(HOUR_MS) <= now) {
                recent.pop_front();
            }
        }
    }

    /// Refuses a registration by `owner` past the hourly limit (counting those still within
    /// the hour before `now`).
    pub(super) fn check(&self, owner: &PublicKey, now: u64) -> Result<(), Error> {
        let limit = self.limits.registrations_per_hour;
        let recent = self.recent.get(owner);
        let mut within = recent.into_iter().flatten().filter(|&&t| t.saturating_add(HOUR_MS) > now);
        let count = within.clone().count();
        if count >= limit as usize {
            let retry_at = within.next().map_or(now, |t| t.saturating_add(HOUR_MS));
            let wait_ms = retry_at.saturating_sub(now);
            return Err(Error::RateLimited { owner: *owner, limit, retry_at, wait_ms });
        }
        Ok(())
    }

    /// Counts a registration by `owner` accepted at `now`.
    pub(super) fn record(&mut self, owner: PublicKey, now: u64) {
        self.recent.entry(owner).or_default().push_back(now);
    }
}
