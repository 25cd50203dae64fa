//! The persistence suite every [`Blockstore`] must pass: a namespace saved through it and
//! reopened is the same namespace. Runs natively against [`MemoryBlockstore`]
//! (`tests/persist.rs`), in headless Chromium against IndexedDB and a JS adapter
//! (`tests/wasm_browser_persist.rs`), and in Node against a real `blockstore-fs` folder through
//! the package's IPFS blockstore adapter (`tests/wasm_node_persist.rs`), like automerge-repo's
//! shared adapter tests.
//!
//! [`MemoryBlockstore`]: crate::blockstore::MemoryBlockstore

use std::future::Future;

use crate::blockstore::{Blockstore, StorageError};
use crate::build;
use crate::identity::Keypair;
use crate::name::Name;
use crate::namespace::{Limits, Namespace};
use crate::params::NetworkParams;
use crate::record::Record;

/// Saves `names` registrations through a store from `open`, reopens it, and checks that every
/// name resolves with the same merkle root and owner index; then that one change writes only
/// the path to the root, and that garbage collection and pruning saves keep the state
/// loadable and delete all the garbage.
/// `open` must return a handle on the same underlying storage each time.
pub async fn run<S, F, Fut>(mut open: F, names: u32) -> Result<(), String>
where
    S: Blockstore,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<S, StorageError>>,
{
    let params = NetworkParams::testing();
    let t0 = 1_793_491_200_000;
    let keys: Vec<Keypair> = (1..=4u8).map(|i| Keypair::from_secret(&[i; 32])).collect();
    let mut ns = Namespace::new(params.clone());
    for i in 0..names {
        let key = &keys[i as usize % keys.len()];
        let name = Name::parse(&format!("suite{i:05}")).map_err(|e| e.to_string())?;
        let ip = Record::parse("A", &format!("10.1.{}.{}", i / 256 % 256, i % 256), None)
            .map_err(|e| e.to_string())?;
        let entry =
            build::register(&params, key, &name, vec![ip], t0).map_err(|e| e.to_string())?;
        ns.apply(entry, t0).map_err(|e| e.to_string())?;
    }
    let root = ns.merkle_root();
    let fail = |what: &str, e: &dyn std::fmt::Display| format!("{what}: {e}");

    let store = open().await.map_err(|e| fail("open", &e))?;
    super::save(&mut ns, &store, &[]).await.map_err(|e| fail("save", &e))?;
    store.close().await.map_err(|e| fail("close", &e))?;

    let store = open().await.map_err(|e| fail("reopen", &e))?;
    let mut loaded = super::load(&store, params.clone(), Limits::default())
        .await
        .map_err(|e| fail("load", &e))?;
    check(loaded.merkle_root() == root, "the reloaded root differs from the saved one")?;
    check(loaded.len() == names as usize, "the reloaded namespace lost names")?;
    for e in ns.entries() {
        let ok = loaded.resolve(e.name(), t0 + 1).map(|r| r.records == e.records.as_slice());
        check(ok == Ok(true), &format!("{} does not resolve after reload", e.name()))?;
    }
    for key in &keys {
        let before = ns.names_by_owner(&key.public());
        check(loaded.names_by_owner(&key.public()) == before, "owner index differs after reload")?;
    }

    // One change: the entry plus one node per level, not the namespace.
    let first = Name::parse("suite00000").map_err(|e| e.to_string())?;
    loaded.update(&keys[0], &first, vec![], t0 + 2).map_err(|e| fail("update", &e))?;
    let depth = loaded.tree().depth();
    let report = super::save(&mut loaded, &store, &[]).await.map_err(|e| fail("save", &e))?;
    check(report.blocks <= depth + 1, &format!("one change wrote {} blocks", report.blocks))?;
    let removed = super::collect_garbage(&mut loaded, &store).await.map_err(|e| fail("gc", &e))?;
    check(removed >= 1, "garbage collection kept the replaced entry")?;

    // A pruning save deletes exactly what its change made unreachable, without listing:
    // a full collection afterwards finds nothing left.
    loaded.update(&keys[0], &first, vec![], t0 + 3).map_err(|e| fail("update", &e))?;
    let (_, pruned) =
        super::save_and_prune(&mut loaded, &store, &[]).await.map_err(|e| fail("prune", &e))?;
    check(pruned >= 2, &format!("a pruning save deleted {pruned} blocks"))?;
    let left = super::collect_garbage(&mut loaded, &store).await.map_err(|e| fail("gc", &e))?;
    check(left == 0, &format!("{left} unreachable blocks survived a pruning save"))?;
    store.close().await.map_err(|e| fail("close", &e))?;

    let store = open().await.map_err(|e| fail("reopen", &e))?;
    let mut again = super::load(&store, params, Limits::default())
        .await
        .map_err(|e| fail("load after gc", &e))?;
    check(again.merkle_root() == loaded.merkle_root(), "root differs after gc and reload")?;
    store.close().await.map_err(|e| fail("close", &e))?;
    Ok(())
}

fn check(ok: bool, what: &str) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(what.to_string())
    }
}
