//! The wire protocol: versioned, length-bounded DAG-CBOR frames.
//!
//! A frame is the DAG-CBOR map `{ "v": version, "m": message }` where `message` is one
//! [`Message`] (externally tagged: `{ "ops": { "entries": [...] } }`) and `version` is the
//! protocol version that introduced it ([`Message::version`]). Frames larger than
//! [`MAX_FRAME_BYTES`] are refused before any decoding, every list has a documented bound, and
//! decoding is strict (canonical DAG-CBOR, no unknown fields), so a peer cannot make a node
//! allocate more than a frame's worth of memory or hold a non-canonical variant of a message.
//!
//! ```
//! use vns::sync::{Message, PROTOCOL_VERSION};
//! use vns::tree::empty_root;
//! let msg = Message::Root { root: empty_root() };
//! let bytes = msg.encode();
//! assert_eq!(Message::decode(&bytes).unwrap(), msg);
//! let err = Message::decode(&vec![0u8; 2 << 20]).unwrap_err();
//! assert_eq!(err.code(), "sync.frame_too_large");
//! # let _ = PROTOCOL_VERSION;
//! ```

use cid::Cid;
use serde::{Deserialize, Serialize};
use serde_bytes::{ByteArray, ByteBuf};

use super::error::SyncError;
use super::proof_answer::{ProofAnswer, MAX_NAMES_PER_PROOF_REQUEST, MAX_WATCHED_NAMES};
use crate::block::shape::FRAME;
use crate::block::{array_items, from_cbor, from_cbor_checked, to_cbor, write_head, write_text};
use crate::block::{BlockError, Conformance};
use crate::block::{MAJOR_ARRAY, MAJOR_MAP, MAJOR_UINT};
use crate::entry::EncodedEntry;
use crate::entry::Entry;
use crate::name::Name;

/// Highest version of the sync protocol spoken by this build. Each frame carries the version
/// of its message ([`Message::version`]). Version 2 added the `clock` of `Hello` and the
/// light-client messages; version 1 is no longer spoken (its `Hello` lacks the clock). A frame of
/// another version ends the session with `sync.version_mismatch`, which is also how a node of an
/// older build answers a light client: clearly, with that code.
pub const PROTOCOL_VERSION: u32 = 2;

/// The version of full-node sync (`hello`, `ops`, `root`, catch-up, `bye`): 2 since `hello`
/// carries the sender's clock.
pub const FULL_SYNC_VERSION: u32 = 2;

/// The version that added the light-client messages (`light_hello`, `get_proofs`, `proofs`,
/// `watch`).
pub const LIGHT_VERSION: u32 = 2;

/// Largest frame accepted, in bytes (1 MiB). Checked before decoding.
pub const MAX_FRAME_BYTES: usize = 1024 * 1024;

/// Most entries in one `Ops` or `Entries` message.
pub const MAX_ENTRIES_PER_FRAME: usize = 256;

/// Most CIDs in one `GetNodes` request, and most blocks in one `Nodes` reply.
pub const MAX_NODES_PER_FRAME: usize = 256;

/// Most names in one `GetEntries` request. 48 entries of the largest allowed size (16 KiB)
/// still fit one frame, so a reply never has to be cut short.
pub const MAX_NAMES_PER_REQUEST: usize = 48;

/// Longest `Bye` reason (bytes); longer ones are cut when sent and refused when received.
pub const MAX_REASON_BYTES: usize = 1024;

/// Bytes of a frame available for the entries of one `Ops`/`Entries` message or the blocks of
/// a `Nodes` message: the frame limit minus room for the envelope.
pub(crate) const FRAME_PAYLOAD_BUDGET: usize = MAX_FRAME_BYTES - 4096;

