//! Counting what one side of the protocol does with a peer: full nodes and light clients keep
//! the same counters per session and in total, and send frames the same counted way.

use super::event::{LinkId, Outbound};
use super::message::Message;
use super::stats::PeerStats;

/// The counters one event updates: the session's (while it is open) and the totals alike.
pub(crate) struct Counted<'a> {
    /// The session's counters, if the session is open.
    pub(crate) session: Option<&'a mut PeerStats>,
    /// The counters over every session.
    pub(crate) totals: &'a mut PeerStats,
}

impl Counted<'_> {
    /// Applies `f` to the session's counters and the totals.
    pub(crate) fn count(self, f: impl Fn(&mut PeerStats)) {
        if let Some(s) = self.session {
            f(s);
        }
        f(self.totals);
    }

    /// Encodes `message` for `peer`, counts the frame out and queues it in `out`.
    pub(crate) fn send(self, peer: LinkId, message: &Message, out: &mut Vec<Outbound>) {
        let bytes = message.encode();
        self.count(|s| s.frame_out(bytes.len()));
        out.push(Outbound::Send { peer, bytes });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_counts_in_the_session_and_the_totals() {
        let (mut session, mut totals) = (PeerStats::default(), PeerStats::default());
        let mut out = Vec::new();
        let bye = Message::bye(&super::super::SyncError::HandshakeTimeout { waited_ms: 1 });
        Counted { session: Some(&mut session), totals: &mut totals }.send(4, &bye, &mut out);
        Counted { session: None, totals: &mut totals }.count(|s| s.ignored += 1);
        let sent = bye.encode().len() as u64;
        assert_eq!((session.frames_out, session.bytes_out, session.ignored), (1, sent, 0));
        assert_eq!((totals.frames_out, totals.bytes_out, totals.ignored), (1, sent, 1));
        assert_eq!(out, vec![Outbound::Send { peer: 4, bytes: bye.encode() }]);
    }
}
