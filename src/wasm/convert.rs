//! Core values as plain JS objects (see `types.rs` for their TypeScript types).

use cid::Cid;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::entry::{MAX_CHAIN_OPS, MAX_ENTRY_BYTES};
use crate::name::{MAX_INPUT_BYTES, RESERVED};
use crate::namespace::{Applied, Resolved};
use crate::params::NetworkParams;
use crate::record::{
    DEFAULT_TTL, KINDS, MAX_RECORDS, MAX_RECORDS_BYTES, MAX_TTL, MAX_TXT_BYTES, MAX_VALUE_BYTES,
    MIN_TTL,
};
use crate::sync::{
    ClockHealth, Committed, Counters, Event, Outbound, PeerChange, QueueStatus, MAX_FRAME_BYTES,
};

/// Builds a plain object from `(key, value)` pairs.
pub(crate) fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in fields {
        // Defining a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&object, &(*key).into(), value);
    }
    object.into()
}

/// A u64 the core produced (times, counters): exact below 2^53, which every real value is.
pub(crate) fn num(n: u64) -> JsValue {
    JsValue::from_f64(n as f64)
}

/// Bytes as a fresh `Uint8Array`.
pub(crate) fn bytes(b: &[u8]) -> JsValue {
    Uint8Array::from(b).into()
}

// Builds an answer from `Resolved::to_lines` (fields separated by '\n'), keys in the order
// of the answer's type: one string decoded, one call, and an object literal the engine keeps
// one shape for.
#[wasm_bindgen(inline_js = r#"
export function answerFromLines(text, expires, seq) {
  const f = text.split('\n');
  const records = [];
  for (let i = 3; i < f.length; i += 3) records.push({ type: f[i], value: f[i + 1], ttl: Number(f[i + 2]) });
  return { name: f[0], records, owner: f[1], expires, seq, entry: f[2] === '' ? null : f[2] };
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = answerFromLines)]
    fn answer_from_lines(text: &str, expires: f64, seq: f64) -> JsValue;
}

/// `{ name, records: [{ type, value, ttl }], owner, expires, seq, entry }`; `entry` is the
/// CID of the answering entry's block.
pub(crate) fn resolved(r: &Resolved<'_>, entry: Option<Cid>) -> JsValue {
    match r.to_lines(entry.as_ref()) {
        Some(lines) => answer_from_lines(&lines, r.expires as f64, r.seq as f64),
        None => resolved_by_fields(r, entry),
    }
}

/// [`resolved`], one key and value at a time.
fn resolved_by_fields(r: &Resolved<'_>, entry: Option<Cid>) -> JsValue {
    let records: Array = r
        .records
        .iter()
        .map(|rec| {
            object(&[
                ("type", rec.kind().into()),
                ("value", rec.data.to_string().into()),
                ("ttl", rec.ttl.into()),
            ])
        })
        .collect();
    object(&[
        ("name", r.name.as_str().into()),
        ("records", records.into()),
        ("owner", r.owner.to_peer_id().into()),
        ("expires", num(r.expires)),
        ("seq", num(r.seq)),
        ("entry", entry.map_or(JsValue::NULL, |cid| cid.to_string().into())),
    ])
}

/// `{ peer, bytes }` or `{ peer, close: { code, reason } }`, as an array.
pub(crate) fn outbound(actions: Vec<Outbound>) -> Array {
    actions
        .into_iter()
        .map(|action| match action {
            Outbound::Send { peer, bytes: b } => {
                object(&[("peer", num(peer)), ("bytes", bytes(&b))])
            }
            Outbound::Close { peer, code, reason } => object(&[
                ("peer", num(peer)),
                ("close", object(&[("code", code.into()), ("reason", reason.into())])),
            ]),
        })
        .collect()
}

/// `Committed`: `{ name, accepted, out }`; `accepted` is false for a version already held.
pub(crate) fn committed(c: Committed) -> JsValue {
    object(&[
        ("name", c.name.as_str().into()),
        ("accepted", (c.applied == Applied::Accepted).into()),
        ("out", outbound(c.out).into()),
    ])
}

fn code(code: Option<String>) -> JsValue {
    code.map_or(JsValue::NULL, JsValue::from)
}

/// A session's start or end as `{ type: "peer-connected", peer }` or
/// `{ type: "peer-disconnected", peer, code }` (full nodes and light clients alike).
pub(crate) fn peer_change(change: PeerChange) -> JsValue {
    match change {
        PeerChange::Connected { peer } => {
            object(&[("type", "peer-connected".into()), ("peer", num(peer))])
        }
        PeerChange::Disconnected { peer, code: c } => {
            object(&[("type", "peer-disconnected".into()), ("peer", num(peer)), ("code", code(c))])
        }
    }
}

