//! What an owner (or a page) asks a light client about the names it verified: whether a name
//! can be registered, its carried history, what renewing it would do, and what the cache
//! holds. Each is answered from the verified version by the same functions a full node uses
//! on its store ([`crate::availability::judge`], [`crate::history::history`],
//! [`crate::renewal::for_entry`]), so both modes say the same about the same version.

use super::cache::Known;
use super::client::LightClient;
use super::error::LightError;
use crate::availability::{judge, registrable, Availability};
use crate::entry::EncodedEntry;
use crate::error::Error;
use crate::history::{history, HistoryEvent};
use crate::identity::PublicKey;
use crate::name::Name;
use crate::renewal::{self, RenewalOutlook};

/// One name a light client holds a verified answer for ([`LightClient::cached`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedName {
    /// The name.
    pub name: Name,
    /// The size of its entry block (0 when the peers proved it absent).
    pub bytes: usize,
    /// The owner of the verified version, `None` when proven absent.
    pub owner: Option<PublicKey>,
    /// When it was verified or last pushed (ms).
    pub verified_at: u64,
    /// Whether an answer for it now would be marked stale (see [`LightClient::answer`]).
    pub stale: bool,
}

/// What a light client's cache holds: every verified answer, most recently used first, and
/// the size of the saved form (bounded by
/// [`LightConfig::cache_bytes`](crate::light::LightConfig::cache_bytes)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheListing {
    /// The verified answers, most recently used first.
    pub names: Vec<CachedName>,
    /// The bytes [`LightClient::export_cache`] writes now.
    pub saved_bytes: usize,
}

impl LightClient {
    /// Whether `input` can be registered, judged on the version verified here (look the name
    /// up first): an invalid or reserved name is the `Invalid` answer, never an error; a name
    /// nothing was verified about fails as [`LightClient::answer`] does (`resolve.offline`,
    /// the last lookup's `light.no_answer`).
    ///
    /// ```
    /// use vns::{availability::Availability, light::{LightClient, LightConfig}};
    /// let light = LightClient::new(vns::params::NetworkParams::testing(), LightConfig::default());
    /// assert!(matches!(light.availability("a", 0), Ok(Availability::Invalid { code: "name.too_short", .. })));
    /// assert_eq!(light.availability("alice", 0).unwrap_err().code(), "resolve.offline");
    /// ```
    pub fn availability(&self, input: &str, now: u64) -> Result<Availability, LightError> {
        let name = match registrable(input) {
            Ok(name) => name,
            Err(invalid) => return Ok(invalid),
        };
        let held = self.verified(&name)?.entry.as_ref().map(EncodedEntry::entry);
        Ok(judge(name, held, &self.params, now))
    }

    /// The ops the verified version of `name` carries, oldest first; `store.not_found` when
    /// the peers proved it absent.
    pub fn history(&self, name: &Name) -> Result<Vec<HistoryEvent>, LightError> {
        let known = self.verified(name)?;
        let entry = known.entry.as_ref().ok_or_else(|| Error::NotFound { name: name.to_string() });
        Ok(history(entry?.entry()))
    }

    /// What renewing `name` at `now` would do, on its verified version (`store.not_found`,
    /// `rule.lapsed` as a full node answers).
    pub fn renewal(&self, name: &Name, now: u64) -> Result<RenewalOutlook, LightError> {
        let held = self.verified(name)?.entry.as_ref().map(EncodedEntry::entry);
        Ok(renewal::for_entry(name, held, &self.params, now)?)
    }

    /// Every verified answer held now, most recently used first, with the saved form's size.
    pub fn cached(&self, now: u64) -> CacheListing {
        let names = self
            .cache
            .recent_first()
            .into_iter()
            .map(|(name, known)| CachedName {
                name: name.clone(),
                bytes: known.entry.as_ref().map_or(0, |e| e.bytes().len()),
                owner: known.entry.as_ref().map(|e| e.owner()),
                verified_at: known.verified_at,
                stale: self.stale(known, now),
            })
            .collect();
        CacheListing { names, saved_bytes: self.export_cache().len() }
    }

    /// Whether an answer from `known` is possibly outdated at `now`: no connected peer has
    /// watched the name since it was verified, and that was at least `stale_after_ms` ago.
    pub(super) fn stale(&self, known: &Known, now: u64) -> bool {
        !known.confirmed && now >= known.verified_at.saturating_add(self.config.stale_after_ms)
    }

    /// What was verified about `name`, or why nothing was (as [`LightClient::answer`]).
    fn verified(&self, name: &Name) -> Result<&Known, LightError> {
        self.cache.get(name).ok_or_else(|| {
            let offline = || LightError::Offline { name: name.to_string() };
            self.failures.get(name).cloned().unwrap_or_else(offline)
        })
    }
}
