//! Names as the core canonicalises them, for JS code that must match names the way the
//! store does (the DNS server matching a query name, for instance).

use wasm_bindgen::prelude::*;

use super::args;
use super::error::JsResult;

/// The canonical form of a name as typed (`Alice` and `alice.VFS` give `alice.vfs`,
/// `münchen` gives `xn--mnchen-3ya.vfs`); throws the core's `name.*` error otherwise.
///
/// ```ts
/// canonicalName('Alice.VFS'); // 'alice.vfs'
/// canonicalName('alice.com'); // throws, code 'name.wrong_tld'
/// ```
#[wasm_bindgen(js_name = canonicalName)]
pub fn canonical_name(input: &str) -> JsResult<String> {
    super::init();
    Ok(args::name(input)?.as_str().to_owned())
}
