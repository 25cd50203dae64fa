//! Peer sync: live deltas, the offline queue and merkle catch-up, transport-agnostic.
//!
//! A [`SyncNode`] owns a [`Namespace`](crate::namespace::Namespace) and talks to peers through
//! byte frames only: the caller (a JS shim over WebSocket or WebRTC, or a test network) hands
//! received frames to [`SyncNode::receive`] and performs the [`Outbound`] actions it returns.
//! Time is an argument. The protocol, its messages and limits are specified in
//! `docs/protocol.md`, "Peer sync":
//!
//! * **handshake**: both sides send [`Message::Hello`] (network id, root, clock); a version or
//!   network mismatch closes the session with a `Bye` naming the error code, and so does a
//!   handshake not completed in time; `Hello` is re-sent with backoff, a few times;
//! * **clock health**: the peers' clocks from their `Hello`s give the network's median; a
//!   node whose clock is off by more than a tolerance judges the rules at the median's time
//!   ([`ClockHealth`]);
//! * **live deltas**: every version a node accepts (local or from a peer) goes to every other
//!   connected peer once ([`Message::Ops`]), never back to its sender, so changes travel hop
//!   by hop;
//! * **queue**: local changes made with no peer connected wait in a bounded, persisted
//!   [`DeltaQueue`] and are replayed on reconnect;
//! * **light sessions**: a light client opens with [`Message::LightHello`]; the node answers
//!   its [`Message::GetProofs`] with entries and merkle proofs and pushes it the accepted
//!   versions of the names on its [`Message::Watch`] list only (see [`crate::light`]);
//! * **catch-up**: when roots differ, each side walks the other's merkle tree
//!   ([`tree::DiffWalk`](crate::tree::DiffWalk)) fetching only differing nodes, then fetches
//!   the differing entries and applies them with full validation.
//!
//! Every entry from a peer goes through [`Namespace::apply`](crate::namespace::Namespace::apply):
//! peers are untrusted. Rejections are counted per peer ([`PeerStats`]).
//!
//! | file | concept |
//! |---|---|
//! | `message.rs` | frames, messages, limits |
//! | `queue.rs` | the bounded, persisted delta queue |
//! | `queue_store.rs` | the queue in storage: chunk blocks and their record, what a save writes |
//! | `catchup.rs` | one catch-up: tree diff over round trips, then entry fetch |
//! | `session.rs` | per-peer state |
//! | `clock.rs` | clock health: peers' clocks, their median, the time rules are judged at |
//! | `node.rs` | the node's public face: sessions, frames in, ticks, local changes |
//! | `persisting.rs` | loading and saving a node: the namespace and the queue in one commit |
//! | `local.rs` | local changes ([`LocalChange`]) and what each did ([`Committed`]) |
//! | `driver.rs` | handling each message, running catch-ups |
//! | `serve_light.rs` | what a node does for light sessions: proofs and watch lists |
//! | `proof_answer.rs` | one answer of a `proofs` reply, the light-client limits |
//! | `gossip.rs` | live deltas: broadcast, the queue, replay |
//! | `topic.rs` | live deltas on a pub-sub topic: verdicts, publications |
//! | `peer_change.rs` | a session began or ended (full nodes and light clients) |
//! | `counted.rs` | the counters of a session and the totals, and counted sends (light clients too) |
//! | `event.rs`, `stats.rs`, `config.rs`, `error.rs`, `recent.rs` | plain data around it |

#![deny(missing_docs)]

mod catchup;
mod clock;
mod config;
mod counted;
mod driver;
#[cfg(test)]
mod encodings;
mod error;
mod event;
mod gossip;
#[cfg(test)]
mod handshake;
mod local;
mod message;
mod node;
mod peer_change;
mod persisting;
mod proof_answer;
mod queue;
mod queue_store;
mod recent;
mod serve_light;
mod session;
mod stats;
mod topic;

pub use clock::ClockHealth;
pub use config::SyncConfig;
pub(crate) use counted::Counted;
pub use error::SyncError;
pub use event::{Event, LinkId, Outbound};
pub use local::{Committed, LocalChange};
pub use message::{
    Message, FULL_SYNC_VERSION, LIGHT_VERSION, MAX_ENTRIES_PER_FRAME, MAX_FRAME_BYTES,
    MAX_NAMES_PER_REQUEST, MAX_NODES_PER_FRAME, MAX_REASON_BYTES, PROTOCOL_VERSION,
};
pub use node::SyncNode;
pub use peer_change::PeerChange;
pub use proof_answer::{
    ProofAnswer, MAX_NAMES_PER_PROOF_REQUEST, MAX_PROOF_BLOCKS, MAX_WATCHED_NAMES,
};
pub use queue::{DeltaQueue, QueueStatus, CHUNK_ENTRIES, DEFAULT_QUEUE_CAPACITY, QUEUE_KEY};
pub use queue_store::{QueueChunk, QueueRecord};
pub use stats::{Counters, PeerStats};
pub use topic::{Published, Verdict};
