//! The wasm binding layer: a thin JavaScript face over the pure Rust core.
//!
//! Only plain data crosses the boundary: strings, numbers, `Uint8Array`s and plain objects.
//! Time comes in as `now` arguments (milliseconds, JS numbers), sockets and timers stay in the
//! JS shim (`js/`), and events are queued in Rust and taken by the shim after each call
//! returns, so no JS listener ever runs inside a wasm call.
//!
//! ```ts
//! import init, { VnsNode, Keys, powSearch } from './pkg/web/vns.js';
//! await init();
//! const node = await VnsNode.open({ storage: 'memory', network: 'testing' });
//! const keys = Keys.generate();
//! ```
//!
//! | file | concept |
//! |---|---|
//! | `error.rs` | JS `Error` objects carrying the core's dotted `code` |
//! | `heap.rs` | the global allocator: linear memory grown in large steps, and `heapStats()` |
//! | `args.rs` | checking JS input once, at the edge |
//! | `convert.rs` | core values as plain JS objects |
//! | `keys.rs` | the `Keys` class (Ed25519 keypair) |
//! | `pow.rs` | `powSearch`: one chunk of the proof-of-work search |
//! | `record_check.rs` | `checkRecord`: one record checked on its own (editors) |
//! | `storage.rs` | the storage handle: memory, IndexedDB or a JS adapter |
//! | `node.rs` | the `VnsNode` class over [`SyncNode`](crate::sync::SyncNode) |
//! | `light.rs` | the `VnsLight` class over [`LightClient`](crate::light::LightClient) |
//! | `light_owners.rs` | `VnsLight`'s owner questions and its cache listing |
//! | `options.rs` | the node's options, declared once (`nodeOptions()`) |
//! | `owners.rs` | `VnsNode`'s owner questions: availability, history, renewal |
//! | `topic.rs` | `VnsNode`'s pub-sub face: catch-up links, topic verdicts, publications |
//! | `phrase.rs` | recovery phrases: `generatePhrase`, `keysFromPhrase`, `phraseOf` |
//! | `types.rs` | the TypeScript types of the plain objects |
//! | `upkeep.rs` | store upkeep: the account of a repairing open |

#![deny(missing_docs)]

mod args;
mod convert;
mod error;
#[cfg(target_arch = "wasm32")]
mod heap;
mod keys;
mod light;
mod light_owners;
mod node;
mod options;
mod owners;
mod phrase;
mod pow;
mod record_check;
mod storage;
mod topic;
mod types;
mod upkeep;

pub use args::canonical_name;
pub use convert::record_rules;
#[cfg(target_arch = "wasm32")]
pub use heap::heap_stats;
pub use keys::Keys;
pub use light::VnsLight;
pub use node::VnsNode;
pub use options::node_options;
pub use phrase::{generate_phrase, keys_from_phrase, phrase_of};
pub use pow::pow_search;
pub use record_check::check_record;

/// Installs the panic hook (once): a bug shows its Rust message in the console instead of a
/// bare `unreachable` trap. Called by every entry point.
pub(crate) fn init() {
    console_error_panic_hook::set_once();
}
