//! Blockstore backends under Node: a JS adapter object, and IndexedDB through
//! `fake-indexeddb` (loaded by scripts/test.sh with `NODE_ARGS=--require=fake-indexeddb/auto`).
#![cfg(all(target_arch = "wasm32", feature = "wasm"))]

use vns::block::Block;
use vns::blockstore::{
    acceptance, delete_database, get_verified, Blockstore, IndexedDbBlockstore, JsBlockstore,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

#[path = "common/idb.rs"]
mod idb;

#[wasm_bindgen(module = "/tests/support/map-adapter.js")]
extern "C" {
    #[wasm_bindgen(js_name = synchronousMapAdapter)]
    fn synchronous_map_adapter() -> JsValue;
}

#[wasm_bindgen_test]
async fn js_adapter_passes_acceptance_in_node() {
    // Some methods here are synchronous: plain return values are accepted as well as Promises.
    let store = JsBlockstore::new(synchronous_map_adapter()).unwrap();
    acceptance::run(&store).await.unwrap();
}

#[wasm_bindgen_test]
async fn indexeddb_passes_acceptance_in_node() {
    let name = "vns-node-acceptance";
    delete_database(name).await.unwrap();
    let store = IndexedDbBlockstore::open(name).await.unwrap();
    acceptance::run(&store).await.unwrap();

    let block = Block::encode(&("node", 1u8)).unwrap();
    let root = [("root".to_string(), Some(block.cid.to_bytes()))];
    store.commit(std::slice::from_ref(&block), &root).await.unwrap();
    store.close().await.unwrap();
    let reopened = IndexedDbBlockstore::open(name).await.unwrap();
    assert_eq!(get_verified(&reopened, &block.cid).await.unwrap(), block);
    assert_eq!(reopened.get_state("root").await.unwrap(), root[0].1);
    reopened.close().await.unwrap();
    delete_database(name).await.unwrap();
}

#[wasm_bindgen_test]
async fn indexeddb_packs_blocks_many_to_a_record() {
    idb::packs_hold_many_blocks("vns-node-packs").await;
}

#[wasm_bindgen_test]
async fn indexeddb_upgrades_a_version_1_database() {
    idb::version_1_databases_are_upgraded("vns-node-v1").await;
}

#[wasm_bindgen_test]
async fn indexeddb_keeps_version_1_when_the_upgrade_fails() {
    idb::a_failed_upgrade_leaves_version_1("vns-node-v1-bad").await;
}
