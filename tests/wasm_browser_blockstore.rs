//! Blockstore backends in headless Chromium: IndexedDB and a JS adapter object, each through
//! the shared acceptance suite, plus reopen and corruption checks on a real database.
#![cfg(all(target_arch = "wasm32", feature = "wasm"))]

use js_sys::{Reflect, Uint8Array};
use vns::block::Block;
use vns::blockstore::{
    acceptance, delete_database, get_verified, Blockstore, IndexedDbBlockstore, JsBlockstore,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

#[path = "common/idb.rs"]
mod idb;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(module = "/tests/support/map-adapter.js")]
extern "C" {
    #[wasm_bindgen(js_name = mapAdapter)]
    fn map_adapter() -> JsValue;
    #[wasm_bindgen(js_name = throwingAdapter)]
    fn throwing_adapter() -> JsValue;
    fn corrupt(adapter: &JsValue, cid: &Uint8Array);
}

/// State entries to commit.
type State = Vec<(String, Option<Vec<u8>>)>;

fn sample() -> (Vec<Block>, State) {
    let blocks: Vec<Block> = (0..5).map(|i| Block::encode(&("browser", i)).unwrap()).collect();
    let root = vec![("root".to_string(), Some(blocks[0].cid.to_bytes()))];
    (blocks, root)
}

#[wasm_bindgen_test]
async fn indexeddb_passes_acceptance() {
    let name = "vns-test-acceptance";
    delete_database(name).await.unwrap();
    let store = IndexedDbBlockstore::open(name).await.unwrap();
    acceptance::run(&store).await.unwrap();
    store.close().await.unwrap();
    delete_database(name).await.unwrap();
}

#[wasm_bindgen_test]
async fn indexeddb_survives_reopen() {
    let name = "vns-test-reopen";
    delete_database(name).await.unwrap();
    let (blocks, root) = sample();
    let store = IndexedDbBlockstore::open(name).await.unwrap();
    store.commit(&blocks, &root).await.unwrap();
    store.close().await.unwrap();
    let err = store.get_state("root").await.unwrap_err();
    assert_eq!(err.code(), "storage.closed");

    let reopened = IndexedDbBlockstore::open(name).await.unwrap();
    assert_eq!(reopened.get_state("root").await.unwrap(), root[0].1);
    for b in &blocks {
        assert_eq!(get_verified(&reopened, &b.cid).await.unwrap(), *b);
    }
    assert_eq!(reopened.list().await.unwrap().len(), blocks.len());
    reopened.close().await.unwrap();
    delete_database(name).await.unwrap();
}

#[wasm_bindgen_test]
async fn indexeddb_detects_corruption() {
    let name = "vns-test-corrupt";
    delete_database(name).await.unwrap();
    let (blocks, _) = sample();
    let store = IndexedDbBlockstore::open(name).await.unwrap();
    store.put_many(&blocks).await.unwrap();
    // Change the bytes under a CID, as a disk error or another program would.
    let tampered = Block { cid: blocks[1].cid, bytes: b"tampered".to_vec() };
    store.put_many(&[tampered]).await.unwrap();
    let err = get_verified(&store, &blocks[1].cid).await.unwrap_err();
    assert_eq!(err.code(), "storage.corrupt");
    assert!(err.to_string().contains(&blocks[1].cid.to_string()), "{err}");
    get_verified(&store, &blocks[2].cid).await.unwrap();
    store.close().await.unwrap();
    delete_database(name).await.unwrap();
}

#[wasm_bindgen_test]
async fn js_adapter_passes_acceptance() {
    let store = JsBlockstore::new(map_adapter()).unwrap();
    acceptance::run(&store).await.unwrap();
}

#[wasm_bindgen_test]
async fn js_adapter_detects_corruption() {
    let adapter = map_adapter();
    let store = JsBlockstore::new(adapter.clone()).unwrap();
    let (blocks, root) = sample();
    store.commit(&blocks, &root).await.unwrap();
    corrupt(&adapter, &Uint8Array::from(blocks[3].cid.to_bytes().as_slice()));
    let err = get_verified(&store, &blocks[3].cid).await.unwrap_err();
    assert_eq!(err.code(), "storage.corrupt");
    assert!(err.to_string().contains(&blocks[3].cid.to_string()), "{err}");
}

#[wasm_bindgen_test]
async fn js_adapter_errors_are_clear() {
    let store = JsBlockstore::new(throwing_adapter()).unwrap();
    let (blocks, root) = sample();
    // A thrown interface-store style NotFoundError reads as "absent".
    assert_eq!(store.get(&blocks[0].cid).await.unwrap(), None);
    let err = store.commit(&blocks, &root).await.unwrap_err();
    assert_eq!(err.code(), "storage.io");
    assert!(err.to_string().contains("disk full"), "{err}");
    // The root pointer was not written after the failed block puts.
    assert_eq!(store.get_state("root").await.unwrap(), None);
    assert_eq!(store.list().await.unwrap_err().code(), "storage.unsupported");
}

#[wasm_bindgen_test]
fn js_adapter_is_checked_at_the_edge() {
    let err = JsBlockstore::new(JsValue::from_str("nope")).unwrap_err();
    assert_eq!(err.code(), "storage.invalid_adapter");
    let adapter = map_adapter();
    Reflect::delete_property(adapter.unchecked_ref::<js_sys::Object>(), &"setState".into())
        .unwrap();
    let err = JsBlockstore::new(adapter).unwrap_err();
    assert!(err.to_string().contains("setState"), "{err}");
}

#[wasm_bindgen_test]
async fn indexeddb_packs_blocks_many_to_a_record() {
    idb::packs_hold_many_blocks("vns-test-packs").await;
}

#[wasm_bindgen_test]
async fn indexeddb_upgrades_a_version_1_database() {
    idb::version_1_databases_are_upgraded("vns-test-v1").await;
}

#[wasm_bindgen_test]
async fn indexeddb_keeps_version_1_when_the_upgrade_fails() {
    idb::a_failed_upgrade_leaves_version_1("vns-test-v1-bad").await;
}
