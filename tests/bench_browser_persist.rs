//! Browser persistence benchmark (run by `bash scripts/bench.sh browser`, not by the tests):
//! save and load of 100k names to and from IndexedDB in headless Chromium, beside raw
//! IndexedDB puts and gets (one per key, and one getAll) of the same bytes in the same run
//! (target: load in at most 2 s).
//! Prints medians of three rounds and the ratios.
#![cfg(all(target_arch = "wasm32", feature = "wasm"))]

use js_sys::{Array, Uint8Array};
use vns::blockstore::{delete_database, Blockstore, IndexedDbBlockstore};
use vns::namespace::{Limits, Namespace};
use vns::params::NetworkParams;
use vns::{build, identity::Keypair, name::Name, persist, record::Record};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(module = "/tests/js/idb_raw.js")]
extern "C" {
    #[wasm_bindgen(js_name = rawPutGet)]
    async fn raw_put_get(db: &str, keys: Array, values: Array) -> JsValue;
    fn now() -> f64;
}

const NAMES: u32 = 100_000;

/// 100k entries of realistic size: one signed template with the name and records swapped.
/// Loading never re-checks signatures, so their validity does not matter here.
fn namespace() -> Namespace {
    let params = NetworkParams::testing();
    let key = Keypair::from_secret(&[3; 32]);
    let name = Name::parse("template").unwrap();
    let template = build::register(&params, &key, &name, vec![], 1_000).unwrap();
    let mut ns = Namespace::new(params);
    for i in 0..NAMES {
        let mut e = template.clone();
        e.ops[0].op.name = Name::parse(&format!("name{i:07}")).unwrap();
        e.records = vec![
            Record::parse("A", &format!("10.{}.{}.{}", i >> 16, (i >> 8) & 255, i & 255), None)
                .unwrap(),
            Record::parse("TXT", "v=vns1", None).unwrap(),
        ];
        ns.restore(e);
    }
    ns
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[wasm_bindgen_test]
async fn save_and_load_100k_names_in_indexeddb() {
    let mut ns = namespace();
    let root = ns.merkle_root();
    let blocks = ns.clone().take_unsaved_blocks();
    let bytes: usize = blocks.iter().map(|b| b.bytes.len()).sum();
    let (mut save, mut load, mut raw_put, mut raw_get) = (vec![], vec![], vec![], vec![]);
    let mut raw_get_all = vec![];
    for round in 0..3 {
        let db = format!("vns-bench-{round}");
        delete_database(&db).await.unwrap();
        let store = IndexedDbBlockstore::open(&db).await.unwrap();
        let mut fresh = ns.clone();
        let t = now();
        persist::save(&mut fresh, &store, &[]).await.unwrap();
        save.push(now() - t);
        store.close().await.unwrap();

        let t = now();
        let store = IndexedDbBlockstore::open(&db).await.unwrap();
        let mut loaded =
            persist::load(&store, NetworkParams::testing(), Limits::default()).await.unwrap();
        load.push(now() - t);
        assert_eq!(loaded.len(), NAMES as usize);
        assert_eq!(loaded.merkle_root(), root);
        store.close().await.unwrap();
        delete_database(&db).await.unwrap();

        let keys: Array = blocks.iter().map(|b| JsValue::from_str(&b.cid.to_string())).collect();
        let values: Array =
            blocks.iter().map(|b| JsValue::from(Uint8Array::from(b.bytes.as_slice()))).collect();
        let times =
            Array::from(&raw_put_get(&format!("vns-bench-raw-{round}"), keys, values).await);
        raw_put.push(times.get(0).as_f64().unwrap());
        raw_get.push(times.get(1).as_f64().unwrap());
        raw_get_all.push(times.get(2).as_f64().unwrap());
    }
    let (save, load, raw_put, raw_get) =
        (median(save), median(load), median(raw_put), median(raw_get));
    let raw_get_all = median(raw_get_all);
    console_log!("browser/indexeddb: {NAMES} names, {} blocks, {bytes} bytes", blocks.len());
    console_log!("browser/save_100k: {save:.0} ms; raw puts of the same bytes: {raw_put:.0} ms; ratio {:.2}x", save / raw_put);
    console_log!("browser/load_100k: {load:.0} ms (target: <= 2000 ms); raw gets of the same bytes, one per key: {raw_get:.0} ms (ratio {:.2}x); raw getAll of the same bytes: {raw_get_all:.0} ms (ratio {:.2}x)", load / raw_get, load / raw_get_all);
}
