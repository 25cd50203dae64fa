//! The delta queue in storage (saved form version 2): the deltas in chunk blocks of
//! [`CHUNK_ENTRIES`] positions each, content-addressed like every other block, and one small
//! record under the state key [`QUEUE_KEY`] linking them in order with the queue's counters.
//! A save writes the chunks whose deltas changed and the record if it changed, so one change
//! to a full queue of 1,000 writes a few KB instead of the whole ~300 KB queue, and a save
//! that changed nothing in the queue writes nothing of it.
//!
//! Chunk blocks are checked against their CIDs when read, like every block: a damaged chunk
//! loses its deltas only (reported, see [`LoadedQueue`]); the scrub reads them back with the
//! tree and writes them again from memory; garbage collection keeps the chunks the record
//! links. A version 1 queue (the whole queue inline in the state entry) still loads; the next
//! save stores it as chunks.
//!
//! ```
//! use vns::sync::{QueueChunk, QueueRecord};
//! let chunk = QueueChunk { n: 3, entries: vec![] };
//! let record = QueueRecord { chunks: vec![chunk.encode().cid], dropped: 0, replayed: 2 };
//! assert_eq!(QueueRecord::decode(&record.encode()).unwrap(), record);
//! // A chunk holds 1 to 16 deltas: an empty one is never stored, and refused when read.
//! let refused = QueueChunk::decode(&chunk.encode().bytes).unwrap_err();
//! assert_eq!(refused.code(), "sync.queue_corrupt");
//! ```

use std::collections::{BTreeMap, HashSet};

use cid::Cid;
use serde::{Deserialize, Serialize};

use super::error::SyncError;
use super::queue::{DeltaQueue, CHUNK_ENTRIES, QUEUE_KEY};
use crate::block::shape::{QUEUE_CHUNK, QUEUE_RECORD};
use crate::block::{cid_of, from_cbor, from_cbor_shaped, to_cbor, write_head, write_text, Block};
use crate::block::{MAJOR_ARRAY, MAJOR_MAP, MAJOR_UINT};
use crate::blockstore::{verified, Blockstore};
use crate::entry::EncodedEntry;
use crate::persist::{Beside, DamagedBlock};

/// The record's format version.
const RECORD_VERSION: u32 = 2;

/// The state entry of a chunked queue: DAG-CBOR `{ "v": 2, "chunks": [link], "dropped": uint,
/// "replayed": uint }`, the chunks oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRecord {
    /// The chunk blocks, in increasing chunk number.
    pub chunks: Vec<Cid>,
    /// Deltas dropped on overflow (as [`super::QueueStatus::dropped`]).
    pub dropped: u64,
    /// Deltas sent from the queue (as [`super::QueueStatus::replayed`]).
    pub replayed: u64,
}

/// The record as serde reads and writes it (keys in canonical order when written).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SavedRecord {
    chunks: Vec<Cid>,
    dropped: u64,
    replayed: u64,
    v: u32,
}

/// Only the version of a saved queue, whatever its other fields.
#[derive(Deserialize)]
struct Version {
    v: u32,
}

impl QueueRecord {
    /// The record's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let saved = SavedRecord {
            chunks: self.chunks.clone(),
            dropped: self.dropped,
            replayed: self.replayed,
            v: RECORD_VERSION,
        };
        to_cbor(&saved).expect("links and integers always encode")
    }

    /// Reads a record: canonical DAG-CBOR, version 2, no other field (`sync.queue_corrupt`).
    pub fn decode(bytes: &[u8]) -> Result<QueueRecord, SyncError> {
        let saved: SavedRecord = from_cbor_shaped(bytes, &QUEUE_RECORD).map_err(corrupt)?;
        if saved.v != RECORD_VERSION {
            return Err(SyncError::QueueCorrupt(format!("unknown format version {}", saved.v)));
        }
        Ok(QueueRecord { chunks: saved.chunks, dropped: saved.dropped, replayed: saved.replayed })
    }
}

