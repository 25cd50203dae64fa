//! An owner's changes made through a light client: the next version is built and signed on
//! the name's verified entry by the same builders a full node uses ([`crate::build`]),
//! checked by every rule a full node applies, sent to the peers, and confirmed by asking
//! them again: the change counts as made only once a peer's proof shows it in its tree.

use cid::Cid;

use super::client::LightClient;
use super::error::LightError;
use super::lookup::Lookup;
use crate::build;
use crate::entry::{EncodedEntry, Entry};
use crate::error::Error;
use crate::name::Name;
use crate::rules;
use crate::sync::{LocalChange, Message, Outbound};

impl LightClient {
    /// What a registration of `entry` (built with any nonce, before the proof-of-work is
    /// spent) would be refused for against the version verified here: a reserved or taken
    /// name, bad records, a timestamp out of range. Look the name up first, so that what is
    /// verified here is what the peers hold. (The hourly registration limit is each full
    /// node's own and covers only changes submitted to it: a light client's registration
    /// reaches the node as a peer's copy, which the limit does not apply to.)
    pub fn check_register(&self, entry: &Entry, now: u64) -> Result<(), LightError> {
        rules::check_bounds(entry).map_err(Error::from)?;
        rules::check_time(entry, &self.params, now).map_err(Error::from)?;
        let held = self.held(entry.name());
        rules::decide(held.map(EncodedEntry::entry), entry, &self.params, now)
            .map_err(Error::from)?;
        Ok(())
    }

    /// Makes an owner's change: a signed entry as it is (a registration), or an update,
    /// renewal or transfer built and signed here on the version verified for the name (look
    /// it up first; `store.not_found` when none is, as a full node refuses it). The new version is checked by every rule a full node applies
    /// (`rule.wrong_signer` for a key that does not own the name, `rule.conflict_lost` for a
    /// name taken, …), sent to the peers, and asked for again on the same links; the lookup's
    /// end ([`LightEvent::Answered`](crate::light::LightEvent::Answered)) is read with
    /// [`LightClient::committed`].
    ///
    /// ```
    /// use vns::light::{LightClient, LightConfig};
    /// use vns::{build, identity::Keypair, name::Name, sync::LocalChange};
    /// let params = vns::params::NetworkParams::testing();
    /// let mut light = LightClient::new(params.clone(), LightConfig::default());
    /// let key = Keypair::from_secret(&[1; 32]);
    /// let name = Name::parse("alice").unwrap();
    /// // Nothing verified about alice.vfs yet: an update has nothing to build on.
    /// let update = LocalChange::Update { key: &key, name: name.clone(), records: vec![] };
    /// assert_eq!(light.change(update, 1_000).unwrap_err().code(), "store.not_found");
    /// // A registration needs a peer to go to.
    /// let entry = build::register(&params, &key, &name, vec![], 1_000).unwrap();
    /// assert_eq!(light.change(entry.into(), 1_000).unwrap_err().code(), "light.no_peers");
    /// ```
    pub fn change(
        &mut self,
        change: LocalChange<'_>,
        now: u64,
    ) -> Result<Vec<Outbound>, LightError> {
        let entry = self.build(change, now)?;
        self.verify_new(&entry, now)?;
        let name = entry.name().clone();
        let peers: Vec<_> = self.peers().into_iter().take(self.config.peers_asked.max(1)).collect();
        if peers.is_empty() {
            return Err(LightError::NoPeers { name: name.to_string() });
        }
        let mut out = Vec::new();
        if self.cache.touch(&name) {
            self.send_watch(&mut out);
        }
        self.failures.remove(&name);
        // An older lookup's replies were asked before the change: they no longer count.
        for session in self.sessions.values_mut() {
            for names in session.requests.values_mut() {
                names.retain(|n| *n != name);
            }
        }
        let mut lookup = Lookup::new(peers.iter().copied().collect(), now);
        lookup.expected = Some(*entry.cid());
        self.lookups.insert(name.clone(), lookup);
        for peer in peers {
            // The change first, then the question on the same link: a peer that took it
            // answers with it.
            self.send(peer, &Message::Ops { entries: vec![entry.clone()] }, &mut out);
            self.request(peer, std::slice::from_ref(&name), &mut out);
        }
        Ok(out)
    }

    /// The outcome of the last [`LightClient::change`] of `name`, once its lookup ended: the
    /// verified answer holding the change, or `light.not_accepted` when no peer asked shows
    /// it (each peer's failure listed), or the lookup's own failure (`light.no_answer`).
    pub fn committed(&self, name: &Name, now: u64) -> Result<super::Answer<'_>, LightError> {
        if let Some(failure) = self.failures.get(name) {
            return Err(failure.clone());
        }
        self.answer(name, now)
    }

    /// The version verified here for `name`, if any.
    fn held(&self, name: &Name) -> Option<&EncodedEntry> {
        self.cache.get(name).and_then(|k| k.entry.as_ref())
    }

    /// The signed entry `change` makes, on the version verified here.
    fn build(&self, change: LocalChange<'_>, now: u64) -> Result<EncodedEntry, LightError> {
        let current = |name: &Name| -> Result<&Entry, LightError> {
            let held = self.held(name).ok_or_else(|| Error::NotFound { name: name.to_string() });
            Ok(held?.entry())
        };
        let entry = match change {
            LocalChange::Entry(entry) => return Ok(entry),
            LocalChange::Update { key, name, records } => {
                build::update(current(&name)?, key, records, now).map_err(Error::from)?
            }
            LocalChange::Renew { key, name } => {
                build::renew(current(&name)?, key, &self.params, now)
            }
            LocalChange::Transfer { key, name, new_owner } => {
                build::transfer(current(&name)?, key, new_owner, now)
            }
        };
        Ok(entry.into())
    }

    /// Every rule a full node applies to a new version, against the one verified here.
    pub(super) fn verify_new(&self, entry: &EncodedEntry, now: u64) -> Result<(), LightError> {
        let held = self.held(entry.name()).map(EncodedEntry::entry);
        rules::verify_encoded(entry, &self.params, held).map_err(Error::from)?;
        rules::check_time(entry, &self.params, now).map_err(Error::from)?;
        rules::decide(held, entry, &self.params, now).map_err(Error::from)?;
        Ok(())
    }

    /// Ends a change's lookup: whether a peer's verified answer holds `expected`.
    pub(super) fn confirm_change(&mut self, name: &Name, expected: Cid, shown: &[Cid]) {
        if shown.contains(&expected) {
            self.failures.remove(name);
            return;
        }
        let list: Vec<String> = shown.iter().map(Cid::to_string).collect();
        let held = if list.is_empty() { "no version".to_string() } else { list.join(", ") };
        let expected = expected.to_string();
        let failure = LightError::NotAccepted { name: name.to_string(), expected, held };
        self.failures.insert(name.clone(), failure);
    }
}
