//! Browser persistence benchmark (run by `bash scripts/bench.sh browser`, not by the tests):
//! save and load of 100k names to and from IndexedDB in headless Chromium, beside raw
//! IndexedDB puts and gets of the same bytes in the same run (target: load in at most 2 s):
//! one record per block (one get per key, and one getAll), and the same packs as the
//! blockstore writes (put, then one getAll). The load is also split into its parts: reading
//! and unpacking every block (`get_all`), and checking and decoding them (a load from memory).
//! Prints medians of three rounds and the ratios.
#![cfg(all(target_arch = "wasm32", feature = "wasm"))]

use js_sys::{Array, Object, Reflect, Uint8Array};
use vns::blockstore::{delete_database, pack, Blockstore, IndexedDbBlockstore, MemoryBlockstore};
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
    #[wasm_bindgen(js_name = rawPacks)]
    async fn raw_packs(db: &str, records: Array) -> JsValue;
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

/// The records the blockstore writes for `blocks`: `{ cids, bytes }` per pack.
fn pack_records(blocks: &[vns::block::Block]) -> Array {
    let packs = pack::pack(blocks.iter().map(|b| (b.cid, b.bytes.as_slice())));
    packs
        .iter()
        .map(|p| {
            let record = Object::new();
            let cids: Array = p.cids.iter().map(|c| JsValue::from_str(&c.to_string())).collect();
            Reflect::set(&record, &"cids".into(), &cids).unwrap();
            Reflect::set(&record, &"bytes".into(), &Uint8Array::from(&p.bytes[..])).unwrap();
            JsValue::from(record)
        })
        .collect()
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
    let memory = MemoryBlockstore::new();
    memory.put_many(&blocks).await.unwrap();
    memory.commit(&[], &[(persist::ROOT_KEY.into(), Some(root.to_bytes()))]).await.unwrap();
    let records = pack_records(&blocks);
    let [mut save, mut load, mut get_all, mut from_memory] = [(); 4].map(|_| vec![]);
    let [mut raw_put, mut raw_get, mut raw_get_all, mut packs_put, mut packs_get_all] =
        [(); 5].map(|_| vec![]);
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

        let t = now();
        let all = store.get_all().await.unwrap().unwrap();
        get_all.push(now() - t);
        assert_eq!(all.len(), blocks.len());
        store.close().await.unwrap();
        delete_database(&db).await.unwrap();

        let t = now();
        let mut loaded =
            persist::load(&memory, NetworkParams::testing(), Limits::default()).await.unwrap();
        from_memory.push(now() - t);
        assert_eq!(loaded.merkle_root(), root);

        let keys: Array = blocks.iter().map(|b| JsValue::from_str(&b.cid.to_string())).collect();
        let values: Array =
            blocks.iter().map(|b| JsValue::from(Uint8Array::from(b.bytes.as_slice()))).collect();
        let times =
            Array::from(&raw_put_get(&format!("vns-bench-raw-{round}"), keys, values).await);
        raw_put.push(times.get(0).as_f64().unwrap());
        raw_get.push(times.get(1).as_f64().unwrap());
        raw_get_all.push(times.get(2).as_f64().unwrap());
        let times =
            Array::from(&raw_packs(&format!("vns-bench-packs-{round}"), records.clone()).await);
        packs_put.push(times.get(0).as_f64().unwrap());
        packs_get_all.push(times.get(1).as_f64().unwrap());
    }
    let rounds = format!("{load:.0?}");
    let [save, load, get_all, from_memory] = [save, load, get_all, from_memory].map(median);
    let [raw_put, raw_get, raw_get_all, packs_put, packs_get_all] =
        [raw_put, raw_get, raw_get_all, packs_put, packs_get_all].map(median);
    console_log!(
        "browser/indexeddb: {NAMES} names, {} blocks, {bytes} bytes, {} packs",
        blocks.len(),
        records.length()
    );
    console_log!("browser/save_100k: {save:.0} ms; raw puts of the same packs: {packs_put:.0} ms (ratio {:.2}x); raw puts of one record per block: {raw_put:.0} ms (ratio {:.2}x)", save / packs_put, save / raw_put);
    console_log!("browser/load_100k: {load:.0} ms (target: <= 2000 ms); raw getAll of the same packs: {packs_get_all:.0} ms (ratio {:.2}x); raw getAll of one record per block: {raw_get_all:.0} ms (ratio {:.2}x); raw gets, one per block: {raw_get:.0} ms (ratio {:.2}x)", load / packs_get_all, load / raw_get_all, load / raw_get);
    console_log!("browser/load_100k rounds (the first in a fresh page): {rounds} ms");
    console_log!("browser/load_100k parts: get_all (read + unpack): {get_all:.0} ms; load from memory (check + decode + rebuild): {from_memory:.0} ms");
}
