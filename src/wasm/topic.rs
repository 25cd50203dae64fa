//! `VnsNode`'s pub-sub face: catch-up links, the topic's verdict on each message, and the
//! entries to publish ([`crate::sync::SyncNode::receive_published`] and its neighbours).

use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;

use super::args;
use super::convert::{self, object};
use super::error::JsResult;
use super::node::VnsNode;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/**
 * What a message from the topic did (`VnsNode.receivePublished`): `accept` (new, applied:
 * forward it), `reject` (no honest node publishes it: penalise the sender) or `ignore` (old
 * news or an honest race: drop it, blame nobody); the entry's `name` when it decoded, the
 * rule's `code` when it was not accepted, and the frames for the live links.
 */
export interface PublishedOutcome {
  verdict: "accept" | "reject" | "ignore";
  name: string | null;
  code: string | null;
  out: Outbound[];
}
"#;

#[wasm_bindgen]
impl VnsNode {
    /// A catch-up link to `peer` opened: like `connect`, but no live deltas go on it (they
    /// travel on the topic). Returns the `Hello`.
    #[wasm_bindgen(js_name = connectCatchUp, unchecked_return_type = "Outbound[]")]
    pub fn connect_catch_up(&self, peer: f64, now: f64) -> JsResult<Array> {
        let peer = args::peer(peer)?;
        let now = args::uint("now", now)?;
        self.with(|n| Ok(convert::outbound(n.connect_catch_up(peer, now))))
    }

    /// Turns the topic on: accepted versions are kept for `takePublications`, and local
    /// changes no longer wait in the queue for a link.
    #[wasm_bindgen(js_name = enableTopic)]
    pub fn enable_topic(&self) -> JsResult<()> {
        self.with(|n| {
            n.enable_topic();
            Ok(())
        })
    }

    /// The entry blocks to publish on the topic since the last call, one message each.
    #[wasm_bindgen(js_name = takePublications, unchecked_return_type = "Uint8Array[]")]
    pub fn take_publications(&self) -> JsResult<Array> {
        self.with(|n| {
            Ok(n.take_publications().iter().map(|e| Uint8Array::from(e.bytes())).collect())
        })
    }

    /// One message from the topic, validated and applied like any entry from a peer; never
    /// throws on any bytes.
    #[wasm_bindgen(js_name = receivePublished, unchecked_return_type = "PublishedOutcome")]
    pub fn receive_published(&self, bytes: &[u8], now: f64) -> JsResult<JsValue> {
        let now = args::uint("now", now)?;
        self.with(|n| {
            let p = n.receive_published(bytes, now);
            Ok(object(&[
                ("verdict", p.verdict.as_str().into()),
                ("name", p.name.map_or(JsValue::NULL, |name| String::from(name).into())),
                ("code", p.code.map_or(JsValue::NULL, JsValue::from)),
                ("out", convert::outbound(p.out).into()),
            ]))
        })
    }
}
