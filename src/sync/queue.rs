//! The delta queue: changes that could not be sent yet, bounded and persisted.
//!
//! A delta waits here when no peer is connected or when the transport reports a failed send.
//! Each delta gets a position number when it is pushed (one more than the last); positions
//! group the queue into chunks of [`CHUNK_ENTRIES`], the unit it is stored in
//! (`queue_store.rs`), so a change rewrites only the chunks whose deltas it touched.
//! The queue is bounded (default [`DEFAULT_QUEUE_CAPACITY`]); on overflow the oldest delta is
//! dropped and counted. Dropping is safe: a delta is also in the namespace, so catch-up (tree
//! diff) delivers it later; the queue only makes delivery prompt. A newer version of a name
//! replaces an older queued one, since entries are self-contained and the newer one carries
//! everything a peer needs.
//!
//! ```
//! use vns::sync::DeltaQueue;
//! let mut queue = DeltaQueue::new(10);
//! assert!(queue.is_empty());
//! let bytes = queue.encode();
//! let restored = DeltaQueue::decode(&bytes, 10).unwrap();
//! assert_eq!(restored.status(), queue.status());
//! ```

use std::collections::{BTreeSet, VecDeque};

use serde::{Deserialize, Serialize};

use super::error::SyncError;
use crate::block::shape::QUEUE_V1;
use crate::block::{from_cbor_shaped, write_head, write_text};
use crate::block::{MAJOR_ARRAY, MAJOR_MAP, MAJOR_UINT};
use crate::entry::EncodedEntry;

/// Default number of deltas the queue holds.
pub const DEFAULT_QUEUE_CAPACITY: usize = 1000;

/// Deltas per stored chunk: the delta at position `p` is in chunk `p / CHUNK_ENTRIES`. A
/// change to a full queue of 1,000 rewrites at most three chunks of ~5 KB (the newest, the
/// oldest, and the one the name's older version left) and a record of 63 links (~2.5 KB),
/// where the whole queue is ~300 KB.
pub const CHUNK_ENTRIES: u64 = 16;

/// State key under which [`crate::sync::SyncNode::save`] stores the encoded queue.
pub const QUEUE_KEY: &str = "queue";

/// Counters of the queue, for the UI and metrics.
///
/// ```
/// use vns::sync::{DeltaQueue, QueueStatus};
/// let status = DeltaQueue::new(5).status();
/// assert_eq!(status, QueueStatus { size: 0, capacity: 5, dropped: 0, replayed: 0 });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct QueueStatus {
    /// Deltas waiting.
    pub size: usize,
    /// Most deltas it holds.
    pub capacity: usize,
    /// Deltas dropped on overflow since the queue was created (persisted).
    pub dropped: u64,
    /// Deltas sent from the queue (persisted).
    pub replayed: u64,
}

/// A bounded FIFO of entries waiting to be sent.
///
/// ```
/// use vns::sync::DeltaQueue;
/// let queue = DeltaQueue::new(1000);
/// assert_eq!(queue.status().capacity, 1000);
/// ```
#[derive(Debug, Clone)]
pub struct DeltaQueue {
    /// Deltas with their positions, oldest (lowest position) first.
    entries: VecDeque<(u64, EncodedEntry)>,
    capacity: usize,
    dropped: u64,
    replayed: u64,
    /// The position the next push takes.
    next: u64,
    /// Chunks whose deltas changed since the last [`DeltaQueue::take_changed_chunks`].
    changed: BTreeSet<u64>,
}

/// Persisted form (DAG-CBOR map).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Saved {
    dropped: u64,
    entries: Vec<EncodedEntry>,
    replayed: u64,
    v: u32,
}

const FORMAT_VERSION: u32 = 1;

impl DeltaQueue {
    /// An empty queue holding at most `capacity` deltas.
    ///
    /// ```
    /// assert_eq!(vns::sync::DeltaQueue::new(3).len(), 0);
    /// ```
    pub fn new(capacity: usize) -> DeltaQueue {
        DeltaQueue {
            entries: VecDeque::new(),
            capacity,
            dropped: 0,
            replayed: 0,
            next: 0,
            changed: BTreeSet::new(),
        }
    }

