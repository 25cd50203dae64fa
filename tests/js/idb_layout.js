// Looks at and writes IndexedDB databases the way other code would, for the IndexedDB
// blockstore tests (browser and Node with fake-indexeddb).
const request = (r) =>
  new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });

/** Writes database `name` as version 1 of the blockstore did: one record per block. */
export async function writeV1(name, cids, blocks, root) {
  const open = indexedDB.open(name, 1);
  open.onupgradeneeded = () => {
    open.result.createObjectStore('blocks');
    open.result.createObjectStore('state');
  };
  const db = await request(open);
  const tx = db.transaction(['blocks', 'state'], 'readwrite');
  cids.forEach((cid, i) => tx.objectStore('blocks').put(blocks[i], cid));
  tx.objectStore('state').put(root, 'root');
  await new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = tx.onabort = () => reject(tx.error);
  });
  db.close();
}

/** `{ version, stores: { name: record count } }` of database `name`. */
export async function layout(name) {
  const db = await request(indexedDB.open(name));
  const stores = {};
  for (const store of db.objectStoreNames) {
    stores[store] = await request(db.transaction(store).objectStore(store).count());
  }
  db.close();
  return { version: db.version, stores };
}