/// One chunk block: DAG-CBOR `{ "n": uint, "entries": [entry] }`, the deltas at positions
/// `n * CHUNK_ENTRIES` to `(n + 1) * CHUNK_ENTRIES - 1`, oldest first (1 to
/// [`CHUNK_ENTRIES`] of them), each entry embedded as in an `ops` frame.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueChunk {
    /// The deltas, oldest first.
    pub entries: Vec<EncodedEntry>,
    /// The chunk number.
    pub n: u64,
}

impl QueueChunk {
    /// The chunk as a block.
    pub fn encode(&self) -> Block {
        encode_chunk(self.n, &self.entries.iter().collect::<Vec<_>>())
    }

    /// Reads a chunk block's bytes: canonical DAG-CBOR, 1 to [`CHUNK_ENTRIES`] entries
    /// (`sync.queue_corrupt`).
    pub fn decode(bytes: &[u8]) -> Result<QueueChunk, SyncError> {
        let chunk: QueueChunk = from_cbor_shaped(bytes, &QUEUE_CHUNK).map_err(corrupt)?;
        if chunk.entries.is_empty() || chunk.entries.len() as u64 > CHUNK_ENTRIES {
            let n = chunk.entries.len();
            return Err(SyncError::QueueCorrupt(format!("a chunk of {n} deltas")));
        }
        Ok(chunk)
    }
}

fn corrupt(e: impl ToString) -> SyncError {
    SyncError::QueueCorrupt(e.to_string())
}

/// Chunk `n` of `entries`, written around their kept bytes: the bytes serde writes for
/// [`QueueChunk`] (`n` before `entries`: shorter keys first).
fn encode_chunk(n: u64, entries: &[&EncodedEntry]) -> Block {
    let payload: usize = entries.iter().map(|e| e.bytes().len()).sum();
    let mut out = Vec::with_capacity(payload + 32);
    write_head(&mut out, MAJOR_MAP, 2);
    write_text(&mut out, "n");
    write_head(&mut out, MAJOR_UINT, n);
    write_text(&mut out, "entries");
    write_head(&mut out, MAJOR_ARRAY, entries.len() as u64);
    for entry in entries {
        out.extend_from_slice(entry.bytes());
    }
    Block { cid: cid_of(&out), bytes: out }
}

/// What the store holds of a node's queue, and the queue's chunk blocks as they are now.
///
/// What the store holds is believed from the last save: a save that fails forgets it
/// ([`QueueStore::failed`]), so the next one writes every chunk and the record again.
#[derive(Debug, Default)]
pub(super) struct QueueStore {
    /// The chunk blocks of the queue, by chunk number, as of the last [`QueueStore::refresh`].
    chunks: BTreeMap<u64, Block>,
    /// Chunk blocks the store holds (those of the last saved record).
    stored: HashSet<Cid>,
    /// The record the store holds, when known.
    record: Option<Vec<u8>>,
}

impl QueueStore {
    /// What the next save writes for `queue`: the chunks the store lacks, the record if it
    /// changed, the chunks no longer linked (garbage) and those linked (live). From here the
    /// store is taken to hold them, until [`QueueStore::failed`] says otherwise.
    pub(super) fn prepare(&mut self, queue: &mut DeltaQueue) -> Beside {
        self.refresh(queue);
        let live: HashSet<Cid> = self.chunks.values().map(|b| b.cid).collect();
        let blocks: Vec<Block> =
            self.chunks.values().filter(|b| !self.stored.contains(&b.cid)).cloned().collect();
        let garbage: Vec<Cid> = self.stored.difference(&live).copied().collect();
        let status = queue.status();
        let record = QueueRecord {
            chunks: self.chunks.values().map(|b| b.cid).collect(),
            dropped: status.dropped,
            replayed: status.replayed,
        }
        .encode();
        let state = if self.record.as_ref() == Some(&record) {
            Vec::new()
        } else {
            vec![(QUEUE_KEY.to_string(), Some(record.clone()))]
        };
        self.stored.clone_from(&live);
        self.record = Some(record);
        Beside { blocks, state, garbage, live }
    }

    /// The save taken by the last [`QueueStore::prepare`] failed: what the store holds of the
    /// queue is unknown, so the next save writes all of it.
    pub(super) fn failed(&mut self) {
        self.stored.clear();
        self.record = None;
    }

