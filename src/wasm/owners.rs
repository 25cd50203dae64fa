//! What owners ask a node about a name: `availability`, `history` and `renewal`, answered
//! from the node's store at the `now` the shim passes (its clock).

use js_sys::Array;
use wasm_bindgen::prelude::*;

use super::args;
use super::convert::{num, object};
use super::error::{coded, JsResult};
use super::node::VnsNode;
use crate::availability::{availability, Availability};
use crate::history::history;
use crate::renewal;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Where a name stands for someone who wants to register it (`VnsNode.availability`). */
export interface NameAvailability {
  /** The canonical name (the input as given when `state` is `"invalid"`). */
  name: string;
  state: "free" | "taken" | "grace" | "invalid";
  /** Owner peer id (`taken`, `grace`). */
  owner?: string;
  /** Expiry, ms since the epoch (`taken`, `grace`). */
  expires?: number;
  /** When the grace period ends and the name becomes free, ms (`grace`). */
  graceEnds?: number;
  /** Why the name cannot be registered (`invalid`): the core's dotted code and sentence. */
  code?: string;
  message?: string;
}
/** One operation an entry carries (`VnsNode.history`). */
export interface NameHistoryEvent {
  kind: "register" | "renew" | "transfer" | "update";
  /** The op's signed time, ms since the epoch. */
  at: number;
  /** The signer's peer id. */
  by: string;
  /** The owner after the op. */
  owner: string;
  /** The expiry the op set (registrations and renewals only). */
  expires?: number;
}
/** What a renewal signed now would do (`VnsNode.renewal`), all in ms. */
export interface RenewalOutlook {
  /** The expiry now. */
  expires: number;
  /** The expiry after a renewal signed now. */
  renewedExpires: number;
  /** `renewedExpires - expires`. */
  gain: number;
  /** The start of the renewal window: from then on renewing gains nearly a whole period. */
  worthwhileFrom: number;
}
"#;

#[wasm_bindgen]
impl VnsNode {
    /// Whether `name` is free, taken (by whom, until when), in grace, or invalid (with the
    /// name rules' code and message), in this node's store at `now`. Never throws for a bad
    /// name: that is the `invalid` answer.
    ///
    /// ```ts
    /// node.availability('alice', Date.now()); // { name: 'alice.vfs', state: 'free' }
    /// ```
    #[wasm_bindgen(unchecked_return_type = "NameAvailability")]
    pub fn availability(&self, name: &str, now: f64) -> JsResult<JsValue> {
        let now = args::uint("now", now)?;
        self.with(|n| {
            Ok(match availability(n.namespace(), name, now) {
                Availability::Free { name } => {
                    object(&[("name", name.as_str().into()), ("state", "free".into())])
                }
                Availability::Taken { name, owner, expires } => object(&[
                    ("name", name.as_str().into()),
                    ("state", "taken".into()),
                    ("owner", owner.to_peer_id().into()),
                    ("expires", num(expires)),
                ]),
                Availability::Grace { name, owner, expires, grace_ends } => object(&[
                    ("name", name.as_str().into()),
                    ("state", "grace".into()),
                    ("owner", owner.to_peer_id().into()),
                    ("expires", num(expires)),
                    ("graceEnds", num(grace_ends)),
                ]),
                Availability::Invalid { input, code, message } => object(&[
                    ("name", input.into()),
                    ("state", "invalid".into()),
                    ("code", code.into()),
                    ("message", message.into()),
                ]),
            })
        })
    }

    /// The operations the held entry of `name` carries, oldest first (the registration, every
    /// transfer and renewal, the latest update if no renewal or transfer followed it). Throws
    /// `store.not_found` when the node holds no version.
    #[wasm_bindgen(unchecked_return_type = "NameHistoryEvent[]")]
    pub fn history(&self, name: &str) -> JsResult<Array> {
        let name = args::name(name)?;
        self.with(|n| {
            let entry = n
                .namespace()
                .get(&name)
                .ok_or_else(|| coded(crate::error::Error::NotFound { name: name.to_string() }))?;
            Ok(history(entry)
                .into_iter()
                .map(|event| {
                    let mut fields = vec![
                        ("kind", event.kind.as_str().into()),
                        ("at", num(event.at)),
                        ("by", event.by.to_peer_id().into()),
                        ("owner", event.owner.to_peer_id().into()),
                    ];
                    fields.extend(event.expires.map(|e| ("expires", num(e))));
                    object(&fields)
                })
                .collect())
        })
    }

    /// What a renewal of `name` signed at `now` would set and gain, and from when renewing is
    /// worthwhile. Throws `store.not_found` (not held) or `rule.lapsed` (past its grace).
    #[wasm_bindgen(unchecked_return_type = "RenewalOutlook")]
    pub fn renewal(&self, name: &str, now: f64) -> JsResult<JsValue> {
        let name = args::name(name)?;
        let now = args::uint("now", now)?;
        self.with(|n| {
            let outlook = renewal::for_name(n.namespace(), &name, now).map_err(coded)?;
            Ok(object(&[
                ("expires", num(outlook.expires)),
                ("renewedExpires", num(outlook.renewed_expires)),
                ("gain", num(outlook.gain)),
                ("worthwhileFrom", num(outlook.worthwhile_from)),
            ]))
        })
    }
}
