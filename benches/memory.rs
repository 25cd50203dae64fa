//! Memory per name at 1M names with two records each (target: at most 600 bytes), measured
//! with a counting global allocator: live heap bytes of the namespace (entries, owner index
//! and merkle search tree) after loading and saving, divided by names. The allocator counts
//! requested sizes (a `Vec`'s capacity, not its length), so the machine's load does not
//! change the figure.
//!
//! Three loads are measured: entries built in memory (the figure with the target), the same
//! entries decoded from their blocks (what a node holds after loading its storage or a
//! catch-up), and entries of a million distinct owners (the owner index at its largest).
//! For the first, the bench says where the bytes go: the entries' own heap (walked), the
//! tree (built again on its own and counted) and the rest (the store's set and the owner
//! index). `VNS_MEMORY_HISTOGRAM=1` also prints the live allocations by size.

#[path = "common.rs"]
mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::mem::size_of;
use std::sync::atomic::{AtomicIsize, Ordering};

use common::*;
use vns::entry::{EncodedEntry, Entry};
use vns::identity::Keypair;
use vns::namespace::Namespace;
use vns::op::SignedOp;
use vns::record::{Record, RecordData};
use vns::tree::Tree;

struct Counting;
static LIVE: AtomicIsize = AtomicIsize::new(0);

/// Live allocations by requested size; the last slot counts every size from it up.
static BY_SIZE: [AtomicIsize; HISTOGRAM_SLOTS] = [const { AtomicIsize::new(0) }; HISTOGRAM_SLOTS];
const HISTOGRAM_SLOTS: usize = 4097;

fn slot(size: usize) -> &'static AtomicIsize {
    &BY_SIZE[size.min(HISTOGRAM_SLOTS - 1)]
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        slot(layout.size()).fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        slot(layout.size()).fetch_sub(1, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live() -> isize {
    LIVE.load(Ordering::Relaxed)
}

fn histogram() -> Vec<isize> {
    BY_SIZE.iter().map(|count| count.load(Ordering::Relaxed)).collect()
}

/// Loads the entries `make` makes into a namespace as a node does (its tree built, its blocks
/// handed to storage) and returns it with its live heap in bytes. The entries are made inside
/// the count, so what they allocate and then hand to the store is counted.
fn load<I: Iterator<Item = EncodedEntry>>(make: impl FnOnce() -> I) -> (Namespace, isize) {
    let before = live();
    let mut ns = Namespace::new(params());
    for entry in make() {
        ns.restore(entry);
    }
    ns.merkle_root();
    drop(ns.take_unsaved_blocks());
    (ns, live() - before)
}

/// Heap held by one entry's values: its ops (and their boxed links) and records (and their
/// boxed payloads) with their capacities, and its name.
fn entry_heap(entry: &Entry) -> usize {
    let links =
        |op: &SignedOp| (op.op.lineage.is_some() as usize + op.op.prev.is_some() as usize) * 32;
    let payload = |record: &Record| match &record.data {
        RecordData::Txt(text) | RecordData::Sync(text) => text.len(),
        RecordData::Fs(_) => size_of::<cid::Cid>(),
        RecordData::A(_) | RecordData::Aaaa(_) => 0,
    };
    entry.ops.capacity() * size_of::<SignedOp>()
        + entry.ops.iter().map(links).sum::<usize>()
        + entry.records.capacity() * size_of::<Record>()
        + entry.records.iter().map(payload).sum::<usize>()
        + entry.name().as_str().len()
}

/// The template entries with one key per name (the owner index's largest shape).
fn distinct_owners(n: u32) -> impl Iterator<Item = Entry> {
    unsigned_copies(n).into_iter().zip(0u32..).map(|(mut entry, i)| {
        let mut secret = [9u8; 32];
        secret[..4].copy_from_slice(&i.to_le_bytes());
        entry.ops[0].op.signer = Keypair::from_secret(&secret).public();
        entry
    })
}

fn main() {
    let n: u32 =
        std::env::var("VNS_MEMORY_NAMES").ok().and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let per_name = |bytes: isize| bytes as f64 / n as f64;

    let sizes_before = histogram();
    let (mut ns, total) = load(|| unsigned_copies(n).into_iter().map(EncodedEntry::new));
    let sizes_after = histogram();
    assert_eq!(ns.len(), n as usize);
    println!(
        "memory/namespace_{n}: {:.0} bytes per name (2 records each; target <= 600)",
        per_name(total)
    );

    let entries: usize = ns.entries().map(entry_heap).sum();
    let keys: Vec<(String, cid::Cid)> = ns.tree().iter().collect();
    let before = live();
    // From borrowed keys: the tree makes (and is counted for) the strings it keeps.
    let mut tree = Tree::from_sorted(keys.iter().map(|(key, cid)| (key.as_str(), *cid)))
        .expect("a tree's keys are sorted");
    // As the namespace's tree once its blocks are handed to storage: no new nodes listed.
    drop(tree.take_changes());
    let tree_bytes = live() - before;
    assert_eq!(tree.root(), ns.merkle_root());
    drop((tree, keys));
    let rest = total - entries as isize - tree_bytes;
    println!("  entries' ops, records and names: {:.1}", per_name(entries as isize));
    println!("  merkle search tree:              {:.1}", per_name(tree_bytes));
    println!("  store set and owner index:       {:.1}", per_name(rest));
    if std::env::var_os("VNS_MEMORY_HISTOGRAM").is_some() {
        println!(
            "  live allocations by size (bytes per name; the last row counts the size as 4096):"
        );
        for (size, (after, before)) in sizes_after.iter().zip(&sizes_before).enumerate() {
            let bytes = per_name((after - before) * size as isize);
            if bytes.abs() >= 0.5 {
                println!("    {size:5} bytes x {:9}: {bytes:7.1}", after - before);
            }
        }
    }
    drop(ns);

    let decoded = || {
        unsigned_copies(n).into_iter().map(|entry| {
            EncodedEntry::decode_block(entry.to_block()).expect("a built entry decodes")
        })
    };
    let (_, total) = load(decoded);
    println!("memory/namespace_{n}_decoded: {:.0} bytes per name", per_name(total));

    let (_, total) = load(|| distinct_owners(n).map(EncodedEntry::new));
    println!("memory/namespace_{n}_distinct_owners: {:.0} bytes per name", per_name(total));
}
