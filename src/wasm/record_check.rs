//! `checkRecord`: one record checked by the core's rules on its own, so that a record editor
//! can show each row's error as the user types instead of after a whole change is refused.

use js_sys::Array;
use wasm_bindgen::prelude::*;

use super::args;
use super::error::JsResult;

/// Checks one record `{ type, value, ttl? }` by the rules a change applies to it (type,
/// value syntax and size, TTL bounds); throws the coded error a change would throw
/// (`record.*`, or `vns.invalid_argument` for a value that is not a string). Rules over a
/// whole set (count, total size) are checked by the change itself.
///
/// ```ts
/// checkRecord({ type: 'A', value: '192.0.2.1' });     // fine
/// try { checkRecord({ type: 'A', value: '300.1.2.3' }); } catch (e) { e.code; } // "record.…"
/// ```
#[wasm_bindgen(js_name = checkRecord)]
pub fn check_record(record: JsValue) -> JsResult<()> {
    super::init();
    args::records(&Array::of1(&record).into()).map(drop)
}
