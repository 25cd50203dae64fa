//! One lookup in flight: which peers were asked, what each answered, and the winner once
//! they all did (or the time ran out).

use std::cmp::Ordering;
use std::collections::BTreeSet;

use cid::Cid;

use super::verify::Verified;
use crate::entry::EncodedEntry;
use crate::params::NetworkParams;
use crate::rules::{self, Status};
use crate::sync::LinkId;

/// A lookup of one name across the peers asked.
#[derive(Debug)]
pub(crate) struct Lookup {
    pub(crate) started_at: u64,
    /// Peers asked that have not answered yet.
    pub(crate) waiting: BTreeSet<LinkId>,
    /// Valid answers, by peer.
    pub(crate) answers: Vec<(LinkId, Verified)>,
    /// Peers whose answer was refused, or that went away or timed out, with the code.
    pub(crate) failures: Vec<(LinkId, String)>,
    /// The version a change sent before this lookup made: the lookup confirms it only if a
    /// peer's verified answer holds it.
    pub(crate) expected: Option<Cid>,
}

impl Lookup {
    pub(crate) fn new(peers: BTreeSet<LinkId>, now: u64) -> Lookup {
        Lookup {
            started_at: now,
            waiting: peers,
            answers: Vec::new(),
            failures: Vec::new(),
            expected: None,
        }
    }

    pub(crate) fn failed(&mut self, peer: LinkId, code: &str) {
        if self.waiting.remove(&peer) {
            self.failures.push((peer, code.to_string()));
        }
    }

    /// `peer failed: code, …` for an error message.
    pub(crate) fn failure_list(&self) -> String {
        let list: Vec<String> =
            self.failures.iter().map(|(peer, code)| format!("peer {peer}: {code}")).collect();
        list.join(", ")
    }
}

/// The version to keep for a name among the entries the peers sent and the one already
/// verified here (`held`), at `now`. Among the answers, a version that has not lapsed beats a
/// lapsed one, then the conflict rules' total order ([`rules::compare`]) decides; the best
/// answer then replaces `held` only as a full node would replace what it holds
/// ([`rules::decide`]: never an older version, nor a competing claim the settlement rule
/// refuses). An absence proof never beats an entry: an entry is self-certifying, while absence
/// is only what one peer's tree shows. `None` when nobody sent an entry and none was held.
pub(crate) fn winner<'a>(
    held: Option<&'a EncodedEntry>,
    answers: impl Iterator<Item = &'a EncodedEntry>,
    params: &NetworkParams,
    now: u64,
) -> Option<&'a EncodedEntry> {
    let alive = |e: &EncodedEntry| rules::status(e, params, now) != Status::Lapsed;
    let better = |a: &EncodedEntry, b: &EncodedEntry| {
        alive(a).cmp(&alive(b)).then_with(|| rules::compare(a, b)) == Ordering::Greater
    };
    let best = answers.fold(None, |best: Option<&EncodedEntry>, e| match best {
        Some(b) if !better(e, b) => Some(b),
        _ => Some(e),
    });
    match (held, best) {
        (Some(held), Some(best)) if alive(held) => {
            match rules::decide(Some(held), best, params, now) {
                Ok(rules::Decision::Replace) => Some(best),
                _ => Some(held),
            }
        }
        (held, None) => held,
        (_, best) => best,
    }
}

/// The present entries among `answers`.
pub(crate) fn entries(answers: &[(LinkId, Verified)]) -> impl Iterator<Item = &EncodedEntry> {
    answers.iter().filter_map(|(_, v)| match v {
        Verified::Present(entry) => Some(entry),
        Verified::Absent => None,
    })
}
