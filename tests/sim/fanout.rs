//! How the simulated transport applies gossip (`gossip.rs`) to the sync nodes' frames: which
//! links carry a live delta, heartbeats, and the `IHave`/`IWant` exchange.

use vns::sync::Message;

use super::gossip::{self, Control};
use super::net::{msg_id, Kind, MsgId, Payload};
use super::trace::Via;
use super::{key, Sim};

impl Sim {
    /// `to` got an `IHave` from `from`: it asks for the ids it has not seen.
    pub(super) fn on_ihave(&mut self, from: usize, to: usize, epoch: u64, ids: Vec<MsgId>) {
        let Some(g) = self.gossip.as_ref() else { return };
        let wanted: Vec<MsgId> = ids.into_iter().filter(|id| !g.has_seen(to, id)).collect();
        if !wanted.is_empty() {
            self.traffic.add(Kind::IWant, gossip::iwant_bytes(wanted.len()));
            self.transmit(to, from, epoch, Payload::IWant(wanted));
        }
    }

    /// `to` got an `IWant` from `from`: it sends each cached message as one `ops` frame.
    pub(super) fn on_iwant(&mut self, from: usize, to: usize, epoch: u64, ids: Vec<MsgId>) {
        let Some(g) = self.gossip.as_ref() else { return };
        for entry in g.serve(to, &ids) {
            let id = msg_id(&entry);
            let bytes = Message::Ops { entries: vec![entry.into()] }.encode();
            self.traffic.add(Kind::IWantOps, bytes.len());
            let payload = Payload::Frame { bytes, kind: Kind::IWantOps, ids: vec![id] };
            self.transmit(to, from, epoch, payload);
        }
    }

    /// Traces the entries of a frame that reached `to`, and caches the unseen ones for gossip.
    pub(super) fn note_arrival(
        &mut self,
        from: usize,
        to: usize,
        kind: Kind,
        ids: &[MsgId],
        bytes: &[u8],
    ) {
        let via = match kind {
            Kind::IWantOps => Via::Lazy,
            Kind::Entries => Via::CatchUp,
            _ => Via::Push,
        };
        self.trace.arrive(from, to, ids, self.now, via);
        let Some(g) = self.gossip.as_mut() else { return };
        if ids.iter().all(|id| g.has_seen(to, id)) {
            return;
        }
        if let Ok(Message::Ops { entries } | Message::Entries { entries, .. }) =
            Message::decode(bytes)
        {
            for entry in entries {
                g.saw(to, msg_id(&entry), entry.into_entry());
            }
        }
    }

    /// One gossip heartbeat: mesh repair and `IHave`s, put on the network.
    pub(super) fn heartbeat(&mut self) {
        let neighbours = self.neighbours();
        let Some(g) = self.gossip.as_mut() else { return };
        self.next_heartbeat = self.now + g.config.heartbeat_ms;
        for control in g.heartbeat(&neighbours) {
            match control {
                Control::Membership(..) => {
                    self.traffic.add(Kind::GraftPrune, gossip::GRAFT_PRUNE_BYTES);
                }
                Control::IHave(from, to, ids) => {
                    let Some(&epoch) = self.open.get(&key(from, to)) else { continue };
                    self.traffic.add(Kind::IHave, gossip::ihave_bytes(ids.len()));
                    self.transmit(from, to, epoch, Payload::IHave(ids));
                }
            }
        }
    }

    /// Whether the transport puts a live `ops` frame from `from` on the link to `to`: always
    /// when flooding; with gossip, on mesh links, and on every link for the sender's own new
    /// messages when `flood_publish` is on.
    pub(super) fn carries_ops(&self, from: usize, to: usize, ids: &[MsgId]) -> bool {
        let Some(g) = self.gossip.as_ref() else { return true };
        g.is_mesh(from, to)
            || (g.config.flood_publish && ids.iter().all(|id| self.trace.is_origin(from, id)))
    }
}
