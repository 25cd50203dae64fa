//! The driver: what a node does with each message from a ready peer, and how it runs a
//! catch-up with it (start when roots differ, send the walk's requests, finish or abandon).

use serde_bytes::{ByteArray, ByteBuf};

use super::catchup::{CatchUp, Step};
use super::error::SyncError;
use super::event::{Event, LinkId, Outbound};
use super::message::{Message, FRAME_PAYLOAD_BUDGET};
use super::node::SyncNode;
use super::peer_change::PeerChange;

impl SyncNode {
    pub(super) fn handle(
        &mut self,
        peer: LinkId,
        message: Message,
        now: u64,
        out: &mut Vec<Outbound>,
    ) {
        let ready = self.sessions.get(&peer).is_some_and(|s| s.ready);
        match message {
            Message::Bye { code, reason } => {
                self.sessions.remove(&peer);
                self.refresh_clock();
                self.counters.sessions_failed += 1;
                self.push_event(Event::Peer(PeerChange::Disconnected {
                    peer,
                    code: Some(code.clone()),
                }));
                out.push(Outbound::Close { peer, code, reason });
            }
            Message::Hello { network, root, clock } => {
                if let Err(err) = self.same_network(&network) {
                    return self.fail(peer, err, out);
                }
                let retry = self.config.hello_retry_ms;
                let Some(s) = self.sessions.get_mut(&peer) else { return };
                s.remote_root = Some(root);
                let first = !s.ready;
                s.ready = true;
                let resend = !first && now >= s.hello_sent_at.saturating_add(retry);
                if first {
                    self.counters.sessions_opened += 1;
                    self.push_event(Event::Peer(PeerChange::Connected { peer }));
                    if !self.queue.is_empty() {
                        let at = now.saturating_add(self.config.replay_delay_ms);
                        self.replay_at.get_or_insert(at);
                    }
                } else if resend {
                    // The peer is still waiting for our Hello (it was lost): send it again.
                    self.send_hello(peer, now, out);
                }
                self.peer_clock(peer, clock, now);
                self.maybe_catch_up(peer, now, out);
            }
            Message::LightHello { network } => self.open_light(peer, network, now, out),
            // Before the handshake nothing else is acted upon. Reordering transports may
            // deliver a message ahead of the Hello; it is dropped, and catch-up repairs it.
            _ if !ready => self.stat(peer, |s| s.ignored += 1),
            Message::Ops { entries } => {
                let applied = self.apply_from(peer, entries, now);
                self.broadcast(Some(peer), out);
                if let Err(e) = applied {
                    self.fail(peer, e, out);
                }
            }
            Message::Root { root } => {
                if let Some(s) = self.sessions.get_mut(&peer) {
                    s.remote_root = Some(root);
                }
                self.maybe_catch_up(peer, now, out);
            }
            Message::GetNodes { id, cids } => {
                let tree = self.ns.tree();
                let mut size = 0;
                let mut blocks = Vec::new();
                for cid in &cids {
                    let Some(bytes) = tree.block(cid) else { continue };
                    size += bytes.len() + 8;
                    if size > FRAME_PAYLOAD_BUDGET {
                        break;
                    }
                    blocks.push(ByteBuf::from(bytes));
                }
                let root = tree.root();
                self.send(peer, &Message::Nodes { id, root, blocks }, out);
            }
            Message::Nodes { id, root, blocks } => {
                let count = blocks.len() as u64;
                let Some(catchup) = self.sessions.get_mut(&peer).and_then(|s| s.catchup.as_mut())
                else {
                    return self.stat(peer, |s| s.ignored += 1);
                };
                match catchup.on_nodes(id, root, blocks, now) {
                    Ok(true) => {
                        self.stat(peer, |s| s.nodes_fetched += count);
                        self.drive(peer, now, out);
                    }
                    Ok(false) => self.stat(peer, |s| s.ignored += 1),
                    Err(e) => self.abort_catchup(peer, &e, now),
                }
            }
            Message::GetEntries { id, names } => {
                let entries = names.iter().filter_map(|n| self.ns.get_encoded(n)).collect();
                self.send(peer, &Message::Entries { id, entries }, out);
            }
            Message::GetProofs { id, names } => self.serve_proofs(peer, id, &names, out),
            Message::Watch { names } => self.set_watch(peer, names),
            // A full node asks nobody for proofs: a reply is to no request of ours.
            Message::Proofs { .. } => self.stat(peer, |s| s.ignored += 1),
            Message::Entries { id, entries } => {
                let count = entries.len() as u64;
                let ours = self
                    .sessions
                    .get_mut(&peer)
                    .and_then(|s| s.catchup.as_mut())
                    .is_some_and(|c| c.on_entries(id, count, now));
                let applied = self.apply_from(peer, entries, now);
                self.broadcast(Some(peer), out);
                if let Err(e) = applied {
                    self.fail(peer, e, out);
                } else if ours {
                    self.drive(peer, now, out);
                }
            }
        }
    }

