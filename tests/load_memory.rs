//! Loading a saved namespace holds each entry once: the most the load holds at any moment,
//! beyond what the store already held, stays within a small multiple of what the loaded
//! namespace then keeps. (A load that decoded every entry before holding any held the whole
//! namespace twice at its end.) Counted with a counting global allocator, so the figures are
//! the same on every run and machine.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use vns::blockstore::MemoryBlockstore;
use vns::build;
use vns::identity::Keypair;
use vns::name::Name;
use vns::namespace::{Limits, Namespace};
use vns::params::NetworkParams;
use vns::persist;
use vns::record::Record;

/// Bytes allocated and not yet freed.
static LIVE: AtomicUsize = AtomicUsize::new(0);
/// The highest [`LIVE`] since the last [`restart_peak`].
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// The system allocator, counting what is held and its high-water mark.
struct Counting;

fn held_more(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to `System` unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let block = unsafe { System.alloc(layout) };
        if !block.is_null() {
            held_more(layout.size());
        }
        block
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(block, layout) }
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let moved = unsafe { System.realloc(block, layout, new_size) };
        if !moved.is_null() {
            held_more(new_size);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        moved
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Starts a new high-water mark at what is held now, and returns that.
fn restart_peak() -> usize {
    let live = LIVE.load(Ordering::Relaxed);
    PEAK.store(live, Ordering::Relaxed);
    live
}

const NAMES: u32 = 20_000;

#[test]
fn a_load_holds_each_entry_once() {
    let params = NetworkParams::testing();
    let key = Keypair::from_secret(&[9; 32]);
    let mut ns = Namespace::new(params.clone());
    for i in 0..NAMES {
        let name = Name::parse(&format!("load{i:05}")).unwrap();
        let records = vec![
            Record::parse("A", &format!("10.0.{}.{}", (i >> 8) & 255, i & 255), None).unwrap(),
            Record::parse("TXT", "load memory", None).unwrap(),
        ];
        ns.restore(build::register(&params, &key, &name, records, 1_000).unwrap());
    }
    let store = MemoryBlockstore::new();
    pollster::block_on(persist::save(&mut ns, &store, &[])).unwrap();
    let root = ns.merkle_root();
    drop(ns);

    let before = restart_peak();
    let mut loaded = pollster::block_on(persist::load(&store, params, Limits::default())).unwrap();
    let kept = LIVE.load(Ordering::Relaxed) - before;
    let peak = PEAK.load(Ordering::Relaxed) - before;
    assert_eq!(loaded.len(), NAMES as usize);
    assert_eq!(loaded.merkle_root(), root);
    let per_name = |bytes: usize| bytes / NAMES as usize;
    println!(
        "load of {NAMES} names: keeps {} B per name, held at most {} B per name",
        per_name(kept),
        per_name(peak)
    );
    // The load's own copies: the blocks read in one go (a copy of what the store holds), the
    // tree's keys in order, and one batch of decoded entries; the namespace itself is built
    // once, in place.
    assert!(
        peak * 4 <= kept * 9,
        "the load held at most {} B per name for {} B per name kept: more than 2.25 times",
        per_name(peak),
        per_name(kept)
    );
}
