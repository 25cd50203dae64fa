//! The wasm build's allocator grows linear memory in large steps (`src/wasm/heap.rs`): a heap
//! filled by many small allocations grows memory a few dozen times, not once per 64 KiB page,
//! and memory freed is used again rather than grown anew.
#![cfg(all(target_arch = "wasm32", feature = "wasm"))]

use core::arch::wasm32::memory_size;
use wasm_bindgen_test::*;

const PAGE: usize = 64 * 1024;

/// Fills `mib` MiB in 1 KiB vectors, returning them and every memory size seen on the way.
fn fill(mib: usize) -> (Vec<Vec<u8>>, Vec<usize>) {
    // Linking the crate installs its global allocator.
    let _ = vns::wasm::canonical_name;
    let mut sizes = vec![memory_size::<0>()];
    let mut held = Vec::with_capacity(mib * 1024);
    for i in 0..mib * 1024 {
        held.push(vec![i as u8; 1024]);
        let now = memory_size::<0>();
        if now != sizes[sizes.len() - 1] {
            sizes.push(now);
        }
    }
    (held, sizes)
}

#[wasm_bindgen_test]
fn memory_grows_in_large_steps() {
    let (held, sizes) = fill(64);
    let grown = (sizes[sizes.len() - 1] - sizes[0]) * PAGE;
    assert!(grown >= 64 << 20, "64 MiB were allocated, memory grew by {grown} bytes");
    // Page by page this is about 1,000 grows; by a quarter of the memory, a dozen or so.
    assert!(sizes.len() - 1 <= 24, "{} grows: {sizes:?}", sizes.len() - 1);
    let top = sizes[sizes.len() - 1];
    drop(held);
    let (again, _) = fill(64);
    let after = memory_size::<0>();
    assert!(
        after * 4 <= top * 5,
        "the same 64 MiB again grew memory from {top} to {after} pages: reserved memory leaked"
    );
    drop(again);
}