    /// Number of waiting deltas.
    ///
    /// ```
    /// assert_eq!(vns::sync::DeltaQueue::new(3).len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing waits.
    ///
    /// ```
    /// assert!(vns::sync::DeltaQueue::new(3).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The waiting deltas, oldest first.
    ///
    /// ```
    /// assert_eq!(vns::sync::DeltaQueue::new(3).entries().count(), 0);
    /// ```
    pub fn entries(&self) -> impl Iterator<Item = &EncodedEntry> {
        self.entries.iter().map(|(_, entry)| entry)
    }

    /// Size, capacity and counters.
    ///
    /// ```
    /// assert_eq!(vns::sync::DeltaQueue::new(3).status().size, 0);
    /// ```
    pub fn status(&self) -> QueueStatus {
        QueueStatus {
            size: self.entries.len(),
            capacity: self.capacity,
            dropped: self.dropped,
            replayed: self.replayed,
        }
    }

    /// Appends `entry`, replacing a queued version of the same name. Returns the entry dropped
    /// to make room, if the queue was full (it is counted in [`QueueStatus::dropped`]).
    pub fn push(&mut self, entry: impl Into<EncodedEntry>) -> Option<EncodedEntry> {
        let at = self.next;
        self.push_at(at, entry.into())
    }

    /// [`DeltaQueue::push`] at position `at` (not below the last one's): how a stored queue is
    /// read back into the chunks it was stored in.
    pub(super) fn push_at(&mut self, at: u64, entry: EncodedEntry) -> Option<EncodedEntry> {
        if let Some(i) = self.entries.iter().position(|(_, e)| e.name() == entry.name()) {
            if let Some((old, _)) = self.entries.remove(i) {
                self.changed.insert(old / CHUNK_ENTRIES);
            }
        }
        let at = at.max(self.next);
        self.next = at.saturating_add(1);
        self.changed.insert(at / CHUNK_ENTRIES);
        self.entries.push_back((at, entry));
        if self.entries.len() > self.capacity {
            self.dropped += 1;
            let (old, entry) = self.entries.pop_front()?;
            self.changed.insert(old / CHUNK_ENTRIES);
            return Some(entry);
        }
        None
    }

    /// Takes every waiting delta, oldest first, and counts them as replayed (a failed send
    /// puts them back with [`DeltaQueue::push`]).
    pub fn take_for_replay(&mut self) -> Vec<EncodedEntry> {
        let all: Vec<EncodedEntry> = self
            .entries
            .drain(..)
            .map(|(at, entry)| {
                self.changed.insert(at / CHUNK_ENTRIES);
                entry
            })
            .collect();
        self.replayed += all.len() as u64;
        all
    }

    /// The chunks whose deltas changed since the last call, and none again until they change.
    pub(super) fn take_changed_chunks(&mut self) -> BTreeSet<u64> {
        std::mem::take(&mut self.changed)
    }

    /// The deltas of chunk `n`, oldest first (none once they all left).
    pub(super) fn chunk(&self, n: u64) -> impl Iterator<Item = &EncodedEntry> {
        let (start, end) = (n.saturating_mul(CHUNK_ENTRIES), (n + 1).saturating_mul(CHUNK_ENTRIES));
        let from = self.entries.partition_point(|(at, _)| *at < start);
        self.entries.range(from..).take_while(move |(at, _)| *at < end).map(|(_, entry)| entry)
    }

    /// Sets the counters of a queue read back from storage.
    pub(super) fn set_counters(&mut self, dropped: u64, replayed: u64) {
        self.dropped = dropped;
        self.replayed = replayed;
    }