    /// The chunk blocks of `queue` now (for a scrub).
    pub(super) fn live(&mut self, queue: &mut DeltaQueue) -> Vec<Cid> {
        self.refresh(queue);
        self.chunks.values().map(|b| b.cid).collect()
    }

    /// The chunk block `cid`, if the queue links it now (a scrub writes it again).
    pub(super) fn block(&self, cid: &Cid) -> Option<&Block> {
        self.chunks.values().find(|b| b.cid == *cid)
    }

    /// Encodes again the chunks whose deltas changed.
    fn refresh(&mut self, queue: &mut DeltaQueue) {
        for n in queue.take_changed_chunks() {
            let entries: Vec<&EncodedEntry> = queue.chunk(n).collect();
            if entries.is_empty() {
                self.chunks.remove(&n);
            } else {
                self.chunks.insert(n, encode_chunk(n, &entries));
            }
        }
    }
}

/// A queue read back from storage, with what could not be.
#[derive(Debug)]
pub(super) struct LoadedQueue {
    /// The deltas of every readable chunk (or of a version 1 queue).
    pub queue: DeltaQueue,
    /// What the store holds of it.
    pub store: QueueStore,
    /// Chunks that are missing, corrupt or unreadable: their deltas are not in `queue`.
    pub damaged: Vec<DamagedBlock>,
    /// Why deltas were lost, if any were: the record unreadable (the queue is empty), or
    /// chunks damaged (named in `damaged`).
    pub lost: Option<(String, String)>,
}

impl LoadedQueue {
    fn empty(capacity: usize) -> LoadedQueue {
        LoadedQueue {
            queue: DeltaQueue::new(capacity),
            store: QueueStore::default(),
            damaged: Vec::new(),
            lost: None,
        }
    }

    fn lost(capacity: usize, e: SyncError) -> LoadedQueue {
        LoadedQueue { lost: Some((e.code().into(), e.to_string())), ..LoadedQueue::empty(capacity) }
    }
}

/// Reads the queue saved in `store`, keeping at most `capacity` deltas (the newest). Never
/// fails: an unreadable record gives an empty queue, a damaged chunk loses its own deltas,
/// and either is reported in [`LoadedQueue::lost`] (catch-up delivers what they held).
pub(super) async fn load_queue<S: Blockstore>(store: &S, capacity: usize) -> LoadedQueue {
    let bytes = match store.get_state(QUEUE_KEY).await {
        Ok(None) => return LoadedQueue::empty(capacity),
        Ok(Some(bytes)) => bytes,
        Err(e) => return LoadedQueue::lost(capacity, e.into()),
    };
    match from_cbor::<Version>(&bytes).map(|v| v.v) {
        // The next save writes it as chunks and a version 2 record, over this one.
        Ok(1) => match DeltaQueue::decode(&bytes, capacity) {
            Ok(queue) => LoadedQueue { queue, ..LoadedQueue::empty(capacity) },
            Err(e) => LoadedQueue::lost(capacity, e),
        },
        Ok(RECORD_VERSION) => match QueueRecord::decode(&bytes) {
            Ok(record) => load_chunks(store, bytes, record, capacity).await,
            Err(e) => LoadedQueue::lost(capacity, e),
        },
        Ok(v) => {
            let e = SyncError::QueueCorrupt(format!("unknown format version {v}"));
            LoadedQueue::lost(capacity, e)
        }
        Err(e) => LoadedQueue::lost(capacity, corrupt(e)),
    }
}

