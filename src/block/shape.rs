//! The CBOR shape of every structure VNS decodes from outside: which CBOR type each field holds
//! and which fields are always written (`docs/protocol.md`, the field tables; "Canonical
//! encoding", rule 8).
//!
//! The canonical pass ([`super::canonical`]) walks the bytes with one of these shapes beside
//! them and notes the first item of another type than its field's, the first field the shape
//! does not have, and the first field always written that is missing. The CBOR library's
//! decoding reads some types loosely (an integer head as an array's or a string's length, a
//! byte string as text, a small map as an enum's name), so that walk is what keeps one value to
//! one encoding; it costs no allocation and no encoding of what was decoded.
//!
//! A shape describes exactly what VNS's encoder writes: bytes in canonical form that match it
//! and decode into a value encode back to themselves (property-tested against that re-encoding
//! in `tests.rs`).

/// What one CBOR item must be.
#[derive(Debug)]
pub(crate) enum Shape {
    /// Anything (a structure without a shape: only the canonical rules apply).
    Any,
    /// An unsigned integer (major type 0).
    Uint,
    /// A text string (major type 3).
    Text,
    /// A byte string (major type 2).
    Bytes,
    /// A CID link (tag 42; the canonical pass checks the CID).
    Link,
    /// `null`, or the inner shape.
    Nullable(&'static Shape),
    /// An array whose elements all have the inner shape.
    Array(&'static Shape),
    /// A map with these fields, keys in canonical order (shorter first, then bytewise).
    Map(&'static [Field]),
    /// An externally tagged enum: a map of one key, the variant's name, to its fields.
    OneOf(&'static [Field]),
    /// A block embedded whole inside a larger one (an entry inside a sync frame): checked with
    /// the inner shape on its own, offsets counted from its first byte.
    Embedded(&'static Shape),
}

/// One field of a [`Shape::Map`], or one variant of a [`Shape::OneOf`].
#[derive(Debug)]
pub(crate) struct Field {
    /// The key.
    pub(crate) key: &'static str,
    /// Its value's shape.
    pub(crate) shape: &'static Shape,
    /// Whether the encoder always writes it (`false`: only when it has a value).
    pub(crate) always: bool,
}

/// A field the encoder always writes.
const fn field(key: &'static str, shape: &'static Shape) -> Field {
    Field { key, shape, always: true }
}

/// A field written only when it has a value (absent otherwise, never `null`).
const fn optional(key: &'static str, shape: &'static Shape) -> Field {
    Field { key, shape, always: false }
}

use Shape::{Array, Bytes, Embedded, Link, Map, Nullable, OneOf, Text, Uint};

/// An operation (`docs/protocol.md`, "Operations").
pub(crate) static OP: Shape = Map(&[
    field("v", &Uint),
    field("ts", &Uint),
    field("seq", &Uint),
    field("kind", &Text),
    field("name", &Text),
    optional("prev", &Bytes),
    optional("nonce", &Uint),
    field("signer", &Bytes),
    field("expires", &Uint),
    optional("lineage", &Bytes),
    field("records", &Bytes),
    optional("new_owner", &Bytes),
]);

/// A signed operation: `{ op, sig }`.
pub(crate) static SIGNED_OP: Shape = Map(&[field("op", &OP), field("sig", &Bytes)]);

/// A record: `{ ttl, type, value }`.
pub(crate) static RECORD: Shape =
    Map(&[field("ttl", &Uint), field("type", &Text), field("value", &Text)]);

/// An entry block: `{ ops, records }`.
pub(crate) static ENTRY: Shape =
    Map(&[field("ops", &Array(&SIGNED_OP)), field("records", &Array(&RECORD))]);

/// A tree node block: `{ e: [leaf], l: link | null }`.
pub(crate) static NODE: Shape = Map(&[field("e", &Array(&LEAF)), field("l", &Nullable(&Link))]);

/// One leaf of a tree node: `{ k, p, t, v }`.
static LEAF: Shape =
    Map(&[field("k", &Bytes), field("p", &Uint), field("t", &Nullable(&Link)), field("v", &Link)]);

/// A sync frame: `{ m: message, v }`.
pub(crate) static FRAME: Shape = Map(&[field("m", &MESSAGES), field("v", &Uint)]);

/// Every sync message, by its name on the wire ("Peer sync", "Frames").
static MESSAGES: Shape = OneOf(&[
    field("hello", &Map(&[field("root", &Link), field("clock", &Uint), field("network", &Bytes)])),
    field("ops", &Map(&[field("entries", &Array(&EMBEDDED_ENTRY))])),
    field("root", &Map(&[field("root", &Link)])),
    field("get_nodes", &Map(&[field("id", &Uint), field("cids", &Array(&Link))])),
    field(
        "nodes",
        &Map(&[field("id", &Uint), field("root", &Link), field("blocks", &Array(&Bytes))]),
    ),
    field("get_entries", &Map(&[field("id", &Uint), field("names", &Array(&Text))])),
    field("entries", &Map(&[field("id", &Uint), field("entries", &Array(&EMBEDDED_ENTRY))])),
    field("light_hello", &Map(&[field("network", &Bytes)])),
    field("get_proofs", &Map(&[field("id", &Uint), field("names", &Array(&Text))])),
    field(
        "proofs",
        &Map(&[field("id", &Uint), field("root", &Link), field("answers", &Array(&ANSWER))]),
    ),
    field("watch", &Map(&[field("names", &Array(&Text))])),
    field("bye", &Map(&[field("code", &Text), field("reason", &Text)])),
]);

/// An entry inside an `ops` or `entries` frame: the entry's block bytes, embedded.
static EMBEDDED_ENTRY: Shape = Embedded(&ENTRY);

/// One answer of a `proofs` reply: `{ name, entry?, proof }`.
static ANSWER: Shape =
    Map(&[field("name", &Text), optional("entry", &Bytes), field("proof", &Array(&Bytes))]);

/// The saved delta queue, version 1: `{ v, dropped, entries, replayed }`.
pub(crate) static QUEUE_V1: Shape = Map(&[
    field("v", &Uint),
    field("dropped", &Uint),
    field("entries", &Array(&ENTRY)),
    field("replayed", &Uint),
]);

/// The saved delta queue's record, version 2: `{ v, chunks, dropped, replayed }`.
pub(crate) static QUEUE_RECORD: Shape = Map(&[
    field("v", &Uint),
    field("chunks", &Array(&Link)),
    field("dropped", &Uint),
    field("replayed", &Uint),
]);

/// One chunk block of the saved delta queue: `{ n, entries }`.
pub(crate) static QUEUE_CHUNK: Shape = Map(&[field("n", &Uint), field("entries", &Array(&ENTRY))]);

/// The light client's saved cache: `{ v, names: [{ at, name, entry: entry | null }] }`.
pub(crate) static LIGHT_CACHE: Shape = Map(&[
    field("v", &Uint),
    field(
        "names",
        &Array(&Map(&[
            field("at", &Uint),
            field("name", &Text),
            field("entry", &Nullable(&ENTRY)),
        ])),
    ),
]);
