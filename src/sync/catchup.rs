//! Catch-up with one peer: diff our tree against the peer's root, then fetch what differs.
//!
//! A [`tree::DiffWalk`](crate::tree::DiffWalk) borrows the local tree, which changes between
//! round trips (live deltas keep arriving). So the walk is not kept: each round starts a fresh
//! walk over the current local tree and feeds it the remote nodes fetched so far (kept here,
//! checked against their CIDs). Only nodes of subtrees that differ are ever fetched, a whole
//! tree level per round trip, so the cost grows with the number of differing names times the
//! tree depth, not with the size of the namespace.
//!
//! The peer serves nodes from its current tree only. If it changed since the walk started and
//! a node we asked for is gone, its reply carries its new root and the walk restarts from that
//! root, reusing every cached node of the unchanged subtrees.

use std::collections::{HashMap, HashSet, VecDeque};

use cid::Cid;

use super::error::SyncError;
use super::message::{Message, MAX_NAMES_PER_REQUEST, MAX_NODES_PER_FRAME};
use crate::block::cid_of;
use crate::name::Name;
use crate::tree::{child_links, DiffWalk, Tree};

/// Most restarts (the peer's root moved under the walk) before a catch-up is abandoned.
const MAX_RESTARTS: u32 = 8;

#[derive(Debug)]
enum Phase {
    /// Walking the trees; `outstanding` are `GetNodes` ids not answered yet, `requested` the
    /// CIDs asked for and not received.
    Nodes { outstanding: HashSet<u64>, requested: HashSet<Cid>, progress: bool },
    /// Fetching the versions of the names that differ.
    Entries { pending: VecDeque<Name>, outstanding: HashSet<u64> },
}

/// What the session should do next.
#[derive(Debug)]
pub(crate) enum Step {
    /// Send these requests.
    Send(Vec<Message>),
    /// Wait for replies.
    Wait,
    /// Finished.
    Done,
}

/// One catch-up in progress.
#[derive(Debug)]
pub(crate) struct CatchUp {
    remote_root: Cid,
    cache: HashMap<Cid, Vec<u8>>,
    cache_bytes: usize,
    /// Nodes received since the last request: their children are prefetched.
    fresh: Vec<Cid>,
    max_bytes: usize,
    phase: Phase,
    restarts: u32,
    /// Entries received in answer to this catch-up's requests.
    entries_fetched: u64,
    /// Time of the last request or useful reply (for the timeout).
    pub(crate) last_activity: u64,
}

impl CatchUp {
    pub(crate) fn new(remote_root: Cid, max_bytes: usize, now: u64) -> CatchUp {
        CatchUp {
            remote_root,
            cache: HashMap::new(),
            cache_bytes: 0,
            fresh: Vec::new(),
            max_bytes,
            phase: Phase::Nodes {
                outstanding: HashSet::new(),
                requested: HashSet::new(),
                progress: false,
            },
            restarts: 0,
            entries_fetched: 0,
            last_activity: now,
        }
    }

    /// The root being compared against.
    pub(crate) fn remote_root(&self) -> Cid {
        self.remote_root
    }

    /// Entries received in answer to this catch-up's requests so far.
    pub(crate) fn entries_fetched(&self) -> u64 {
        self.entries_fetched
    }

    /// Runs as far as possible; `next_id` numbers new requests.
    pub(crate) fn advance(
        &mut self,
        local: &Tree,
        in_flight: usize,
        next_id: &mut u64,
    ) -> Result<Step, SyncError> {
        if let Phase::Nodes { outstanding, .. } = &self.phase {
            if !outstanding.is_empty() {
                return Ok(Step::Wait);
            }
            if let Some(step) = self.walk(local, next_id)? {
                return Ok(step);
            }
        }
        let Phase::Entries { pending, outstanding } = &mut self.phase else {
            return Ok(Step::Wait);
        };
        let mut requests = Vec::new();
        while outstanding.len() < in_flight.max(1) && !pending.is_empty() {
            let take = pending.len().min(MAX_NAMES_PER_REQUEST);
            let names: Vec<Name> = pending.drain(..take).collect();
            let id = take_id(next_id);
            outstanding.insert(id);
            requests.push(Message::GetEntries { id, names });
        }
        Ok(match (requests.is_empty(), outstanding.is_empty()) {
            (false, _) => Step::Send(requests),
            (true, true) => Step::Done,
            (true, false) => Step::Wait,
        })
    }

