//! The wasm build's global allocator: std's own (dlmalloc), with linear memory grown in large
//! steps instead of the 64 KiB pages dlmalloc asks for one at a time.
//!
//! Why: V8 in Node 20 copies a memory that grows (measured here: one 64 KiB `memory.grow`
//! took 0.27 ms at 40 MiB and 3.4 ms at 200 MiB), so a heap filled page by page costs time
//! quadratic in its size. Loading 100,000 names (about 140 MiB of heap) grew memory some
//! 2,000 times. Browsers grow in place and lose nothing by the larger steps.
//!
//! How: after every allocation, a look at the memory's size (one instruction). When it grew
//! since the last look, dlmalloc has just taken new pages, so this allocates and frees at once
//! a block of a quarter of the memory's size: dlmalloc takes it from fresh pages in one
//! `memory.grow` and, freed, it joins the top of the heap, where the allocations that follow
//! are carved without growing again. Memory thus grows by about a quarter at a time (a few
//! dozen grows up to 4 GiB instead of tens of thousands); what is reserved and not yet used is
//! at most a fifth of the memory, and stays with the allocator as with any freed block.
//!
//! It also counts the bytes the program holds and their high-water mark ([`heap_stats`]):
//! linear memory only grows, so its size says how much a node once needed (rounded up to the
//! last step), not what it holds now; an operator reads both against the 4 GiB of wasm32.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use wasm_bindgen::prelude::*;

use super::convert::{num, object};

/// Bytes of one wasm page.
const PAGE: usize = 64 * 1024;
/// Least reserved at a growth (small heaps grow by at least this much).
const MIN_STEP: usize = 4 * 1024 * 1024;

/// dlmalloc, growing linear memory by a quarter of its size at a time (see the module docs).
pub struct GeometricHeap;

/// Pages of linear memory at the last look.
static PAGES_SEEN: AtomicUsize = AtomicUsize::new(0);
/// Bytes allocated and not yet freed (requested sizes; the step reservations are not counted).
static LIVE: AtomicUsize = AtomicUsize::new(0);
/// The highest [`LIVE`] has been.
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// Adds `bytes` to what is held, raising the high-water mark with it.
fn held_more(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

/// Takes `bytes` off what is held.
fn held_less(bytes: usize) {
    LIVE.fetch_sub(bytes, Ordering::Relaxed);
}

/// The wasm heap of this instance: `memoryBytes` (linear memory, which only grows; wasm32
/// caps it at 4 GiB), `liveBytes` (what the program holds now) and `peakLiveBytes` (the
/// most it held at once). Every node and light client of one package instance share it.
///
/// ```ts
/// const { memoryBytes, liveBytes, peakLiveBytes } = heapStats();
/// console.log(`${(memoryBytes / 2 ** 30).toFixed(2)} GiB of the 4 GiB wasm32 allows`);
/// ```
#[wasm_bindgen(js_name = heapStats, unchecked_return_type = "HeapStats")]
pub fn heap_stats() -> JsValue {
    let memory = core::arch::wasm32::memory_size::<0>() * PAGE;
    let bytes = |n: usize| num(n as u64);
    object(&[
        ("memoryBytes", bytes(memory)),
        ("liveBytes", bytes(LIVE.load(Ordering::Relaxed))),
        ("peakLiveBytes", bytes(PEAK.load(Ordering::Relaxed))),
    ])
}

#[global_allocator]
static HEAP: GeometricHeap = GeometricHeap;

impl GeometricHeap {
    /// After an allocation: if memory grew since the last look, reserve the next step.
    fn grew() {
        let pages = core::arch::wasm32::memory_size::<0>();
        if pages == PAGES_SEEN.load(Ordering::Relaxed) {
            return;
        }
        // Recorded first: the reserving allocation below comes back here and must stop.
        PAGES_SEEN.store(pages, Ordering::Relaxed);
        let step = (pages * PAGE / 4).max(MIN_STEP);
        if let Ok(layout) = Layout::from_size_align(step, 16) {
            // SAFETY: a non-zero size and a valid alignment; freed with the same layout.
            unsafe {
                let block = System.alloc(layout);
                if !block.is_null() {
                    System.dealloc(block, layout);
                }
            }
        }
        // Past the 4 GiB limit the reservation fails (null) and memory grows as dlmalloc asks.
        PAGES_SEEN.store(core::arch::wasm32::memory_size::<0>(), Ordering::Relaxed);
    }
}

// SAFETY: every call is forwarded to `System` unchanged; `grew` only allocates and frees a
// block of its own.
unsafe impl GlobalAlloc for GeometricHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let block = unsafe { System.alloc(layout) };
        if !block.is_null() {
            held_more(layout.size());
        }
        Self::grew();
        block
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let block = unsafe { System.alloc_zeroed(layout) };
        if !block.is_null() {
            held_more(layout.size());
        }
        Self::grew();
        block
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        held_less(layout.size());
        unsafe { System.dealloc(block, layout) }
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let moved = unsafe { System.realloc(block, layout, new_size) };
        // A failed realloc leaves the old block in place, still held.
        if !moved.is_null() {
            match new_size.checked_sub(layout.size()) {
                Some(more) => held_more(more),
                None => held_less(layout.size() - new_size),
            }
        }
        Self::grew();
        moved
    }
}