    /// The whole queue as one value, DAG-CBOR `{ v: 1, entries, dropped, replayed }`: the
    /// saved form of version 1, which nodes wrote before the queue was stored in chunks.
    /// Loading still reads it (and the next save replaces it with chunks); nothing saves it.
    ///
    /// Written around the entries' kept bytes (every save of a node writes its queue, up to
    /// [`DEFAULT_QUEUE_CAPACITY`] entries, so encoding each entry again made the queue most of
    /// a save's work); the bytes are those serde writes for `Saved`, keys in canonical order
    /// (`v`, then `dropped`, `entries`, `replayed`: shorter keys first, then bytewise).
    pub fn encode(&self) -> Vec<u8> {
        let payload: usize = self.entries().map(|e| e.bytes().len()).sum();
        let mut out = Vec::with_capacity(payload + 64);
        write_head(&mut out, MAJOR_MAP, 4);
        write_text(&mut out, "v");
        write_head(&mut out, MAJOR_UINT, u64::from(FORMAT_VERSION));
        write_text(&mut out, "dropped");
        write_head(&mut out, MAJOR_UINT, self.dropped);
        write_text(&mut out, "entries");
        write_head(&mut out, MAJOR_ARRAY, self.entries.len() as u64);
        for (_, entry) in &self.entries {
            out.extend_from_slice(entry.bytes());
        }
        write_text(&mut out, "replayed");
        write_head(&mut out, MAJOR_UINT, self.replayed);
        out
    }

    /// The persisted form as serde writes it: the reference [`DeltaQueue::encode`] is tested
    /// against.
    #[cfg(test)]
    fn encode_with_serde(&self) -> Vec<u8> {
        let saved = Saved {
            v: FORMAT_VERSION,
            entries: self.entries().cloned().collect(),
            dropped: self.dropped,
            replayed: self.replayed,
        };
        crate::block::to_cbor(&saved).expect("the queue always encodes")
    }

    /// Reads a version 1 queue, as [`DeltaQueue::encode`] writes it, keeping at most `capacity` deltas (the
    /// newest; the rest count as dropped). Entries are checked again by the rules when
    /// replayed on the receiving side, like any others. Bytes that are not canonical DAG-CBOR
    /// are unreadable state like any other damage (`sync.queue_corrupt`, the reason naming the
    /// offset).
    pub fn decode(bytes: &[u8], capacity: usize) -> Result<DeltaQueue, SyncError> {
        let saved: Saved = from_cbor_shaped(bytes, &QUEUE_V1)
            .map_err(|e| SyncError::QueueCorrupt(e.to_string()))?;
        if saved.v != FORMAT_VERSION {
            return Err(SyncError::QueueCorrupt(format!("unknown format version {}", saved.v)));
        }
        let mut queue = DeltaQueue::new(capacity);
        queue.set_counters(saved.dropped, saved.replayed);
        for entry in saved.entries {
            queue.push(entry);
        }
        Ok(queue)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{build, identity::Keypair, name::Name, params::NetworkParams};

    /// The spliced encoding is byte for byte the one serde writes, at every head width (entry
    /// counts and counters below 24, below 256, below 65,536 and above).
    #[test]
    fn encode_matches_serde() {
        let params = NetworkParams::testing();
        let key = Keypair::from_secret(&[7; 32]);
        let entries: Vec<EncodedEntry> = (0..300)
            .map(|i| {
                let name = Name::parse(&format!("queued{i}")).unwrap();
                build::register(&params, &key, &name, vec![], 1_000 + i).unwrap().into()
            })
            .collect();
        for (count, dropped, replayed) in [
            (0, 0, 0),
            (1, 23, 24),
            (30, 255, 256),
            (300, 65_535, 65_536),
            (300, u64::MAX, 1 << 40),
        ] {
            let mut queue = DeltaQueue::new(1000);
            for entry in &entries[..count] {
                queue.push(entry.clone());
            }
            queue.dropped = dropped;
            queue.replayed = replayed;
            let bytes = queue.encode();
            assert_eq!(bytes, queue.encode_with_serde(), "{count} entries, {dropped}, {replayed}");
            let back = DeltaQueue::decode(&bytes, 1000).unwrap();
            assert_eq!(back.status(), queue.status());
        }
    }
}
