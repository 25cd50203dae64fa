//! Memory per name at 1M names with two records each (target: at most 600 bytes), measured
//! with a counting global allocator: live heap bytes of the namespace (entries, owner index
//! and merkle search tree) after loading and saving, divided by names.

#[path = "common.rs"]
mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use common::*;
use vns::namespace::Namespace;

struct Counting;
static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn main() {
    let n: u32 =
        std::env::var("VNS_MEMORY_NAMES").ok().and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let before = LIVE.load(Ordering::Relaxed);
    let mut ns = Namespace::new(params());
    // Entries are moved into the store; the temporary vector is freed when consumed, so
    // what stays allocated afterwards is the store alone.
    for e in unsigned_copies(n) {
        ns.restore(e);
    }
    // Steady state of a running node: the merkle tree built and the blocks handed to storage.
    ns.merkle_root();
    drop(ns.take_unsaved_blocks());
    let after = LIVE.load(Ordering::Relaxed);
    let per_name = (after - before) as f64 / n as f64;
    println!("memory/namespace_{n}: {per_name:.0} bytes per name (2 records each; target <= 600)");
    assert_eq!(ns.len(), n as usize);
}
