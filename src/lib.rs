//! VNS core: the `.vfs` namespace as pure Rust.
//!
//! Names, records, identities, signed operations, the conflict rules, the namespace store, the
//! content-addressed merkle search tree and peer sync. Nothing here knows about JavaScript:
//! time, randomness and I/O come in from outside (`now_ms` arguments, byte buffers, an async
//! [`Blockstore`](crate::blockstore::Blockstore)). The wasm binding layer lives in `src/wasm/`
//! behind the `wasm` feature.

pub mod block;
pub mod blockstore;
pub mod identity;
pub mod name;
pub mod params;
pub mod pow;
pub mod record;
pub mod tree;
