//! The persistence suite in headless Chromium: 1,000 names saved to a real IndexedDB database,
//! the database closed and reopened, every name resolved with the same root; the same suite
//! over a JS adapter; and a corrupted block detected with an error naming its CID.
#![cfg(all(target_arch = "wasm32", feature = "wasm"))]

use vns::block::Block;
use vns::blockstore::{delete_database, Blockstore, IndexedDbBlockstore, JsBlockstore};
use vns::namespace::{Limits, Namespace};
use vns::params::NetworkParams;
use vns::{build, identity::Keypair, name::Name, persist};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(module = "/tests/support/map-adapter.js")]
extern "C" {
    #[wasm_bindgen(js_name = mapAdapter)]
    fn map_adapter() -> JsValue;
}

#[wasm_bindgen_test]
async fn indexeddb_keeps_1000_names_across_reopen() {
    let db = "vns-test-persist-1000";
    delete_database(db).await.unwrap();
    persist::acceptance::run(|| IndexedDbBlockstore::open(db), 1000).await.unwrap();
    delete_database(db).await.unwrap();
}

#[wasm_bindgen_test]
async fn js_adapter_passes_the_persistence_suite() {
    let adapter = map_adapter();
    persist::acceptance::run(|| async { JsBlockstore::new(adapter.clone()) }, 200).await.unwrap();
}

#[wasm_bindgen_test]
async fn indexeddb_reports_a_corrupted_entry_block() {
    let db = "vns-test-persist-corrupt";
    delete_database(db).await.unwrap();
    let params = NetworkParams::testing();
    let key = Keypair::from_secret(&[1; 32]);
    let mut ns = Namespace::new(params.clone());
    let name = Name::parse("victim").unwrap();
    ns.apply(build::register(&params, &key, &name, vec![], 1_000).unwrap(), 1_000).unwrap();
    let store = IndexedDbBlockstore::open(db).await.unwrap();
    persist::save(&mut ns, &store, &[]).await.unwrap();
    // Change the bytes stored under the entry's CID.
    let cid = ns.get(&name).unwrap().to_block().cid;
    store.put_many(&[Block { cid, bytes: b"tampered".to_vec() }]).await.unwrap();
    store.close().await.unwrap();

    let store = IndexedDbBlockstore::open(db).await.unwrap();
    let err = persist::load(&store, params, Limits::default()).await.unwrap_err();
    assert_eq!(err.code(), "storage.corrupt");
    assert!(err.to_string().contains(&cid.to_string()), "{err}");
    store.close().await.unwrap();
    delete_database(db).await.unwrap();
}
