//! Light clients: names resolved from untrusted full nodes, verified, without a replica.
//!
//! A [`LightClient`] asks its peers (`get_proofs`) for a name's current entry with a merkle
//! proof against each peer's current root, checks each answer on its own
//! ([`verify_answer`]: the proof, the entry's hash against the proven tree, then the entry by
//! every rule a full node applies, at this client's clock), keeps the winner among the answers
//! and what it verified before, and puts the name on its peers' watch lists so that they push
//! its new versions, which it validates the same way. What this can and cannot detect is in
//! `docs/protocol.md`, "Light clients".
//!
//! | file | concept |
//! |---|---|
//! | `verify.rs` | one answer checked against the peer's root |
//! | `lookup.rs` | one lookup across peers, and the winner among answers |
//! | `cache.rs` | the watched names and what was verified about each (bounded, LRU) |
//! | `client.rs` | the client's public face: sessions, lookups, answers, local changes |
//! | `owner.rs` | an owner's changes: built on the verified entry, sent, confirmed |
//! | `receive.rs` | each frame from a peer |
//! | `saved.rs` | the cache saved and read back (bounded, checked again, unconfirmed) |
//! | `rehearse.rs` | one lookup replayed on a throwaway client while waiting, so the first real one pays no compile |
//! | `questions.rs` | availability, history, renewal outlook and the cache's listing, from verified versions |
//! | `event.rs`, `error.rs` | events, tunables, errors |

mod cache;
mod client;
mod error;
mod event;
mod lookup;
mod owner;
mod questions;
mod receive;
mod rehearse;
mod saved;
mod verify;

pub use cache::Known;
pub use client::{Answer, LightClient, Started};
pub use error::LightError;
pub use event::{LightConfig, LightEvent};
pub use questions::{CacheListing, CachedName};
pub use rehearse::{rehearsal_frames, rehearse_lookup};
pub use saved::{read_cache, save_cache, CACHE_KEY};
pub use verify::{verify_answer, Verified};
