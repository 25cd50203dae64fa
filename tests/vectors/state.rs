//! `state.json`: saved state beside the blocks: the root pointer and the delta queue.

use cid::Cid;
use serde::{Deserialize, Serialize};
use vns::entry::Entry;
use vns::sync::DeltaQueue;

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
    file.finish();
}
