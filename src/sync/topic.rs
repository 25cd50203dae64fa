//! The publish-subscribe topic: live deltas carried by a pub-sub network (libp2p gossipsub)
//! instead of, or beside, the links. Each message is one signed entry block.
//!
//! A message from the topic is applied with the same full validation as an entry from a link
//! ([`Namespace::apply`](crate::namespace::Namespace::apply)), and the node says what the
//! pub-sub layer should do with it ([`Verdict`]): forward it, penalise its sender, or drop it
//! without blame. Entries this node accepts from anywhere else (its own changes, links,
//! catch-ups) are handed out for publication ([`SyncNode::take_publications`]).
//!
//! ```
//! use vns::sync::{SyncConfig, SyncNode, Verdict};
//! use vns::{build, identity::Keypair, name::Name, namespace::Namespace, params::NetworkParams};
//! let params = NetworkParams::testing();
//! let mut a = SyncNode::new(Namespace::new(params.clone()), SyncConfig::default());
//! let mut b = SyncNode::new(Namespace::new(params.clone()), SyncConfig::default());
//! a.enable_topic();
//! let entry = build::register(&params, &Keypair::from_secret(&[1; 32]),
//!     &Name::parse("alice").unwrap(), vec![], 1_000).unwrap();
//! a.submit(entry, 1_000).unwrap();
//! let published = a.take_publications();
//! assert_eq!(published.len(), 1);
//! assert_eq!(b.receive_published(published[0].bytes(), 1_000).verdict, Verdict::Accept);
//! assert_eq!(b.receive_published(published[0].bytes(), 1_000).verdict, Verdict::Ignore);
//! ```

use super::event::Outbound;
use super::node::SyncNode;
use crate::entry::EncodedEntry;
use crate::name::Name;
use crate::namespace::Applied;

/// What the pub-sub layer should do with a message, so that its peer scoring penalises
/// publishers of invalid entries and never an honest race.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// A new valid version, now applied: forward it.
    Accept,
    /// No honest node would publish it (malformed, bad signature or proof-of-work, broken
    /// chain, any rule that a valid entry never breaks): drop it and penalise the sender.
    Reject,
    /// Valid but not news (already held, stale, a lost conflict, settled, lapsed, ahead of
    /// our clock): drop it, blame nobody.
    Ignore,
}

impl Verdict {
    /// `accept`, `reject` or `ignore`.
    ///
    /// ```
    /// assert_eq!(vns::sync::Verdict::Ignore.as_str(), "ignore");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Accept => "accept",
            Verdict::Reject => "reject",
            Verdict::Ignore => "ignore",
        }
    }
}

/// What a message from the topic did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    /// What to tell the pub-sub layer.
    pub verdict: Verdict,
    /// The entry's name, when the message decoded.
    pub name: Option<Name>,
    /// Why it was rejected or ignored (`None`: accepted, or a version already held).
    pub code: Option<&'static str>,
    /// Frames for the live links (an accepted entry goes on to them).
    pub out: Vec<Outbound>,
}

impl SyncNode {
    /// Turns the topic on: from now on every version this node accepts, except those that
    /// came from the topic, is kept for [`SyncNode::take_publications`], and local changes
    /// no longer wait in the delta queue when no link is open (catch-up over the links
    /// repairs whatever a publication missed).
    pub fn enable_topic(&mut self) {
        self.publications.get_or_insert_with(Vec::new);
    }

    /// Whether [`SyncNode::enable_topic`] was called.
    pub fn topic_enabled(&self) -> bool {
        self.publications.is_some()
    }

    /// The entries to publish on the topic since the last call (each one message), oldest
    /// first; empty while the topic is off.
    pub fn take_publications(&mut self) -> Vec<EncodedEntry> {
        self.publications.as_mut().map(std::mem::take).unwrap_or_default()
    }

    /// One message from the topic: decoded and applied with full validation, never
    /// panicking on any bytes. An accepted entry goes on to the live links (not back to the
    /// topic, which forwards it itself).
    pub fn receive_published(&mut self, bytes: &[u8], now: u64) -> Published {
        let mut out = Vec::new();
        self.broadcast(None, &mut out);
        let entry = match EncodedEntry::decode(bytes) {
            Ok(entry) => entry,
            Err(e) => {
                self.count_rejected(e.code());
                return Published {
                    verdict: Verdict::Reject,
                    name: None,
                    code: Some(e.code()),
                    out,
                };
            }
        };
        let name = Some(entry.name().clone());
        let (verdict, code) = match self.ns.apply(entry, now) {
            Ok(Applied::Accepted) => {
                self.counters.totals.accepted += 1;
                (Verdict::Accept, None)
            }
            Ok(Applied::Duplicate) => {
                self.counters.totals.duplicates += 1;
                (Verdict::Ignore, None)
            }
            Err(e) => {
                self.count_rejected(e.code());
                let verdict = if e.is_fault() { Verdict::Reject } else { Verdict::Ignore };
                (verdict, Some(e.code()))
            }
        };
        self.broadcast_from(None, false, &mut out);
        Published { verdict, name, code, out }
    }

    fn count_rejected(&mut self, code: &str) {
        *self.counters.totals.rejected.entry(code.to_string()).or_default() += 1;
    }
}
