//! `state.json`: saved state beside the blocks: the root pointer, the delta queue in its
//! version 1 form (still read), and the version 2 form: chunk blocks and their record.

use cid::Cid;
use serde::{Deserialize, Serialize};
use vns::entry::{EncodedEntry, Entry};
use vns::sync::{DeltaQueue, QueueChunk, QueueRecord};

use super::kit::{hex, unhex, VectorFile};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RootIn {
    root: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Bytes {
    bytes: String,
}

/// A queue of `capacity` into which `pushed` entries (hex blocks) were pushed, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueIn {
    capacity: usize,
    pushed: Vec<String>,
}

/// A chunk block: chunk number `n` holding `entries` (hex entry blocks), oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChunkIn {
    n: u64,
    entries: Vec<String>,
}

/// A chunk block's bytes and its CID.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Block {
    bytes: String,
    cid: String,
}

/// A version 2 queue record: the chunks it links (CID text, in chunk order) and its counters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordIn {
    chunks: Vec<String>,
    dropped: u64,
    replayed: u64,
}

fn chunk(i: &ChunkIn) -> QueueChunk {
    let entries = i.entries.iter().map(|e| EncodedEntry::decode(&unhex(e)).unwrap()).collect();
    QueueChunk { n: i.n, entries }
}

fn build_chunk(i: &ChunkIn) -> Block {
    let block = chunk(i).encode();
    let back = QueueChunk::decode(&block.bytes).unwrap();
    assert_eq!(back.encode().bytes, block.bytes, "the chunk decodes back");
    Block { bytes: hex(&block.bytes), cid: block.cid.to_string() }
}

fn build_record(i: &RecordIn) -> Bytes {
    let chunks = i.chunks.iter().map(|c| Cid::try_from(c.as_str()).unwrap()).collect();
    let record = QueueRecord { chunks, dropped: i.dropped, replayed: i.replayed };
    let bytes = record.encode();
    assert_eq!(QueueRecord::decode(&bytes).unwrap(), record, "the record decodes back");
    Bytes { bytes: hex(bytes) }
}

fn build_root(i: &RootIn) -> Bytes {
    let cid = Cid::try_from(i.root.as_str()).unwrap();
    Bytes { bytes: hex(cid.to_bytes()) }
}

fn build_queue(i: &QueueIn) -> Bytes {
    let mut queue = DeltaQueue::new(i.capacity);
    for e in &i.pushed {
        queue.push(Entry::decode(&unhex(e)).unwrap());
    }
    let bytes = queue.encode();
    let back = DeltaQueue::decode(&bytes, i.capacity).unwrap();
    assert_eq!(back.encode(), bytes, "the saved queue decodes back");
    Bytes { bytes: hex(bytes) }
}

#[test]
fn state_vectors() {
    let chain = super::chain();
    let entry = |i: usize| hex(chain.entries[i].1.to_block().bytes);
    let mut file = VectorFile::open("state.json");
    file.section(
        "root",
        vec![("the empty tree", RootIn { root: vns::tree::empty_root().to_string() })],
        build_root,
    );
    file.section(
        "queue",
        vec![
            ("empty", QueueIn { capacity: 1000, pushed: vec![] }),
            (
                "two names",
                QueueIn {
                    capacity: 1000,
                    pushed: vec![entry(0), hex(super::other().to_block().bytes)],
                },
            ),
            (
                "a newer version replaces the queued one",
                QueueIn { capacity: 1000, pushed: vec![entry(0), entry(1)] },
            ),
            (
                "overflow drops the oldest",
                QueueIn {
                    capacity: 1,
                    pushed: vec![entry(0), hex(super::other().to_block().bytes)],
                },
            ),
        ],
        build_queue,
    );
    let first = ChunkIn { n: 0, entries: vec![entry(0), hex(super::other().to_block().bytes)] };
    let later = ChunkIn { n: 3, entries: vec![entry(1)] };
    let cid_of = |c: &ChunkIn| chunk(c).encode().cid.to_string();
    let linked = vec![cid_of(&first), cid_of(&later)];
    file.section(
        "queue_chunk",
        vec![("two deltas in chunk 0", first), ("one delta in chunk 3", later)],
        build_chunk,
    );
    file.section(
        "queue_record",
        vec![
            ("no chunks", RecordIn { chunks: vec![], dropped: 0, replayed: 0 }),
            ("two chunks and counters", RecordIn { chunks: linked, dropped: 2, replayed: 17 }),
        ],
        build_record,
    );
    file.finish();
}