/// One sync message. See `docs/protocol.md`, "Peer sync", for when each is sent.
///
/// ```
/// use vns::sync::Message;
/// let bye = Message::Bye { code: "sync.shutdown".into(), reason: "bye".into() };
/// assert_eq!(bye.kind(), "bye");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Message {
    /// First message of a session, from both sides: the network id, the sender's root and
    /// its clock.
    Hello {
        /// [`NetworkParams::network_id`](crate::params::NetworkParams::network_id).
        network: ByteArray<32>,
        /// The sender's merkle root.
        root: Cid,
        /// The sender's clock when it sent this `Hello` (ms since the Unix epoch, its own
        /// uncorrected clock): what the receiver's clock health is measured against.
        clock: u64,
    },
    /// Live deltas: versions the sender just accepted (self-contained entries).
    Ops {
        /// At most [`MAX_ENTRIES_PER_FRAME`].
        #[serde(deserialize_with = "detached_entries")]
        entries: Vec<EncodedEntry>,
    },
    /// The sender's current merkle root (announced when it changes, and periodically).
    Root {
        /// The root.
        root: Cid,
    },
    /// Request for tree nodes (catch-up).
    GetNodes {
        /// Request id, echoed in the reply (lets the requester ignore stale or duplicated
        /// replies).
        id: u64,
        /// At most [`MAX_NODES_PER_FRAME`].
        cids: Vec<Cid>,
    },
    /// Reply to `GetNodes`: the blocks the sender holds (each named by its hash), and its
    /// current root so the requester can restart from it when older nodes are gone.
    Nodes {
        /// The request's id.
        id: u64,
        /// The sender's root when answering.
        root: Cid,
        /// Node blocks, at most [`MAX_NODES_PER_FRAME`].
        blocks: Vec<ByteBuf>,
    },
    /// Request for the current versions of names (catch-up, after the tree diff).
    GetEntries {
        /// Request id, echoed in the reply.
        id: u64,
        /// At most [`MAX_NAMES_PER_REQUEST`].
        names: Vec<Name>,
    },
    /// Reply to `GetEntries`: the sender's versions of the names it holds.
    Entries {
        /// The request's id.
        id: u64,
        /// At most [`MAX_ENTRIES_PER_FRAME`].
        #[serde(deserialize_with = "detached_entries")]
        entries: Vec<EncodedEntry>,
    },
    /// First message of a light client (version 2): it holds no replica, so the node sends it
    /// no root announcements, starts no catch-up with it and pushes it only the deltas of the
    /// names it watches. The node answers with its `Hello`.
    LightHello {
        /// [`NetworkParams::network_id`](crate::params::NetworkParams::network_id).
        network: ByteArray<32>,
    },
    /// Request for the current entries of names with merkle proofs (version 2).
    GetProofs {
        /// Request id, echoed in the reply.
        id: u64,
        /// At most [`MAX_NAMES_PER_PROOF_REQUEST`], canonical names.
        names: Vec<Name>,
    },
    /// Reply to `GetProofs` (version 2): for each name answered, in request order, the entry
    /// held (or none) and the proof against `root`. Names left out did not fit the frame.
    Proofs {
        /// The request's id.
        id: u64,
        /// The sender's merkle root the proofs are against.
        root: Cid,
        /// At most [`MAX_NAMES_PER_PROOF_REQUEST`].
        answers: Vec<ProofAnswer>,
    },
    /// The names a light session wants pushed (version 2): it replaces the session's whole
    /// watch list. From then on the node sends the session the accepted versions of these
    /// names only.
    Watch {
        /// At most [`MAX_WATCHED_NAMES`], canonical names.
        names: Vec<Name>,
    },
    /// The sender closes the session.
    Bye {
        /// Dotted error code, e.g. `sync.network_mismatch`.
        #[serde(deserialize_with = "crate::block::text")]
        code: String,
        /// Human-readable explanation, at most [`MAX_REASON_BYTES`].
        #[serde(deserialize_with = "crate::block::text")]
        reason: String,
    },
}

#[derive(Serialize)]
struct FrameOut<'a> {
    m: &'a Message,
    v: u32,
}

