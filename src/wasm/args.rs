//! Checking JS input once, at the edge: anything malformed becomes a `vns.invalid_argument`
//! (or the core's own code) before the core sees it, so no bad input can reach a panic.

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::error::{coded, invalid, JsResult};
use crate::identity::PublicKey;
use crate::name::Name;
use crate::record::{Record, MAX_RECORDS};

/// Largest integer a JS number holds exactly.
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

/// A non-negative integer that fits a JS number exactly (times, nonces, counts).
pub(crate) fn uint(field: &str, value: f64) -> JsResult<u64> {
    if (0.0..=MAX_SAFE).contains(&value) && value.fract() == 0.0 {
        Ok(value as u64)
    } else {
        Err(invalid(field, format!("{value} is not an integer in 0..=2^53-1")))
    }
}

/// A link number (the core's `LinkId`, one peer connection): an integer in 0..=2^32-1.
pub(crate) fn peer(value: f64) -> JsResult<u64> {
    let peer = uint("peer", value)?;
    if peer > u64::from(u32::MAX) {
        return Err(invalid("peer", "must be below 2^32"));
    }
    Ok(peer)
}

/// A name as the user typed it (`alice` or `alice.vfs`).
pub(crate) fn name(input: &str) -> JsResult<Name> {
    Name::parse(input).map_err(coded)
}

/// The name as the core stores it: `.vfs` appended, UTS-46 mapped (lower case, and
/// punycode for internationalised labels). Throws `name.*` for a name the core refuses.
/// Change events and answers carry this spelling.
///
/// ```ts
/// canonicalName('München'); // "xn--mnchen-3ya.vfs"
/// canonicalName('Alice.vfs'); // "alice.vfs"
/// ```
#[wasm_bindgen(js_name = canonicalName)]
pub fn canonical_name(input: &str) -> JsResult<String> {
    super::init();
    name(input).map(String::from)
}

/// An owner given as a peer id (`12D3KooW…`).
pub(crate) fn owner(peer_id: &str) -> JsResult<PublicKey> {
    PublicKey::from_peer_id(peer_id).map_err(coded)
}

fn field(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

/// Records given as `[{ type, value, ttl? }]`.
pub(crate) fn records(value: &JsValue) -> JsResult<Vec<Record>> {
    if value.is_undefined() || value.is_null() {
        return Ok(Vec::new());
    }
    let array = value.dyn_ref::<Array>().ok_or_else(|| invalid("records", "not an array"))?;
    // Refuse absurd input before parsing it; the core gives the precise limit error.
    if array.length() as usize > MAX_RECORDS * 4 {
        return Err(invalid("records", format!("{} records", array.length())));
    }
    array
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let at = |what: &str| format!("records[{i}].{what}");
            if !item.is_object() {
                return Err(invalid(&format!("records[{i}]"), "not an object"));
            }
            let kind = field(&item, "type")
                .as_string()
                .ok_or_else(|| invalid(&at("type"), "not a string"))?;
            let value = field(&item, "value")
                .as_string()
                .ok_or_else(|| invalid(&at("value"), "not a string"))?;
            let ttl = match field(&item, "ttl") {
                t if t.is_undefined() || t.is_null() => None,
                t => {
                    let n = t.as_f64().ok_or_else(|| invalid(&at("ttl"), "not a number"))?;
                    let n = uint(&at("ttl"), n)?;
                    Some(u32::try_from(n).map_err(|_| invalid(&at("ttl"), "too large"))?)
                }
            };
            Record::parse(&kind, &value, ttl).map_err(coded)
        })
        .collect()
}

/// An optional field of an options object.
pub(crate) fn option(options: &JsValue, key: &str) -> Option<JsValue> {
    if !options.is_object() {
        return None;
    }
    Some(field(options, key)).filter(|v| !v.is_undefined() && !v.is_null())
}

/// An optional integer field of an options object.
pub(crate) fn option_uint(options: &JsValue, key: &str) -> JsResult<Option<u64>> {
    match option(options, key) {
        None => Ok(None),
        Some(v) => {
            let n = v.as_f64().ok_or_else(|| invalid(key, "not a number"))?;
            uint(key, n).map(Some)
        }
    }
}

/// The arguments of a registration from JS, checked: what `checkRegister` and `register`
/// of both `VnsNode` and `VnsLight` build their entry from.
pub(crate) struct Registration {
    name: Name,
    records: Vec<Record>,
    /// When it is made (ms).
    pub(crate) ts: u64,
}

impl Registration {
    /// Checks `name`, `records` and `ts` as JS passed them.
    pub(crate) fn parse(name: &str, records: &JsValue, ts: f64) -> JsResult<Registration> {
        Ok(Registration {
            name: self::name(name)?,
            records: self::records(records)?,
            ts: uint("ts", ts)?,
        })
    }

    /// The registration signed by `key` with `nonce` (any nonce, such as 0, to check it
    /// before the proof-of-work is spent).
    pub(crate) fn build(
        self,
        params: &crate::params::NetworkParams,
        key: &crate::identity::Keypair,
        nonce: u64,
    ) -> JsResult<crate::entry::Entry> {
        crate::build::register_with_nonce(params, key, &self.name, self.records, self.ts, nonce)
            .map_err(coded)
    }
}