    /// `sync.network_mismatch` unless `network` is this node's network id.
    pub(super) fn same_network(&self, network: &[u8; 32]) -> Result<(), SyncError> {
        if *network == self.network {
            return Ok(());
        }
        Err(SyncError::NetworkMismatch { ours: hex(&self.network), theirs: hex(&network[..]) })
    }

    pub(super) fn send_hello(&mut self, peer: LinkId, now: u64, out: &mut Vec<Outbound>) {
        let root = self.ns.merkle_root();
        if let Some(s) = self.sessions.get_mut(&peer) {
            s.hello_sent_at = now;
            s.hellos_sent = s.hellos_sent.saturating_add(1);
            s.announced = Some(root);
            s.announced_at = now;
        }
        // Our own clock, uncorrected: peers measure against it, and a corrected one would
        // feed each node's correction back into the others'.
        let hello = Message::Hello { network: ByteArray::new(self.network), root, clock: now };
        self.send(peer, &hello, out);
    }

    /// Starts a catch-up with `peer` if its root differs from ours and one is due.
    pub(super) fn maybe_catch_up(&mut self, peer: LinkId, now: u64, out: &mut Vec<Outbound>) {
        let local = self.ns.merkle_root();
        let resync = self.config.resync_interval_ms;
        let max_bytes = self.config.max_catchup_bytes;
        let Some(s) = self.sessions.get_mut(&peer) else { return };
        if !s.ready || s.light || s.catchup.is_some() {
            return;
        }
        let Some(remote) = s.remote_root else { return };
        if remote == local {
            s.synced = Some((local, remote, now));
            return;
        }
        if now < s.next_catchup_at {
            return;
        }
        if s.synced
            .is_some_and(|(l, r, at)| l == local && r == remote && now < at.saturating_add(resync))
        {
            return;
        }
        s.catchup = Some(CatchUp::new(remote, max_bytes, now));
        self.push_event(Event::CatchUpStarted { peer });
        self.drive(peer, now, out);
    }

    /// Runs the catch-up with `peer` as far as it goes and sends its requests.
    fn drive(&mut self, peer: LinkId, now: u64, out: &mut Vec<Outbound>) {
        let in_flight = self.config.entry_requests_in_flight;
        let step = {
            let Some(s) = self.sessions.get_mut(&peer) else { return };
            let Some(catchup) = s.catchup.as_mut() else { return };
            catchup.advance(self.ns.tree(), in_flight, &mut s.next_id)
        };
        match step {
            Ok(Step::Wait) => {}
            Ok(Step::Send(requests)) => {
                let n = requests.len() as u64;
                if let Some(c) = self.sessions.get_mut(&peer).and_then(|s| s.catchup.as_mut()) {
                    c.last_activity = now;
                }
                self.stat(peer, |s| s.requests += n);
                for request in &requests {
                    self.send(peer, request, out);
                }
            }
            Ok(Step::Done) => {
                let local = self.ns.merkle_root();
                let interval = self.config.catchup_interval_ms;
                let Some(s) = self.sessions.get_mut(&peer) else { return };
                let Some(c) = s.catchup.take() else { return };
                s.synced = Some((local, c.remote_root(), now));
                s.next_catchup_at = now.saturating_add(interval);
                self.stat(peer, |s| s.catchups += 1);
                self.push_event(Event::CatchUpCompleted { peer, entries: c.entries_fetched() });
            }
            // A peer whose tree is not a valid tree is broken or hostile.
            Err(e @ SyncError::BadTree(_)) => self.fail(peer, e, out),
            Err(e) => self.abort_catchup(peer, &e, now),
        }
    }

    /// Abandons the catch-up with `peer`, if one runs, and reports why
    /// ([`Event::CatchUpAborted`]); the session stays open and a later catch-up retries.
    pub(super) fn abort_catchup(&mut self, peer: LinkId, why: &SyncError, now: u64) {
        let interval = self.config.catchup_interval_ms;
        let Some(s) = self.sessions.get_mut(&peer) else { return };
        if s.catchup.take().is_none() {
            return;
        }
        s.next_catchup_at = now.saturating_add(interval);
        self.stat(peer, |s| s.catchups_aborted += 1);
        let (code, message) = (why.code().to_string(), why.to_string());
        self.push_event(Event::CatchUpAborted { peer, code, message });
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