/// A version this build speaks, for a frame's `v`: [`FULL_SYNC_VERSION`] up to
/// [`PROTOCOL_VERSION`].
fn spoken(v: u32) -> bool {
    (FULL_SYNC_VERSION..=PROTOCOL_VERSION).contains(&v)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrameIn {
    m: Message,
    v: u32,
}

/// Reads only the version of a frame, whatever its message, so that a peer speaking another
/// version gets `sync.version_mismatch` rather than `sync.malformed`.
#[derive(Deserialize)]
struct Probe {
    v: u32,
}

impl Message {
    /// The protocol version that introduced this message, the `v` of its frame.
    ///
    /// ```
    /// use vns::sync::{Message, FULL_SYNC_VERSION, LIGHT_VERSION};
    /// use vns::tree::empty_root;
    /// assert_eq!(Message::Root { root: empty_root() }.version(), FULL_SYNC_VERSION);
    /// assert_eq!(Message::Watch { names: vec![] }.version(), LIGHT_VERSION);
    /// ```
    pub fn version(&self) -> u32 {
        match self {
            Message::LightHello { .. }
            | Message::GetProofs { .. }
            | Message::Proofs { .. }
            | Message::Watch { .. } => LIGHT_VERSION,
            _ => FULL_SYNC_VERSION,
        }
    }

    /// The frame bytes of this message at its [`version`](Message::version).
    ///
    /// ```
    /// use vns::sync::Message;
    /// use vns::tree::empty_root;
    /// assert!(Message::Root { root: empty_root() }.encode().len() < 64);
    /// ```
    pub fn encode(&self) -> Vec<u8> {
        match self {
            Message::Ops { entries } => frame_around_entries("ops", None, entries),
            Message::Entries { id, entries } => frame_around_entries("entries", Some(*id), entries),
            _ => self.encode_with_serde(),
        }
    }

    /// The frame as serde writes it: every message but those carrying entries, and the
    /// reference [`frame_around_entries`] is tested against.
    fn encode_with_serde(&self) -> Vec<u8> {
        to_cbor(&FrameOut { m: self, v: self.version() }).expect("sync messages always encode")
    }

    /// Decodes and checks one frame: size first, then canonical DAG-CBOR (else
    /// `block.not_canonical`, which is also the code of the `Bye` that closes the session),
    /// then the message fields (`sync.malformed`), version and list bounds. Never panics,
    /// whatever the bytes.
    ///
    /// ```
    /// use vns::sync::Message;
    /// assert_eq!(Message::decode(b"\xff").unwrap_err().code(), "sync.malformed");
    /// // A frame whose `v` is written as 0x18 0x02 instead of 0x02.
    /// let bytes = [&b"\xa2\x61m\xa0\x61v\x18\x02"[..]].concat();
    /// assert_eq!(Message::decode(&bytes).unwrap_err().code(), "block.not_canonical");
    /// ```
    pub fn decode(bytes: &[u8]) -> Result<Message, SyncError> {
        let (message, conformance) = Message::decode_checked(bytes)?;
        // A field of another CBOR type than its own: in an entry first (the offset counted from
        // the entry's first byte), then in the frame's own fields.
        conformance.result().map_err(SyncError::NotCanonical)?;
        Ok(message)
    }

    /// [`Message::decode`] but for its last check, whether every field has its CBOR type
    /// (rule 8), whose verdict comes back beside the message.
    pub(crate) fn decode_checked(bytes: &[u8]) -> Result<(Message, Conformance), SyncError> {
        if bytes.len() > MAX_FRAME_BYTES {
            return Err(SyncError::FrameTooLarge { size: bytes.len(), max: MAX_FRAME_BYTES });
        }
        let (frame, conformance) = match from_cbor_checked::<FrameIn>(bytes, &FRAME) {
            Ok(checked) => checked,
            Err(e @ BlockError::NotCanonical { .. }) => return Err(SyncError::NotCanonical(e)),
            Err(e) => {
                // Only on failure: is this a frame of another version?
                if let Ok(Probe { v }) = from_cbor::<Probe>(bytes) {
                    if !spoken(v) {
                        return Err(version_mismatch(v));
                    }
                }
                return Err(SyncError::Malformed(e.to_string()));
            }
        };
        if !spoken(frame.v) {
            return Err(version_mismatch(frame.v));
        }
        let mut message = frame.m;
        if message.version() != frame.v {
            // One encoding per message: its frame carries the version that introduced it.
            let (kind, v) = (message.kind(), message.version());
            return Err(SyncError::Malformed(format!("a {kind} frame carries v {v}")));
        }
        message.check()?;
        message.attach_entry_bytes(bytes)?;
        Ok((message, conformance))
    }

    /// Gives each entry of an `Ops` or `Entries` message the bytes it was read from: the frame
    /// is canonical, so they are the entry's one encoding, kept instead of encoded again.
    fn attach_entry_bytes(&mut self, frame: &[u8]) -> Result<(), SyncError> {
        let (path, entries) = match self {
            Message::Ops { entries } => (["m", "ops", "entries"], entries),
            Message::Entries { entries, .. } => (["m", "entries", "entries"], entries),
            _ => return Ok(()),
        };
        let items = array_items(frame, &path).map_err(|e| SyncError::Malformed(e.to_string()))?;
        let items = items.filter(|items| items.len() == entries.len());
        let Some(items) = items else {
            return Err(SyncError::Malformed("entry list not where it was decoded from".into()));
        };
        for (entry, range) in entries.iter_mut().zip(items) {
            entry.attach(&frame[range]);
        }
        Ok(())
    }

    /// Short lower-case name of the message kind (as on the wire), for logs and errors.
    ///
    /// ```
    /// use vns::sync::Message;
    /// assert_eq!(Message::GetNodes { id: 1, cids: vec![] }.kind(), "get_nodes");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            Message::Hello { .. } => "hello",
            Message::Ops { .. } => "ops",
            Message::Root { .. } => "root",
            Message::GetNodes { .. } => "get_nodes",
            Message::Nodes { .. } => "nodes",
            Message::GetEntries { .. } => "get_entries",
            Message::Entries { .. } => "entries",
            Message::LightHello { .. } => "light_hello",
            Message::GetProofs { .. } => "get_proofs",
            Message::Proofs { .. } => "proofs",
            Message::Watch { .. } => "watch",
            Message::Bye { .. } => "bye",
        }
    }

    /// A `Bye` for `error`, its reason cut to [`MAX_REASON_BYTES`].
    ///
    /// ```
    /// use vns::sync::{Message, SyncError};
    /// let bye = Message::bye(&SyncError::Malformed("bad".into()));
    /// assert!(matches!(bye, Message::Bye { code, .. } if code == "sync.malformed"));
    /// ```
    pub fn bye(error: &SyncError) -> Message {
        let mut reason = error.to_string();
        if reason.len() > MAX_REASON_BYTES {
            let mut cut = MAX_REASON_BYTES;
            while !reason.is_char_boundary(cut) {
                cut -= 1;
            }
            reason.truncate(cut);
        }
        Message::Bye { code: error.code().to_string(), reason }
    }

    /// Bounds that DAG-CBOR decoding alone does not enforce.
    fn check(&self) -> Result<(), SyncError> {
        let bound = |what, count, max| {
            if count > max {
                Err(SyncError::TooMany { what, count, max })
            } else {
                Ok(())
            }
        };
        match self {
            Message::Hello { .. } | Message::Root { .. } | Message::LightHello { .. } => Ok(()),
            Message::GetProofs { names, .. } => {
                bound("proof request", names.len(), MAX_NAMES_PER_PROOF_REQUEST)
            }
            Message::Proofs { answers, .. } => {
                bound("proof reply", answers.len(), MAX_NAMES_PER_PROOF_REQUEST)?;
                answers.iter().try_for_each(ProofAnswer::check)
            }
            Message::Watch { names } => bound("watch list", names.len(), MAX_WATCHED_NAMES),
            Message::Ops { entries } | Message::Entries { entries, .. } => {
                // Entries without ops were refused by their decoder.
                bound("entry list", entries.len(), MAX_ENTRIES_PER_FRAME)
            }
            Message::GetNodes { cids, .. } => {
                bound("node request", cids.len(), MAX_NODES_PER_FRAME)
            }
            Message::Nodes { blocks, .. } => bound("node reply", blocks.len(), MAX_NODES_PER_FRAME),
            Message::GetEntries { names, .. } => {
                bound("entry request", names.len(), MAX_NAMES_PER_REQUEST)
            }
            Message::Bye { code, reason } => {
                bound("bye code", code.len(), 64)?;
                bound("bye reason", reason.len(), MAX_REASON_BYTES)
            }
        }
    }
}

