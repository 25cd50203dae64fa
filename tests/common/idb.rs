//! IndexedDB layout checks shared by the browser and Node wasm tests: blocks are packed many to
//! a record, small commits do not leave one record each, deletion keeps packs full, and a
//! version 1 database (one record per block) is upgraded without losing a block.

use js_sys::{Array, Reflect, Uint8Array};
use vns::block::Block;
use vns::blockstore::{delete_database, get_verified, Blockstore, IndexedDbBlockstore};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/tests/js/idb_layout.js")]
extern "C" {
    #[wasm_bindgen(js_name = writeV1)]
    async fn write_v1(name: &str, cids: Array, blocks: Array, root: Uint8Array);
    async fn layout(name: &str) -> JsValue;
}

/// Version and record count per object store of database `name`.
async fn records(name: &str) -> (u32, Vec<(String, u32)>) {
    let layout = layout(name).await;
    let get = |o: &JsValue, k: &str| Reflect::get(o, &k.into()).unwrap();
    let stores = get(&layout, "stores");
    let mut counts: Vec<(String, u32)> =
        js_sys::Object::keys(stores.unchecked_ref::<js_sys::Object>())
            .iter()
            .map(|k| {
                let k = k.as_string().unwrap();
                let n = get(&stores, &k).as_f64().unwrap() as u32;
                (k, n)
            })
            .collect();
    counts.sort();
    (get(&layout, "version").as_f64().unwrap() as u32, counts)
}

fn packs(counts: &[(String, u32)]) -> u32 {
    counts.iter().find(|(k, _)| k == "packs").map_or(0, |(_, n)| *n)
}

/// Blocks of equal size (three-byte CBOR integers), so merges depend on counts alone.
fn blocks(range: std::ops::Range<u32>) -> Vec<Block> {
    range.map(|i| Block::encode(&("packed", 1_000 + i)).unwrap()).collect()
}

async fn check_all(store: &IndexedDbBlockstore, blocks: &[Block]) {
    for b in blocks {
        assert_eq!(get_verified(store, &b.cid).await.unwrap(), *b);
    }
    let mut listed = store.list().await.unwrap();
    listed.sort();
    let mut expected: Vec<_> = blocks.iter().map(|b| b.cid).collect();
    expected.sort();
    assert_eq!(listed, expected);
}

pub async fn packs_hold_many_blocks(db: &str) {
    delete_database(db).await.unwrap();
    let store = IndexedDbBlockstore::open(db).await.unwrap();
    let first = blocks(0..1_000);
    store.commit(&first, &[("root".into(), Some(first[0].cid.to_bytes()))]).await.unwrap();
    assert_eq!(packs(&records(db).await.1), 1, "1,000 small blocks fit one pack");

    // 40 one-block saves merge like a binary counter: one pack per set bit of 40 (101000).
    let single = blocks(1_000..1_040);
    for b in &single {
        store.put_many(std::slice::from_ref(b)).await.unwrap();
    }
    assert_eq!(packs(&records(db).await.1), 1 + 2);
    let all: Vec<Block> = first.iter().chain(&single).cloned().collect();
    check_all(&store, &all).await;
    assert_eq!(store.get_all().await.unwrap().unwrap().len(), all.len());

    // Deleting all but the last 10 blocks: the pack of the last 8 saves holds no dead block
    // and stays; the other two packs are replaced by one pack of their 2 survivors.
    let (dead, kept) = all.split_at(all.len() - 10);
    store.delete_many(&dead.iter().map(|b| b.cid).collect::<Vec<_>>()).await.unwrap();
    assert_eq!(packs(&records(db).await.1), 2);
    check_all(&store, kept).await;
    assert!(!store.has(&dead[0].cid).await.unwrap());
    assert_eq!(store.get(&dead[5].cid).await.unwrap(), None);
    store.close().await.unwrap();
    delete_database(db).await.unwrap();
}

pub async fn version_1_databases_are_upgraded(db: &str) {
    delete_database(db).await.unwrap();
    let old = blocks(0..500);
    let cids: Array = old.iter().map(|b| JsValue::from_str(&b.cid.to_string())).collect();
    let bytes: Array = old.iter().map(|b| JsValue::from(Uint8Array::from(&b.bytes[..]))).collect();
    let root = old[0].cid.to_bytes();
    write_v1(db, cids, bytes, Uint8Array::from(&root[..])).await;
    assert_eq!(records(db).await, (1, vec![("blocks".into(), 500), ("state".into(), 1)]));

    let store = IndexedDbBlockstore::open(db).await.unwrap();
    assert_eq!(records(db).await, (2, vec![("packs".into(), 1), ("state".into(), 1)]));
    assert_eq!(store.get_state("root").await.unwrap(), Some(root));
    check_all(&store, &old).await;
    store.close().await.unwrap();
    delete_database(db).await.unwrap();
}

pub async fn a_failed_upgrade_leaves_version_1(db: &str) {
    delete_database(db).await.unwrap();
    let cids = Array::of2(&"not a cid".into(), &"bafy-nope".into());
    let bytes = Array::of2(&Uint8Array::from(&[1u8][..]), &Uint8Array::from(&[2u8][..]));
    write_v1(db, cids, bytes, Uint8Array::from(&[0u8][..])).await;
    let err = IndexedDbBlockstore::open(db).await.unwrap_err();
    assert_eq!(err.code(), "storage.io");
    assert!(err.to_string().contains("not a block"), "{err}");
    assert_eq!(records(db).await, (1, vec![("blocks".into(), 2), ("state".into(), 1)]));
    delete_database(db).await.unwrap();
}
