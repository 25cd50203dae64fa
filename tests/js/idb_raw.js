// Raw IndexedDB baseline for the browser persistence benchmark: the same bytes under the same
// keys, written in one transaction and read back with one get per key in one transaction.
const open = (name) =>
  new Promise((resolve, reject) => {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => req.result.createObjectStore('raw');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
const done = (tx) =>
  new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = tx.onabort = () => reject(tx.error);
  });

/** Returns [put ms, get-per-key ms, getAll ms]. */
export async function rawPutGet(dbName, keys, values) {
  await new Promise((r) => { const d = indexedDB.deleteDatabase(dbName); d.onsuccess = d.onerror = r; });
  const db = await open(dbName);
  const t0 = performance.now();
  let tx = db.transaction('raw', 'readwrite');
  const store = tx.objectStore('raw');
  for (let i = 0; i < keys.length; i++) store.put(values[i], keys[i]);
  await done(tx);
  const t1 = performance.now();
  tx = db.transaction('raw', 'readonly');
  const reads = tx.objectStore('raw');
  let bytes = 0;
  await Promise.all(keys.map((k) => new Promise((resolve, reject) => {
    const r = reads.get(k);
    r.onsuccess = () => { bytes += r.result.byteLength; resolve(); };
    r.onerror = () => reject(r.error);
  })));
  const t2 = performance.now();
  tx = db.transaction('raw', 'readonly');
  const all = await Promise.all([
    new Promise((resolve, reject) => {
      const r = tx.objectStore('raw').getAllKeys();
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    }),
    new Promise((resolve, reject) => {
      const r = tx.objectStore('raw').getAll();
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    }),
  ]);
  const t3 = performance.now();
  db.close();
  if (bytes === 0 || all[1].length !== keys.length) throw new Error('nothing read back');
  return [t1 - t0, t2 - t1, t3 - t2];
}

export function now() {
  return performance.now();
}

/**
 * Returns [put ms, getAll ms] for `records` ({ cids, bytes } packs, as the VNS IndexedDB
 * blockstore stores them) in a store with the same multi-entry index on `cids`.
 */
export async function rawPacks(dbName, records) {
  await new Promise((r) => { const d = indexedDB.deleteDatabase(dbName); d.onsuccess = d.onerror = r; });
  const req = indexedDB.open(dbName, 1);
  req.onupgradeneeded = () =>
    req.result.createObjectStore('packs', { autoIncrement: true })
      .createIndex('cid', 'cids', { multiEntry: true });
  const db = await new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const t0 = performance.now();
  let tx = db.transaction('packs', 'readwrite');
  for (const record of records) tx.objectStore('packs').put(record);
  await done(tx);
  const t1 = performance.now();
  tx = db.transaction('packs', 'readonly');
  const all = await new Promise((resolve, reject) => {
    const r = tx.objectStore('packs').getAll();
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  const t2 = performance.now();
  db.close();
  await new Promise((r) => { const d = indexedDB.deleteDatabase(dbName); d.onsuccess = d.onerror = r; });
  if (all.length !== records.length) throw new Error('packs not read back');
  return [t1 - t0, t2 - t1];
}