/// The frame of an `Ops` (`id` absent) or `Entries` message written around the entries' kept
/// bytes, so sending an entry never encodes it: `{ "m": { kind: { "id": id, "entries": [...] } },
/// "v": FULL_SYNC_VERSION }`, keys in canonical order ("m" before "v", "id" before "entries").
fn frame_around_entries(kind: &str, id: Option<u64>, entries: &[EncodedEntry]) -> Vec<u8> {
    let payload: usize = entries.iter().map(|e| e.bytes().len()).sum();
    let mut out = Vec::with_capacity(payload + 48);
    write_head(&mut out, MAJOR_MAP, 2);
    write_text(&mut out, "m");
    write_head(&mut out, MAJOR_MAP, 1);
    write_text(&mut out, kind);
    write_head(&mut out, MAJOR_MAP, 1 + u64::from(id.is_some()));
    if let Some(id) = id {
        write_text(&mut out, "id");
        write_head(&mut out, MAJOR_UINT, id);
    }
    write_text(&mut out, "entries");
    write_head(&mut out, MAJOR_ARRAY, entries.len() as u64);
    for entry in entries {
        out.extend_from_slice(entry.bytes());
    }
    write_text(&mut out, "v");
    write_head(&mut out, MAJOR_UINT, u64::from(FULL_SYNC_VERSION));
    out
}

