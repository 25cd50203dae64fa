// @ts-check
/**
 * The page side of `tests/e2e/bench-light.mjs`: each function is one measurement in a fresh
 * page (a new browser context each), against the node that served it. Times are
 * `performance.now()` differences in ms; nothing here judges them.
 * @module
 */
import { open, connectWebSocket } from 'vns';

/** When the package (and its wasm) had loaded, counted from the page's navigation. */
const importedAt = performance.now();
const WS_URL = `ws://${location.host}/vns`;

/** @returns {Promise<Record<string, unknown>>} the options to open this node's network */
async function networkOptions() {
  const status = await (await fetch('/api/vns/status', { cache: 'no-store' })).json();
  return status.open;
}

/**
 * When the socket of one light measurement opened, and when each frame went out and came in
 * (`performance.now()`, taken before the client handles a frame: its listeners run first).
 * @typedef {{ dialed: number, opened: number, sent: number[], received: number[] }} SocketMarks
 */

/**
 * A browser WebSocket that records `marks` (handed to `connectWebSocket` as its `WebSocket`).
 * @param {SocketMarks} marks
 */
function markedWebSocket(marks) {
  return class MarkedWebSocket extends WebSocket {
    /** @param {string} url */
    constructor(url) {
      super(url);
      marks.dialed = performance.now();
      this.addEventListener('open', () => {
        marks.opened = performance.now();
      });
      this.addEventListener('message', () => marks.received.push(performance.now()));
    }

    /** @param {Uint8Array | string} data */
    send(data) {
      marks.sent.push(performance.now());
      super.send(data);
    }
  };
}

/**
 * A light client opened here, linked to the node, asked for `name`: the time from `open` to
 * its first verified answer, and the marks in between (all in ms from `open`): the socket's
 * dial and open, each frame out and in, the node's `hello`, the question and the answer.
 * @param {string} name
 * @param {string} [dbName] the cache's IndexedDB database
 */
async function light(name, dbName = 'bench-light') {
  const options = await networkOptions();
  /** @type {SocketMarks} */
  const marks = { dialed: NaN, opened: NaN, sent: [], received: [] };
  const started = performance.now();
  // Dialed as soon as the client exists, while its saved answers are read (`connect`).
  const dial = (/** @type {import('vns').LightVns} */ client) => void connectWebSocket(client, WS_URL, { WebSocket: markedWebSocket(marks) });
  const vns = await open({ mode: 'light', dbName, ...options, connect: dial });
  const opened = performance.now();
  await vns.ready();
  const ready = performance.now();
  const answer = await vns.resolve(name);
  const answered = performance.now();
  await vns.close();
  const since = (/** @type {number} */ t) => t - started;
  return {
    importedMs: importedAt,
    openMs: opened - started,
    readyMs: ready - started,
    answerMs: answered - started,
    dialMs: since(marks.dialed),
    socketOpenMs: since(marks.opened),
    sentMs: marks.sent.map(since),
    receivedMs: marks.received.map(since),
    entry: answer.entry,
    stale: answer.stale,
  };
}

/**
 * A full node opened here (IndexedDB, as the demo page's full mode), linked to the node: the
 * time from `open` until it holds `names` names and answers for `name`.
 * @param {string} name @param {number} names
 */
async function full(name, names) {
  const options = await networkOptions();
  const started = performance.now();
  const vns = await open({ dbName: 'bench-full', ...options });
  connectWebSocket(vns, WS_URL);
  while (vns.size < names) await new Promise((resolve) => setTimeout(resolve, 20));
  const loaded = performance.now();
  const answer = await vns.resolve(name);
  const answered = performance.now();
  const held = vns.size;
  await vns.close();
  return { importedMs: importedAt, loadedMs: loaded - started, answerMs: answered - started, entry: answer.entry, held };
}

/**
 * The bytes a value stored in IndexedDB holds: binary lengths and string lengths, summed
 * through arrays and plain objects.
 * @param {unknown} value
 * @returns {number}
 */
function valueBytes(value) {
  if (value instanceof ArrayBuffer) return value.byteLength;
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) return value.reduce((n, v) => n + valueBytes(v), 0);
  if (value && typeof value === 'object') return Object.values(value).reduce((n, v) => n + valueBytes(v), 0);
  return 0;
}

/**
 * Every key and value of the IndexedDB database `name`, summed (`valueBytes`), by store.
 * @param {string} name
 * @returns {Promise<Record<string, number>>}
 */
function databaseBytes(name) {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name);
    request.onerror = () => reject(request.error);
    request.onsuccess = () => {
      const db = request.result;
      const stores = [...db.objectStoreNames];
      /** @type {Record<string, number>} */
      const sizes = {};
      if (stores.length === 0) return resolve(sizes);
      const tx = db.transaction(stores);
      for (const store of stores) {
        const keys = tx.objectStore(store).getAllKeys();
        const values = tx.objectStore(store).getAll();
        values.onsuccess = () => {
          sizes[store] = valueBytes(keys.result) + valueBytes(values.result);
        };
      }
      tx.oncomplete = () => {
        db.close();
        resolve(sizes);
      };
      tx.onerror = () => reject(tx.error);
    };
  });
}

/**
 * A light client asked for every name of `names` in turn, then closed (which saves): what
 * IndexedDB holds afterwards, summed over its stored keys and values, beside
 * `navigator.storage.estimate()` for the whole origin and the size of the saved cache.
 * @param {string[]} names
 */
async function storage(names) {
  const options = await networkOptions();
  const vns = await open({ mode: 'light', dbName: 'bench-storage', ...options });
  connectWebSocket(vns, WS_URL);
  await vns.ready();
  for (const name of names) await vns.resolve(name);
  const { names: cached, savedBytes } = vns.cached();
  await vns.close();
  const stores = await databaseBytes('bench-storage');
  const estimate = /** @type {StorageEstimate & { usageDetails?: Record<string, number> }} */ (await navigator.storage.estimate());
  return {
    cachedNames: cached.length,
    savedBytes,
    stores,
    storedBytes: Object.values(stores).reduce((a, b) => a + b, 0),
    estimateUsage: estimate.usage ?? null,
    estimateIndexedDb: estimate.usageDetails?.indexedDB ?? null,
  };
}

/** @type {Window & { benchLight?: unknown }} */ (window).benchLight = { light, full, storage };
document.documentElement.dataset.ready = 'true';