/// The deltas of the chunks `record` links, each block checked against its CID.
async fn load_chunks<S: Blockstore>(
    store: &S,
    bytes: Vec<u8>,
    record: QueueRecord,
    capacity: usize,
) -> LoadedQueue {
    let found = match store.get_many(&record.chunks).await {
        Ok(found) => found,
        Err(e) => return LoadedQueue::lost(capacity, e.into()),
    };
    let mut loaded = LoadedQueue::empty(capacity);
    loaded.queue.set_counters(record.dropped, record.replayed);
    let mut last: Option<u64> = None;
    for (cid, bytes) in record.chunks.iter().zip(found) {
        // Linked by the saved record, so stored (or meant to be): garbage once unlinked.
        loaded.store.stored.insert(*cid);
        let chunk = verified(cid, bytes)
            .map_err(|e| (e.code(), e.to_string()))
            .and_then(|block| {
                QueueChunk::decode(&block.bytes).map_err(|e| (e.code(), e.to_string()))
            })
            .and_then(|chunk| match last {
                Some(before) if chunk.n <= before => {
                    Err(("sync.queue_corrupt", format!("chunk {} follows chunk {before}", chunk.n)))
                }
                _ => Ok(chunk),
            });
        match chunk {
            Ok(chunk) => {
                last = Some(chunk.n);
                for (i, entry) in chunk.entries.into_iter().enumerate() {
                    loaded.queue.push_at(chunk.n * CHUNK_ENTRIES + i as u64, entry);
                }
            }
            Err((code, reason)) => loaded.damaged.push(DamagedBlock {
                cid: cid.to_string(),
                kind: "queue",
                code,
                reason,
            }),
        }
    }
    if let Some(first) = loaded.damaged.first() {
        let message = format!(
            "{} of the {} chunks of the saved delta queue are unreadable, their deltas lost \
             (catch-up delivers them); the first: {}",
            loaded.damaged.len(),
            record.chunks.len(),
            first.reason
        );
        loaded.lost = Some((first.code.to_string(), message));
    }
    loaded.store.record = Some(bytes);
    loaded
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blockstore::MemoryBlockstore;
    use crate::{build, identity::Keypair, name::Name, params::NetworkParams};

    fn entries(n: u64) -> Vec<EncodedEntry> {
        let params = NetworkParams::testing();
        let key = Keypair::from_secret(&[7; 32]);
        (0..n)
            .map(|i| {
                let name = Name::parse(&format!("queued{i}")).unwrap();
                build::register(&params, &key, &name, vec![], 1_000 + i).unwrap().into()
            })
            .collect()
    }

    /// Saves what `prepare` gives to `store` (no pruning), as a node's save does.
    fn save(store: &MemoryBlockstore, qs: &mut QueueStore, queue: &mut DeltaQueue) -> Beside {
        let beside = qs.prepare(queue);
        let state = beside.state.clone();
        pollster::block_on(store.commit(&beside.blocks, &state)).unwrap();
        beside
    }

    #[test]
    fn the_spliced_chunk_is_the_one_serde_writes() {
        let all = entries(CHUNK_ENTRIES);
        for (n, count) in [(0, 1), (23, 2), (255, 16), (1 << 40, 16)] {
            let chunk = QueueChunk { n, entries: all[..count].to_vec() };
            let block = chunk.encode();
            assert_eq!(block.bytes, to_cbor(&chunk).unwrap(), "chunk {n} of {count}");
            assert_eq!(QueueChunk::decode(&block.bytes).unwrap(), chunk);
        }
    }

    #[test]
    fn one_change_to_a_full_queue_writes_a_few_chunks() {
        let store = MemoryBlockstore::new();
        let (mut queue, mut qs) = (DeltaQueue::new(1000), QueueStore::default());
        let all = entries(1001);
        for entry in &all[..1000] {
            queue.push(entry.clone());
        }
        let first = save(&store, &mut qs, &mut queue);
        assert_eq!(first.blocks.len(), 63, "1,000 deltas in chunks of 16");
        assert!(save(&store, &mut qs, &mut queue).blocks.is_empty(), "nothing changed");
        assert!(qs.prepare(&mut queue).state.is_empty(), "nor the record");
        // One more delta: the full queue drops its oldest (chunk 0) and appends (chunk 62).
        queue.push(all[1000].clone());
        let next = save(&store, &mut qs, &mut queue);
        assert_eq!(next.blocks.len(), 2);
        assert_eq!(next.garbage.len(), 2, "the two chunks replaced");
        assert_eq!(next.state.len(), 1, "the record");
        // A newer version of a queued name leaves its chunk and joins the newest.
        queue.push(all[500].clone());
        assert_eq!(save(&store, &mut qs, &mut queue).blocks.len(), 2);
    }

    #[test]
    fn a_saved_queue_loads_back_whole_and_is_not_written_again() {
        let store = MemoryBlockstore::new();
        let (mut queue, mut qs) = (DeltaQueue::new(1000), QueueStore::default());
        for entry in entries(40) {
            queue.push(entry);
        }
        queue.take_for_replay();
        for entry in entries(40).into_iter().skip(5) {
            queue.push(entry);
        }
        save(&store, &mut qs, &mut queue);
        let mut loaded = pollster::block_on(load_queue(&store, 1000));
        assert!(loaded.lost.is_none() && loaded.damaged.is_empty());
        assert_eq!(loaded.queue.status(), queue.status());
        let names = |q: &DeltaQueue| q.entries().map(|e| e.name().clone()).collect::<Vec<_>>();
        assert_eq!(names(&loaded.queue), names(&queue));
        let again = loaded.store.prepare(&mut loaded.queue);
        assert!(again.blocks.is_empty() && again.state.is_empty() && again.garbage.is_empty());
    }

    #[test]
    fn a_damaged_chunk_loses_its_deltas_only() {
        let store = MemoryBlockstore::new();
        let (mut queue, mut qs) = (DeltaQueue::new(1000), QueueStore::default());
        for entry in entries(40) {
            queue.push(entry);
        }
        let saved = save(&store, &mut qs, &mut queue);
        let record = QueueRecord::decode(&saved.state[0].1.clone().unwrap()).unwrap();
        let (gone, bad) = (record.chunks[0], record.chunks[1]);
        pollster::block_on(store.delete_many(&[gone])).unwrap();
        let tampered = Block { cid: bad, bytes: b"not the chunk".to_vec() };
        pollster::block_on(store.put_many(&[tampered])).unwrap();
        let mut loaded = pollster::block_on(load_queue(&store, 1000));
        assert_eq!(loaded.queue.len(), 40 - 2 * CHUNK_ENTRIES as usize, "the third chunk's");
        let codes: Vec<_> = loaded.damaged.iter().map(|d| (d.kind, d.code)).collect();
        assert_eq!(codes, [("queue", "storage.missing"), ("queue", "storage.corrupt")]);
        assert_eq!(loaded.lost.as_ref().unwrap().0, "storage.missing");
        // The next save links the intact chunk alone and drops the damaged two.
        let next = loaded.store.prepare(&mut loaded.queue);
        assert!(next.blocks.is_empty());
        assert_eq!(next.garbage.iter().collect::<HashSet<_>>(), [gone, bad].iter().collect());
    }

    #[test]
    fn a_failed_save_is_written_again_whole() {
        let store = MemoryBlockstore::new();
        let (mut queue, mut qs) = (DeltaQueue::new(1000), QueueStore::default());
        for entry in entries(40) {
            queue.push(entry);
        }
        save(&store, &mut qs, &mut queue);
        qs.failed();
        let again = qs.prepare(&mut queue);
        assert_eq!((again.blocks.len(), again.state.len()), (3, 1));
    }

    #[test]
    fn garbage_in_the_record_or_a_chunk_is_refused() {
        let block = QueueChunk { n: 1, entries: entries(1) }.encode();
        let record = QueueRecord { chunks: vec![block.cid], dropped: 1, replayed: 2 };
        let bytes = record.encode();
        for bad in [&bytes[..bytes.len() - 1], &[&bytes[..], &[0]].concat()[..], b"\xa0"] {
            assert_eq!(QueueRecord::decode(bad).unwrap_err().code(), "sync.queue_corrupt");
        }
        let empty = to_cbor(&QueueChunk { n: 1, entries: vec![] }).unwrap();
        assert!(QueueChunk::decode(&empty).unwrap_err().to_string().contains("0 deltas"));
        let many = to_cbor(&QueueChunk { n: 1, entries: entries(17) }).unwrap();
        assert!(QueueChunk::decode(&many).is_err());
        let mut long = block.bytes.clone();
        long[3] = 0x18; // `n` (1) behind a one-byte integer head: not its shortest form
        long.insert(4, 1);
        assert!(QueueChunk::decode(&long).unwrap_err().to_string().contains("shortest"));
    }
}
