//! What a full node does for light clients: it opens a light session on `light_hello`,
//! answers `get_proofs` with the entries it holds and their merkle proofs against its current
//! root, and keeps each light session's watch list, which `gossip.rs` uses to push only the
//! deltas of watched names.

use serde_bytes::ByteArray;

use super::event::{Event, LinkId, Outbound};
use super::message::{Message, FRAME_PAYLOAD_BUDGET};
use super::node::SyncNode;
use super::peer_change::PeerChange;
use super::proof_answer::ProofAnswer;
use crate::name::Name;

impl SyncNode {
    /// A `light_hello`: the session becomes a light one (no root announcements, no catch-up,
    /// no deltas but those of watched names) and the client gets this node's `hello`, which
    /// tells it the root.
    pub(super) fn open_light(
        &mut self,
        peer: LinkId,
        network: ByteArray<32>,
        now: u64,
        out: &mut Vec<Outbound>,
    ) {
        if let Err(err) = self.same_network(&network) {
            return self.fail(peer, err, out);
        }
        let Some(s) = self.sessions.get_mut(&peer) else { return };
        s.light = true;
        if !s.ready {
            s.ready = true;
            self.counters.sessions_opened += 1;
            self.push_event(Event::Peer(PeerChange::Connected { peer }));
        }
        self.send_hello(peer, now, out);
    }

    /// A `get_proofs`: each name's entry (if held) and its proof against the current root, in
    /// request order, as many as fit one frame (the client asks again for the rest).
    pub(super) fn serve_proofs(
        &mut self,
        peer: LinkId,
        id: u64,
        names: &[Name],
        out: &mut Vec<Outbound>,
    ) {
        let root = self.ns.merkle_root();
        let mut answers = Vec::new();
        let mut size = 0;
        for name in names {
            let entry = self.ns.get_encoded(name).map(|e| e.bytes().to_vec());
            let answer = ProofAnswer::new(name.clone(), entry, self.ns.proof(name));
            size += answer.size();
            if size > FRAME_PAYLOAD_BUDGET && !answers.is_empty() {
                break;
            }
            answers.push(answer);
        }
        let served = answers.len() as u64;
        self.stat(peer, |s| s.proofs_served += served);
        self.send(peer, &Message::Proofs { id, root, answers }, out);
    }

    /// A `watch`: replaces the light session's watch list (its bound was checked by the
    /// decoder). On a full session it means nothing (a full peer gets every delta): ignored.
    pub(super) fn set_watch(&mut self, peer: LinkId, names: Vec<Name>) {
        let light = self.sessions.get(&peer).is_some_and(|s| s.light);
        if !light {
            return self.stat(peer, |s| s.ignored += 1);
        }
        if let Some(s) = self.sessions.get_mut(&peer) {
            s.watch = names.into_iter().collect();
        }
    }
}
