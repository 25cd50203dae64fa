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

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Bytes of one wasm page.
const PAGE: usize = 64 * 1024;
/// Least reserved at a growth (small heaps grow by at least this much).
const MIN_STEP: usize = 4 * 1024 * 1024;

/// dlmalloc, growing linear memory by a quarter of its size at a time (see the module docs).
pub struct GeometricHeap;

/// Pages of linear memory at the last look.
static PAGES_SEEN: AtomicUsize = AtomicUsize::new(0);

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
        Self::grew();
        block
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let block = unsafe { System.alloc_zeroed(layout) };
        Self::grew();
        block
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        unsafe { System.dealloc(block, layout) }
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let moved = unsafe { System.realloc(block, layout, new_size) };
        Self::grew();
        moved
    }
}
