//! VNS core: the `.vfs` namespace as pure Rust.
//!
//! Names, records, identities, signed operations, the conflict rules, the namespace store, the
//! content-addressed merkle search tree and peer sync. Nothing here knows about JavaScript:
//! time, randomness and I/O come in from outside (`now` arguments in milliseconds, byte
//! buffers, an async [`Blockstore`](crate::blockstore::Blockstore)). The wasm binding layer
//! lives in `src/wasm/` behind the `wasm` feature.
//!
//! Module map, from the bottom up:
//!
//! | module | concept |
//! |---|---|
//! | [`block`] | DAG-CBOR blocks named by CIDv1 + BLAKE3 |
//! | [`params`] | network parameters and the network id |
//! | [`name`], [`record`], [`identity`], [`pow`] | the vocabulary |
//! | [`op`], [`entry`] | signed operations and self-contained versions |
//! | [`build`] | what an owner's client signs |
//! | [`phrase`] | recovery phrases: a secret key as 24 BIP-39 words |
//! | [`rules`] | acceptance, expiry and conflict rules |
//! | [`namespace`] | the store: names, owner index, deltas, sweep |
//! | [`availability`], [`history`], [`renewal`] | what owners ask: is a name free, its past, what renewing gains |
//! | [`tree`] | the merkle search tree: root, proofs, diff |
//! | [`blockstore`], [`persist`] | content-addressed persistence |
//! | [`sync`] | peer sync: wire messages, delta queue, gossip and catch-up |
//! | [`light`] | light clients: verified answers from untrusted full nodes, no replica |
//! | [`codes`] | every error code: meaning, where it arises, HTTP status |
//! | [`when`] | dates and waits in error messages |

#![deny(missing_docs)]

pub mod availability;
pub mod block;
pub mod blockstore;
pub mod build;
pub mod codes;
pub mod entry;
pub mod error;
pub mod history;
pub mod identity;
pub mod light;
pub mod name;
pub mod namespace;
pub mod op;
pub mod params;
pub mod persist;
pub mod phrase;
pub mod pow;
pub mod record;
pub mod renewal;
pub mod rules;
pub mod sync;
pub mod tree;
#[cfg(all(target_arch = "wasm32", feature = "wasm"))]
pub mod wasm;
pub mod when;