    /// One fresh walk with every cached node. Returns the node requests to send, or `None`
    /// once the walk is complete (the phase is then `Entries`).
    fn walk(&mut self, local: &Tree, next_id: &mut u64) -> Result<Option<Step>, SyncError> {
        let mut walk = DiffWalk::new(local, self.remote_root);
        loop {
            let wanted = walk.advance()?;
            if wanted.is_empty() {
                break;
            }
            let (cached, missing): (Vec<Cid>, Vec<Cid>) =
                wanted.into_iter().partition(|c| self.cache.contains_key(c));
            if cached.is_empty() {
                let missing = self.with_prefetch(local, missing);
                let mut outstanding = HashSet::new();
                let mut requests = Vec::new();
                for chunk in missing.chunks(MAX_NODES_PER_FRAME) {
                    let id = take_id(next_id);
                    outstanding.insert(id);
                    requests.push(Message::GetNodes { id, cids: chunk.to_vec() });
                }
                let requested = missing.into_iter().collect();
                self.phase = Phase::Nodes { outstanding, requested, progress: false };
                return Ok(Some(Step::Send(requests)));
            }
            for cid in cached {
                walk.supply(cid, self.cache[&cid].clone())?;
            }
        }
        // Names whose remote value differs from ours and that the peer holds. Keys that are
        // not canonical names cannot be entries of an honest peer: skip them.
        let pending = walk
            .finish()
            .entries
            .into_iter()
            .filter(|d| d.remote.is_some())
            .filter_map(|d| Name::from_canonical(&d.key).ok())
            .collect();
        self.cache = HashMap::new();
        self.cache_bytes = 0;
        self.fresh = Vec::new();
        self.phase = Phase::Entries { pending, outstanding: HashSet::new() };
        Ok(None)
    }

    /// `missing` plus the children of the nodes received last round that the local tree does
    /// not hold. The walk opens every remote subtree it does not hold locally, so these will
    /// be needed: asking now makes the fetch breadth-first, one round trip per tree level,
    /// instead of one per level along each differing path in turn.
    fn with_prefetch(&mut self, local: &Tree, missing: Vec<Cid>) -> Vec<Cid> {
        let mut seen: HashSet<Cid> = missing.iter().copied().collect();
        let mut all = missing;
        for cid in std::mem::take(&mut self.fresh) {
            // Cached blocks were checked against their CIDs; a bad one is caught by the walk.
            let Some(Ok(children)) = self.cache.get(&cid).map(|b| child_links(b)) else {
                continue;
            };
            for child in children {
                if !local.has_node(&child) && !self.cache.contains_key(&child) && seen.insert(child)
                {
                    all.push(child);
                }
            }
        }
        all
    }

    /// Takes a `Nodes` reply. `Ok(false)`: not ours (stale or duplicated), ignored.
    pub(crate) fn on_nodes(
        &mut self,
        id: u64,
        root: Cid,
        blocks: Vec<serde_bytes::ByteBuf>,
        now: u64,
    ) -> Result<bool, SyncError> {
        let Phase::Nodes { outstanding, requested, progress } = &mut self.phase else {
            return Ok(false);
        };
        if !outstanding.remove(&id) {
            return Ok(false);
        }
        self.last_activity = now;
        for bytes in blocks {
            let cid = cid_of(&bytes);
            if requested.remove(&cid) {
                *progress = true;
                self.cache_bytes += bytes.len();
                self.cache.insert(cid, bytes.into_vec());
                self.fresh.push(cid);
            }
        }
        if self.cache_bytes > self.max_bytes {
            return Err(SyncError::Stalled(format!(
                "catch-up needs more than {} bytes of remote tree nodes",
                self.max_bytes
            )));
        }
        if outstanding.is_empty() && !requested.is_empty() {
            // Some nodes were not served. Either the peer moved on (restart from its new
            // root) or it cannot serve its own tree (give up; a later catch-up retries).
            if root != self.remote_root {
                if self.restarts >= MAX_RESTARTS {
                    return Err(SyncError::Stalled(format!(
                        "peer's root moved {MAX_RESTARTS} times during one catch-up"
                    )));
                }
                self.restarts += 1;
                self.remote_root = root;
            } else if !*progress {
                return Err(SyncError::Stalled(format!(
                    "peer did not serve {} node(s) of its own tree {root}",
                    requested.len()
                )));
            }
            requested.clear();
        }
        Ok(true)
    }

    /// Takes an `Entries` reply of `count` entries. Returns whether it answered one of our
    /// requests (its entries are applied either way: they are validated like any others).
    pub(crate) fn on_entries(&mut self, id: u64, count: u64, now: u64) -> bool {
        let Phase::Entries { outstanding, .. } = &mut self.phase else {
            return false;
        };
        let ours = outstanding.remove(&id);
        if ours {
            self.last_activity = now;
            self.entries_fetched += count;
        }
        ours
    }
}

fn take_id(next_id: &mut u64) -> u64 {
    *next_id = next_id.wrapping_add(1);
    *next_id
}
