//! What a light client does with each frame from a full node: the handshake, proof replies
//! (each answer verified on its own), pushed deltas of watched names (fully validated against
//! what was verified before), and goodbyes.

use cid::Cid;

use super::cache::Known;
use super::client::LightClient;
use super::event::LightEvent;
use super::verify::{verify_answer, verify_entry_at};
use crate::entry::EncodedEntry;
use crate::error::Error;
use crate::name::Name;
use crate::rules::{self, Decision};
use crate::sync::{LinkId, Message, Outbound, PeerChange, ProofAnswer, SyncError};

impl LightClient {
    /// A frame from `peer`. Never panics: a malformed frame closes this session (with a `bye`
    /// naming the error) and touches nothing else; a refused answer counts against its peer
    /// ([`LightEvent::PeerFault`]) and the other answers still count.
    pub fn receive(&mut self, peer: LinkId, bytes: &[u8], now: u64) -> Vec<Outbound> {
        let mut out = Vec::new();
        if !self.sessions.contains_key(&peer) {
            return out;
        }
        self.stat(peer, |s| s.frame_in(bytes.len()));
        match Message::decode(bytes) {
            Ok(message) => self.handle(peer, message, now, &mut out),
            Err(e) => self.fail(peer, e, now, &mut out),
        }
        out
    }

    fn handle(&mut self, peer: LinkId, message: Message, now: u64, out: &mut Vec<Outbound>) {
        let ready = self.sessions.get(&peer).is_some_and(|s| s.ready);
        match message {
            Message::Bye { code, .. } => self.end_session(peer, Some(code), now),
            // The node's clock is not used: a light client judges answers at its own clock.
            Message::Hello { network, root, .. } => self.on_hello(peer, &network, root, now, out),
            _ if !ready => self.stat(peer, |s| s.ignored += 1),
            Message::Proofs { id, root, answers } => {
                self.on_proofs(peer, id, root, answers, now, out)
            }
            Message::Ops { entries } => self.on_pushed(peer, entries, now),
            // A full node sends a light session nothing else; whatever comes is ignored.
            _ => self.stat(peer, |s| s.ignored += 1),
        }
    }

    fn on_hello(
        &mut self,
        peer: LinkId,
        network: &[u8; 32],
        root: Cid,
        now: u64,
        out: &mut Vec<Outbound>,
    ) {
        if *network != self.network {
            let hex = |b: &[u8]| b.iter().map(|b| format!("{b:02x}")).collect::<String>();
            let err = SyncError::NetworkMismatch { ours: hex(&self.network), theirs: hex(network) };
            return self.fail(peer, err, now, out);
        }
        let Some(s) = self.sessions.get_mut(&peer) else { return };
        s.root = Some(root);
        if s.ready {
            return;
        }
        s.ready = true;
        self.push_event(LightEvent::Peer(PeerChange::Connected { peer }));
        // The new peer watches what we watch; answers verified while nobody watched are
        // asked again (and confirmed by the lookups' answers).
        let watched = self.cache.names();
        if !watched.is_empty() {
            self.send(peer, &Message::Watch { names: watched.clone() }, out);
        }
        let unconfirmed = self.unconfirmed();
        self.ask(unconfirmed, now, out);
    }

    fn on_proofs(
        &mut self,
        peer: LinkId,
        id: u64,
        root: Cid,
        answers: Vec<ProofAnswer>,
        now: u64,
        out: &mut Vec<Outbound>,
    ) {
        let Some(s) = self.sessions.get_mut(&peer) else { return };
        let Some(mut asked) = s.requests.remove(&id) else {
            return self.stat(peer, |s| s.ignored += 1);
        };
        s.root = Some(root);
        for answer in answers {
            let Some(at) = asked.iter().position(|n| *n == answer.name) else {
                // Not a name of this request (or answered twice): nothing waits for it.
                self.stat(peer, |s| s.ignored += 1);
                continue;
            };
            let name = asked.remove(at);
            let verdict = verify_answer(&self.params, &name, &root, &answer, now);
            let Some(lookup) = self.lookups.get_mut(&name) else { continue };
            if !lookup.waiting.remove(&peer) {
                continue;
            }
            match verdict {
                Ok(verified) => lookup.answers.push((peer, verified)),
                Err(e) => {
                    lookup.failures.push((peer, e.code().to_string()));
                    self.fault(peer, &name, e.code(), e.to_string());
                }
            }
            self.finish(&name, now);
        }
        // Names left out did not fit the reply: ask again for them.
        let left: Vec<Name> = asked
            .into_iter()
            .filter(|n| self.lookups.get(n).is_some_and(|l| l.waiting.contains(&peer)))
            .collect();
        self.request(peer, &left, out);
    }

    /// Deltas pushed by a peer: only watched names are looked at, each checked by every rule
    /// and kept only if it replaces what was verified as a full node would replace it.
    fn on_pushed(&mut self, peer: LinkId, entries: Vec<EncodedEntry>, now: u64) {
        for entry in entries {
            let name = entry.name().clone();
            if !self.cache.contains(&name) {
                self.stat(peer, |s| s.ignored += 1);
                continue;
            }
            if let Err(e) = verify_entry_at(&self.params, &entry, now) {
                self.stat(peer, |s| *s.rejected.entry(e.code().to_string()).or_default() += 1);
                self.fault(peer, &name, e.code(), e.to_string());
                continue;
            }
            let held =
                self.cache.get(&name).and_then(|k| k.entry.as_ref()).map(EncodedEntry::entry);
            match rules::decide(held, &entry, &self.params, now).map_err(Error::from) {
                Ok(Decision::Replace) => {
                    self.stat(peer, |s| s.accepted += 1);
                    let known = Known { entry: Some(entry), verified_at: now, confirmed: true };
                    self.cache.set(&name, known);
                    self.failures.remove(&name);
                    self.push_event(LightEvent::Change { name });
                }
                Ok(Decision::Duplicate) => self.stat(peer, |s| s.duplicates += 1),
                Err(e) => {
                    self.stat(peer, |s| *s.rejected.entry(e.code().to_string()).or_default() += 1)
                }
            }
        }
    }

    fn fault(&mut self, peer: LinkId, name: &Name, code: &str, message: String) {
        let (name, code) = (name.clone(), code.to_string());
        self.push_event(LightEvent::PeerFault { peer, name, code, message });
    }
}