/// Reads the entries of a frame without encoding them: [`Message::decode`] attaches the bytes
/// they were read from before the message leaves it.
fn detached_entries<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<EncodedEntry>, D::Error> {
    let entries = Vec::<Entry>::deserialize(deserializer)?;
    Ok(entries.into_iter().map(EncodedEntry::detached).collect())
}

fn version_mismatch(theirs: u32) -> SyncError {
    SyncError::VersionMismatch { ours: PROTOCOL_VERSION, theirs }
}

/// Splits `entries` into `Ops`/`Entries` batches that each fit one frame (by count and by
/// kept encoded size). An entry is at most 16 KiB, so every batch holds at least one.
pub(crate) fn pack_entries(entries: Vec<EncodedEntry>) -> Vec<Vec<EncodedEntry>> {
    let mut batches = Vec::new();
    let mut batch = Vec::new();
    let mut size = 0;
    for entry in entries {
        let len = entry.bytes().len();
        if !batch.is_empty()
            && (batch.len() == MAX_ENTRIES_PER_FRAME || size + len > FRAME_PAYLOAD_BUDGET)
        {
            batches.push(std::mem::take(&mut batch));
            size = 0;
        }
        size += len;
        batch.push(entry);
    }
    if !batch.is_empty() {
        batches.push(batch);
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{build, identity::Keypair, name::Name, params::NetworkParams};

    fn entries(n: usize) -> Vec<EncodedEntry> {
        let params = NetworkParams::testing();
        let key = Keypair::from_secret(&[9; 32]);
        // A few distinct entries, repeated up to `n` (a list needing a 2-byte length).
        let distinct: Vec<EncodedEntry> = (0..3)
            .map(|i| {
                let name = Name::parse(&format!("name{i}")).unwrap();
                build::register(&params, &key, &name, vec![], 1_000).unwrap().into()
            })
            .collect();
        distinct.into_iter().cycle().take(n).collect()
    }

    #[test]
    fn frames_around_kept_bytes_are_the_serde_frames() {
        let ids = [0, 23, 24, 255, 256, 65_535, 65_536, u64::from(u32::MAX), u64::MAX];
        for n in [0, 1, 23, 24, 300] {
            let list = entries(n);
            let ops = Message::Ops { entries: list.clone() };
            assert_eq!(ops.encode(), ops.encode_with_serde(), "ops with {n} entries");
            for id in ids {
                let reply = Message::Entries { id, entries: list.clone() };
                assert_eq!(reply.encode(), reply.encode_with_serde(), "entries {id}, {n}");
            }
        }
    }

    #[test]
    fn decoded_entries_keep_the_bytes_they_were_read_from() {
        let list = entries(3);
        let frame = Message::Entries { id: 7, entries: list.clone() }.encode();
        let Message::Entries { entries: back, .. } = Message::decode(&frame).unwrap() else {
            panic!("an entries reply")
        };
        for (ours, theirs) in list.iter().zip(&back) {
            assert_eq!((ours.bytes(), ours.cid()), (theirs.bytes(), theirs.cid()));
        }
    }
}
