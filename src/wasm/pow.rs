//! One chunk of the proof-of-work search, so JS can report progress and abort between chunks
//! (or run chunks in a Worker).

use wasm_bindgen::prelude::*;

use super::args;
use super::error::{invalid, JsResult};
use crate::pow::{self, MAX_SOLVABLE_DIFFICULTY};

/// Tries nonces `start .. start + count` for registering `name` to `owner` (a peer id) at
/// `ts`; returns the first meeting `difficulty`, or `undefined`.
///
/// ```ts
/// let nonce, start = 0;
/// while ((nonce = powSearch('alice', keys.peerId, ts, node.difficulty, start, 4096)) === undefined) {
///   start += 4096;
///   await new Promise((r) => setTimeout(r, 0));
/// }
/// ```
#[wasm_bindgen(js_name = powSearch)]
pub fn pow_search(
    name: &str,
    owner: &str,
    ts: f64,
    difficulty: f64,
    start: f64,
    count: f64,
) -> JsResult<Option<f64>> {
    super::init();
    let name = args::name(name)?;
    let owner = args::owner(owner)?;
    let ts = args::uint("ts", ts)?;
    let difficulty = u8::try_from(args::uint("difficulty", difficulty)?)
        .ok()
        .filter(|d| *d <= MAX_SOLVABLE_DIFFICULTY)
        .ok_or_else(|| invalid("difficulty", format!("above {MAX_SOLVABLE_DIFFICULTY}")))?;
    let start = args::uint("start", start)?;
    let count = args::uint("count", count)?;
    // Nonces stay exact JS numbers.
    let count = count.min((1u64 << 53) - start);
    Ok(pow::search(&name, &owner, ts, difficulty, start, count).map(|n| n as f64))
}