/// One event as `{ type, ... }` (`type` in kebab case, e.g. `peer-connected`).
pub(crate) fn event(event: Event) -> JsValue {
    match event {
        Event::Change { name } => {
            object(&[("type", "change".into()), ("name", name.as_str().into())])
        }
        Event::Peer(change) => peer_change(change),
        Event::QueueOverflow { dropped, total_dropped, capacity } => object(&[
            ("type", "queue-overflow".into()),
            ("dropped", num(dropped)),
            ("totalDropped", num(total_dropped)),
            ("capacity", num(capacity as u64)),
        ]),
        Event::QueueLost { code: c, message } => object(&[
            ("type", "queue-lost".into()),
            ("code", c.into()),
            ("message", message.into()),
        ]),
        Event::EventsDropped { dropped } => {
            object(&[("type", "events-dropped".into()), ("dropped", num(dropped))])
        }
        Event::CatchUpStarted { peer } => {
            object(&[("type", "catchup-started".into()), ("peer", num(peer))])
        }
        Event::CatchUpCompleted { peer, entries } => object(&[
            ("type", "catchup-completed".into()),
            ("peer", num(peer)),
            ("entries", num(entries)),
        ]),
        Event::CatchUpAborted { peer, code: c, message } => object(&[
            ("type", "catchup-aborted".into()),
            ("peer", num(peer)),
            ("code", c.into()),
            ("message", message.into()),
        ]),
        Event::Clock { health } => {
            object(&[("type", "clock".into()), ("health", clock_health(&health))])
        }
        Event::PeerError { peer, code: c, message } => object(&[
            ("type", "peer-error".into()),
            ("peer", num(peer)),
            ("code", c.into()),
            ("message", message.into()),
        ]),
    }
}

/// `ClockHealth`: how this node's clock stands against its peers' (see `types.rs`).
pub(crate) fn clock_health(health: &ClockHealth) -> JsValue {
    object(&[
        ("aheadMs", JsValue::from_f64(health.ahead_ms as f64)),
        ("peers", num(health.peers as u64)),
        ("skewed", health.skewed.into()),
        ("correctionMs", JsValue::from_f64(health.correction_ms as f64)),
    ])
}

/// `NetworkInfo`: every parameter of `params`, and the protocol's limits (see `types.rs`).
pub(crate) fn network(params: &NetworkParams) -> JsValue {
    let reserved: Array = RESERVED.iter().map(|name| JsValue::from(*name)).collect();
    let limits = object(&[
        ("records", record_rules()),
        ("maxEntryBytes", num(MAX_ENTRY_BYTES as u64)),
        ("maxChainOps", num(MAX_CHAIN_OPS as u64)),
        ("maxFrameBytes", num(MAX_FRAME_BYTES as u64)),
        ("maxNameInputBytes", num(MAX_INPUT_BYTES as u64)),
    ]);
    object(&[
        ("name", params.network.as_str().into()),
        ("networkId", hex(&params.network_id()).into()),
        ("difficulty", params.pow_difficulty.into()),
        ("registrationPeriodMs", num(params.registration_period_ms)),
        ("gracePeriodMs", num(params.grace_period_ms)),
        ("maxFutureSkewMs", num(params.max_future_skew_ms)),
        ("settlementWindowMs", num(params.settlement_window_ms)),
        ("reservedNames", reserved.into()),
        ("limits", limits),
    ])
}

/// The record rules a record editor needs: the types, the TTL default and bounds, and the
/// size limits of one name's records.
///
/// ```ts
/// const { types, defaultTtl } = recordRules(); // ["A", "AAAA", "TXT", "FS", "SYNC"], 3600
/// ```
#[wasm_bindgen(js_name = recordRules, unchecked_return_type = "RecordRules")]
pub fn record_rules() -> JsValue {
    let types: Array = KINDS.iter().map(|kind| JsValue::from(*kind)).collect();
    object(&[
        ("types", types.into()),
        ("defaultTtl", DEFAULT_TTL.into()),
        ("minTtl", MIN_TTL.into()),
        ("maxTtl", MAX_TTL.into()),
        ("maxRecords", num(MAX_RECORDS as u64)),
        ("maxRecordsBytes", num(MAX_RECORDS_BYTES as u64)),
        ("maxTxtBytes", num(MAX_TXT_BYTES as u64)),
        ("maxValueBytes", num(MAX_VALUE_BYTES as u64)),
    ])
}

/// Lower-case hex of `bytes` (network ids).
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `{ size, capacity, dropped, replayed }`.
pub(crate) fn queue_status(s: QueueStatus) -> JsValue {
    object(&[
        ("size", num(s.size as u64)),
        ("capacity", num(s.capacity as u64)),
        ("dropped", num(s.dropped)),
        ("replayed", num(s.replayed)),
    ])
}

/// `NodeStats`: the node's counters (see `types.rs`).
pub(crate) fn stats(c: &Counters) -> JsValue {
    let t = &c.totals;
    let rejected = Object::new();
    for (code, n) in &t.rejected {
        let _ = Reflect::set(&rejected, &code.as_str().into(), &num(*n));
    }
    object(&[
        ("accepted", num(t.accepted)),
        ("duplicates", num(t.duplicates)),
        ("rejected", rejected.into()),
        ("localChanges", num(c.local_changes)),
        ("framesIn", num(t.frames_in)),
        ("framesOut", num(t.frames_out)),
        ("bytesIn", num(t.bytes_in)),
        ("bytesOut", num(t.bytes_out)),
        ("sendFailures", num(t.send_failures)),
        ("catchups", num(t.catchups)),
        ("catchupsAborted", num(t.catchups_aborted)),
        ("sessionsOpened", num(c.sessions_opened)),
        ("sessionsFailed", num(c.sessions_failed)),
    ])
}
