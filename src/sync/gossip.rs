//! Gossip: how accepted versions travel. Entries from a peer are applied with full
//! validation; every accepted change goes to every other ready peer once, never back to its
//! sender; local changes made with nobody to send to wait in the queue and are replayed.

use super::error::SyncError;
use super::event::{Event, LinkId, Outbound};
use super::message::{pack_entries, Message};
use super::node::SyncNode;
use crate::entry::EncodedEntry;
use crate::namespace::{Applied, Delta};

impl SyncNode {
    /// Applies entries from `peer` with full validation, counting the outcomes. Refuses the
    /// rest once the peer has sent more faulty entries than allowed: the caller closes it.
    pub(super) fn apply_from(
        &mut self,
        peer: LinkId,
        entries: Vec<EncodedEntry>,
        now: u64,
    ) -> Result<(), SyncError> {
        let judged = self.judged(now);
        for entry in entries {
            if let Some(s) = self.sessions.get_mut(&peer) {
                s.known.insert(entry.digest());
            }
            match self.ns.apply(entry, judged) {
                Ok(Applied::Accepted) => self.stat(peer, |s| s.accepted += 1),
                Ok(Applied::Duplicate) => self.stat(peer, |s| s.duplicates += 1),
                Err(e) => {
                    let code = e.code();
                    self.stat(peer, |s| *s.rejected.entry(code.to_string()).or_default() += 1);
                    if !e.is_fault() {
                        continue;
                    }
                    let Some(session) = self.sessions.get_mut(&peer) else { continue };
                    session.faults += 1;
                    if session.faults > self.config.max_faulty_entries {
                        let last = code.to_string();
                        return Err(SyncError::FaultyPeer { count: session.faults, last });
                    }
                }
            }
        }
        Ok(())
    }

    /// Sends every accepted change to every ready live peer except `origin` (which sent it),
    /// once per peer, and to the topic when it is enabled; with nowhere to send to, local
    /// changes wait in the queue.
    pub(super) fn broadcast(&mut self, origin: Option<LinkId>, out: &mut Vec<Outbound>) {
        self.broadcast_from(origin, true, out);
    }

    /// [`SyncNode::broadcast`], publishing on the topic only if `publish` (false for entries
    /// that came from the topic: the topic forwards those itself).
    pub(super) fn broadcast_from(
        &mut self,
        origin: Option<LinkId>,
        publish: bool,
        out: &mut Vec<Outbound>,
    ) {
        let deltas = self.ns.take_deltas();
        if deltas.is_empty() {
            return;
        }
        for delta in &deltas {
            self.push_event(Event::Change { name: delta.entry.name().clone() });
        }
        if let Some(topic) = self.publications.as_mut() {
            if publish {
                topic.extend(deltas.iter().map(|d| d.entry.clone()));
            }
            // The topic reaches the network (or catch-up repairs what it missed): no queue.
            self.send_deltas(origin, &deltas, out);
            return;
        }
        // A change from a network peer is on the network already; our own, and those of
        // local links (other tabs), wait until a full network peer takes them (light clients
        // hold no replica, and other tabs are no way to the network).
        let ours = origin.is_none_or(|o| self.sessions.get(&o).is_some_and(|s| s.local));
        if self.send_deltas(origin, &deltas, out) == 0 && ours {
            self.enqueue(deltas.into_iter().map(|d| d.entry).collect());
        }
    }

    /// Sends `deltas` to every ready live peer but `origin`, skipping what each is known to
    /// hold (and, to a light session, what it does not watch); how many of them were full
    /// network peers (neither other tabs nor light clients).
    fn send_deltas(
        &mut self,
        origin: Option<LinkId>,
        deltas: &[Delta],
        out: &mut Vec<Outbound>,
    ) -> usize {
        let targets: Vec<LinkId> = self
            .sessions
            .iter()
            .filter(|(p, s)| s.ready && s.live && Some(**p) != origin)
            .map(|(p, _)| *p)
            .collect();
        let replicas = targets
            .iter()
            .filter(|p| self.sessions.get(p).is_some_and(|s| !s.local && !s.light))
            .count();
        for peer in targets {
            let Some(s) = self.sessions.get_mut(&peer) else { continue };
            let fresh: Vec<EncodedEntry> = deltas
                .iter()
                // A light session gets the names it watches, nothing else.
                .filter(|d| !s.light || s.watch.contains(d.entry.name()))
                .filter(|d| s.known.insert(d.entry.digest()))
                .map(|d| d.entry.clone())
                .collect();
            self.send_ops(peer, fresh, out);
        }
        replicas
    }

    /// Sends the whole queue to every ready peer (the sends that failed before may have
    /// reached some peers; receivers treat repeats as duplicates).
    pub(super) fn replay(&mut self, out: &mut Vec<Outbound>) {
        // Only to full network peers with live deltas: the queue waits for the network; local
        // links (other tabs) are no way to it, light clients watch names, and catch-up links
        // get their deltas on the topic.
        let peers: Vec<LinkId> = self
            .sessions
            .iter()
            .filter(|(_, s)| s.ready && s.live && !s.local && !s.light)
            .map(|(p, _)| *p)
            .collect();
        if peers.is_empty() || self.queue.is_empty() {
            self.replay_at = None;
            return;
        }
        self.replay_at = None;
        let entries = self.queue.take_for_replay();
        for peer in peers {
            if let Some(s) = self.sessions.get_mut(&peer) {
                entries.iter().for_each(|e| {
                    s.known.insert(e.digest());
                });
            }
            self.send_ops(peer, entries.clone(), out);
        }
    }

    pub(super) fn enqueue(&mut self, entries: Vec<EncodedEntry>) {
        let mut dropped = 0;
        for entry in entries {
            if self.queue.push(entry).is_some() {
                dropped += 1;
            }
        }
        if dropped > 0 {
            let status = self.queue.status();
            self.push_event(Event::QueueOverflow {
                dropped,
                total_dropped: status.dropped,
                capacity: status.capacity,
            });
        }
    }

    fn send_ops(&mut self, peer: LinkId, entries: Vec<EncodedEntry>, out: &mut Vec<Outbound>) {
        for batch in pack_entries(entries) {
            self.send(peer, &Message::Ops { entries: batch }, out);
        }
    }
}
