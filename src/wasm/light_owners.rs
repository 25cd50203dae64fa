//! `VnsLight`'s owner questions and its cache listing: availability, history and renewal
//! outlook answered from the verified versions (as `VnsNode` answers them from its store), and
//! what the cache holds, for a page to show.

use js_sys::Array;
use wasm_bindgen::prelude::*;

use super::args;
use super::convert::{num, object};
use super::error::{coded, JsResult};
use super::light::VnsLight;
use super::owners::{availability_value, history_value, outlook_value};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** One verified answer a light client holds (`VnsLight.cached`). */
export interface LightCachedName {
  name: string;
  /** The entry block's size (0: proven absent). */
  bytes: number;
  /** The verified version's owner, `null` when proven absent. */
  owner: string | null;
  /** When it was verified or last pushed, ms. */
  verifiedAt: number;
  /** Whether an answer now would be marked stale. */
  stale: boolean;
}
/** What a light client's cache holds, most recently used first, and its saved size. */
export interface LightCacheListing { names: LightCachedName[]; savedBytes: number }
"#;

#[wasm_bindgen]
impl VnsLight {
    /// Whether `name` can be registered, on the version verified here (look it up first):
    /// `invalid` (never thrown) for a bad or reserved name; throws `resolve.offline` (or the
    /// last lookup's failure) when nothing was verified about it.
    #[wasm_bindgen(unchecked_return_type = "NameAvailability")]
    pub fn availability(&self, name: &str, now: f64) -> JsResult<JsValue> {
        let now = args::uint("now", now)?;
        self.with(|c| Ok(availability_value(c.availability(name, now).map_err(coded)?)))
    }

    /// The ops the verified version of `name` carries, oldest first (`store.not_found` when
    /// the peers proved it absent).
    #[wasm_bindgen(unchecked_return_type = "NameHistoryEvent[]")]
    pub fn history(&self, name: &str) -> JsResult<Array> {
        let name = args::name(name)?;
        self.with(|c| Ok(history_value(c.history(&name).map_err(coded)?)))
    }

    /// What a renewal of `name` signed at `now` would do, on its verified version.
    #[wasm_bindgen(unchecked_return_type = "RenewalOutlook")]
    pub fn renewal(&self, name: &str, now: f64) -> JsResult<JsValue> {
        let (name, now) = (args::name(name)?, args::uint("now", now)?);
        self.with(|c| Ok(outlook_value(c.renewal(&name, now).map_err(coded)?)))
    }

    /// Every verified answer held, most recently used first, and the saved cache's size.
    #[wasm_bindgen(unchecked_return_type = "LightCacheListing")]
    pub fn cached(&self, now: f64) -> JsResult<JsValue> {
        let now = args::uint("now", now)?;
        self.with(|c| {
            let listing = c.cached(now);
            let names: Array = listing
                .names
                .into_iter()
                .map(|n| {
                    let owner = n.owner.map_or(JsValue::NULL, |o| o.to_peer_id().into());
                    object(&[
                        ("name", n.name.as_str().into()),
                        ("bytes", num(n.bytes as u64)),
                        ("owner", owner),
                        ("verifiedAt", num(n.verified_at)),
                        ("stale", n.stale.into()),
                    ])
                })
                .collect();
            Ok(object(&[("names", names.into()), ("savedBytes", num(listing.saved_bytes as u64))]))
        })
    }
}
