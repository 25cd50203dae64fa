//! The persistence suite on Node's storages, as `vns serve` and `open()` use them: the default
//! LMDB database (`vns/db-storage`, one transaction per save) and a real `blockstore-fs` folder
//! through the package's IPFS blockstore adapter (`vns/fs-storage`).
#![cfg(all(target_arch = "wasm32", feature = "wasm"))]

use vns::blockstore::JsBlockstore;
use vns::persist;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

#[wasm_bindgen(inline_js = r#"
export async function tempDir() {
  const { mkdtemp } = await import("node:fs/promises");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  return mkdtemp(join(tmpdir(), "vns-fs-suite-"));
}
// The runner copies this snippet to a temporary folder: import the shim by its absolute path
// (cargo runs tests from the crate root).
export async function fsStorage(dir) {
  const { join } = await import("node:path");
  const { pathToFileURL } = await import("node:url");
  const url = pathToFileURL(join(process.cwd(), "js", "fs-storage.js"));
  const { fsStorage } = await import(url.href);
  return fsStorage(dir);
}
export async function dbStorage(dir) {
  const { join } = await import("node:path");
  const { pathToFileURL } = await import("node:url");
  const url = pathToFileURL(join(process.cwd(), "js", "db-storage.js"));
  const { dbStorage } = await import(url.href);
  return dbStorage(dir);
}
export async function removeDir(dir) {
  const { rm } = await import("node:fs/promises");
  await rm(dir, { recursive: true, force: true });
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = tempDir)]
    async fn temp_dir() -> JsValue;
    #[wasm_bindgen(js_name = fsStorage, catch)]
    async fn fs_storage(dir: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = dbStorage, catch)]
    async fn db_storage(dir: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_name = removeDir)]
    async fn remove_dir(dir: &JsValue);
}

#[wasm_bindgen_test]
async fn blockstore_fs_passes_the_persistence_suite() {
    let dir = temp_dir().await;
    let open = || async {
        let adapter = fs_storage(&dir).await;
        JsBlockstore::new(adapter.expect("the package's fsStorage opens the folder"))
    };
    let result = persist::acceptance::run(open, 300).await;
    remove_dir(&dir).await;
    result.unwrap();
}

#[wasm_bindgen_test]
async fn the_lmdb_database_passes_the_persistence_suite() {
    let dir = temp_dir().await;
    let open = || async {
        let adapter = db_storage(&dir).await;
        JsBlockstore::new(adapter.expect("the package's dbStorage opens the database"))
    };
    let result = persist::acceptance::run(open, 300).await;
    remove_dir(&dir).await;
    result.unwrap();
}
