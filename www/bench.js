// @ts-check
/**
 * The browser benchmark (www/bench.html): opening a VNS node that loads N names from
 * IndexedDB, and resolve latency from page JavaScript, each beside raw IndexedDB reads and a
 * JS `Map` measured in the same run. `?names=N&rounds=R&run` starts at once (the headless
 * driver, tests/e2e/bench-page.mjs, uses that); results land in `window.benchResults`.
 * @module
 */
import { open, generateKeys, VnsNode } from 'vns';
import { h, byId } from './ui.js';

/** @typedef {import('vns').Vns} Vns */
/** @typedef {{ benchmark: string, median: string, baseline: string, baselineMedian: string, ratio: string }} Row */

const DB = 'vns-bench';
const RAW_DB = 'vns-bench-raw';
const RAW_STORE = 'names';
/** One owner registers every name: lift the per-owner limit; no automatic saves midway. */
const OPTIONS = /** @type {const} */ ({
  dbName: DB,
  storage: 'indexeddb',
  network: 'testing',
  registrationsPerHour: 1_000_000,
  saveDelayMs: 1_000_000_000,
});
/** What the wasm node itself is opened with: the options above less the shim's own. */
const { saveDelayMs: _shimOnly, ...NODE_OPTIONS } = OPTIONS;
const LOOKUPS = 10_000;
const MAP_LOOKUPS = 1_000_000;
/** Calls per slice of the alternating resolveSync and Map.get loops (a divisor of MAP_LOOKUPS). */
const SLICE = 100_000;
const IDB_LOOKUPS = 1_000;

const logBox = byId('bench-log');
/** @param {string} line */
function log(line) {
  logBox.textContent += `${line}\n`;
  console.log(`bench: ${line}`);
}

const now = () => performance.now();
/** Lets the page paint and the log update during long loops. */
const breathe = () => new Promise((resolve) => setTimeout(resolve, 0));

/** @param {number[]} values */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** @param {number} ms */
function formatMs(ms) {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 1) return `${ms.toFixed(1)} ms`;
  if (ms >= 0.001) return `${(ms * 1000).toFixed(2)} µs`;
  return `${(ms * 1e6).toFixed(1)} ns`;
}

/**
 * Opens database `name`: at its current version, or (with `upgrade`) at version 1, creating it.
 * @param {string} name
 * @param {(db: IDBDatabase) => void} [upgrade]
 * @returns {Promise<IDBDatabase>}
 */
function openDb(name, upgrade) {
  return new Promise((resolve, reject) => {
    const request = upgrade ? indexedDB.open(name, 1) : indexedDB.open(name);
    if (upgrade) request.onupgradeneeded = () => upgrade(request.result);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** @param {string} name */
function deleteDb(name) {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve(undefined);
    request.onerror = () => reject(request.error);
  });
}

/**
 * @template T
 * @param {IDBRequest<T>} request
 * @returns {Promise<T>}
 */
function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** The name of the i-th benchmark name. @param {number} i */
const nameOf = (i) => `bench${String(i).padStart(7, '0')}.vfs`;

/**
 * Makes (once) a VNS database of `n` names, each with an A and a TXT record, registered by
 * one key through the package like any page would; then a plain IndexedDB store of the same
 * resolved answers, keyed by name, for the raw and Map baselines.
 * @param {number} n
 */
async function setUp(n) {
  let vns = await open(OPTIONS);
  if (vns.size !== n) {
    log(`making ${n.toLocaleString()} names (once; kept in IndexedDB "${DB}")…`);
    await vns.close();
    await deleteDb(DB);
    await deleteDb(RAW_DB);
    vns = await open(OPTIONS);
    const keys = generateKeys();
    const started = now();
    for (let i = 0; i < n; i += 1) {
      const ip = `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`;
      await vns.register(keys, nameOf(i), [{ type: 'A', value: ip }, { type: 'TXT', value: 'v=vns1' }]);
      if (i % 5000 === 4999) {
        log(`  ${(i + 1).toLocaleString()} registered (${formatMs(now() - started)})`);
        await breathe();
      }
    }
    const saving = now();
    const report = await vns.save();
    log(`  saved ${report.blocks.toLocaleString()} blocks, ${(report.bytes / 1e6).toFixed(1)} MB in ${formatMs(now() - saving)}`);
  }
  const raw = await openDb(RAW_DB, (db) => db.createObjectStore(RAW_STORE, { keyPath: 'name' }));
  const held = await done(raw.transaction(RAW_STORE).objectStore(RAW_STORE).count());
  if (held !== n) {
    log(`writing the same ${n.toLocaleString()} answers as plain IndexedDB records…`);
    const tx = raw.transaction(RAW_STORE, 'readwrite');
    const store = tx.objectStore(RAW_STORE);
    store.clear();
    for (let i = 0; i < n; i += 1) store.put(await vns.resolve(nameOf(i)));
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
  }
  raw.close();
  await vns.close();
}

/**
 * Reads every record of every store of database `name` with one `getAll` per store, as the
 * VNS load does: the raw cost of getting those bytes out of IndexedDB.
 * @param {string} name
 * @returns {Promise<{ records: number, bytes: number }>}
 */
async function readAll(name) {
  const db = await openDb(name);
  try {
    const stores = [...db.objectStoreNames];
    const tx = db.transaction(stores);
    let records = 0;
    let bytes = 0;
    for (const values of await Promise.all(stores.map((s) => done(tx.objectStore(s).getAll())))) {
      records += values.length;
      for (const v of values) bytes += byteLength(v);
    }
    return { records, bytes };
  } finally {
    db.close();
  }
}

/**
 * Bytes in a stored value: a block (`Uint8Array`), or a pack of blocks (`{ cids, bytes }`).
 * @param {unknown} value
 */
function byteLength(value) {
  if (value instanceof Uint8Array) return value.length;
  if (value instanceof ArrayBuffer) return value.byteLength;
  const packed = /** @type {{ bytes?: unknown }} */ (value)?.bytes;
  return packed instanceof Uint8Array ? packed.length : 0;
}

/** The plain records into a `Map`, name -> answer. @returns {Promise<Map<string, unknown>>} */
async function loadMap() {
  const db = await openDb(RAW_DB);
  try {
    const all = await done(db.transaction(RAW_STORE).objectStore(RAW_STORE).getAll());
    return new Map(all.map((answer) => [answer.name, answer]));
  } finally {
    db.close();
  }
}

/**
 * A Map lookup behind a promise, like `vns.resolve`.
 * @param {Map<string, unknown>} map @param {string} name
 */
async function getAsync(map, name) {
  return map.get(name);
}

/**
 * `count` distinct names in a fixed pseudo-random order (a seeded shuffle), so that each round
 * resolves names no earlier round asked for: the first lookup of a name goes into the wasm
 * node, a repeat is answered from the shim's cache.
 * @param {number} count @param {number} n
 */
function picks(count, n) {
  const order = Array.from({ length: n }, (_, i) => i);
  let x = 2463534242;
  for (let i = n - 1; i > 0; i -= 1) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const j = (x >>> 0) % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order.slice(0, count).map(nameOf);
}

/**
 * @param {number} n
 * @param {number} rounds
 * @returns {Promise<Row[]>}
 */
async function run(n, rounds) {
  await setUp(n);
  const opens = [];
  const wasmOpens = [];
  const rawRead = [];
  const mapLoad = [];
  let blocks = { records: 0, bytes: 0 };
  for (let r = 0; r < rounds; r += 1) {
    let t = now();
    const vns = await open(OPTIONS);
    opens.push(now() - t);
    if (vns.size !== n) throw new Error(`the node loaded ${vns.size} names, not ${n}`);
    await vns.close();

    // The wasm node alone (no shim, no tab sharing): what of the open is the core's load.
    t = now();
    const node = await VnsNode.open(NODE_OPTIONS);
    wasmOpens.push(now() - t);
    if (node.size !== n) throw new Error(`the wasm node loaded ${node.size} names, not ${n}`);
    await node.close();
    node.free();

    t = now();
    blocks = await readAll(DB);
    rawRead.push(now() - t);

    t = now();
    const map = await loadMap();
    mapLoad.push(now() - t);
    if (map.size !== n) throw new Error(`the Map holds ${map.size} names, not ${n}`);
    log(`round ${r + 1}: open ${formatMs(opens[r])}, VnsNode.open ${formatMs(wasmOpens[r])}, raw getAll ${formatMs(rawRead[r])}, Map load ${formatMs(mapLoad[r])}`);
    await breathe();
  }
  log(`the VNS database: ${blocks.records.toLocaleString()} records, ${(blocks.bytes / 1e6).toFixed(1)} MB`);

  const vns = await open(OPTIONS);
  const map = await loadMap();
  const raw = await openDb(RAW_DB);
  const lookups = Math.min(LOOKUPS, Math.floor(n / rounds));
  const all = picks(lookups * rounds, n);
  const resolveMs = [];
  const cachedMs = [];
  const syncMs = [];
  const mapMs = [];
  const awaitedMapMs = [];
  const idbMs = [];
  try {
    for (let r = 0; r < rounds; r += 1) {
      const names = all.slice(r * lookups, (r + 1) * lookups);
      let t = now();
      let found = 0;
      for (const name of names) found += (await vns.resolve(name)).records.length;
      resolveMs.push((now() - t) / names.length);

      t = now();
      for (const name of names) found += (await vns.resolve(name)).records.length;
      cachedMs.push((now() - t) / names.length);

      // Cached resolveSync and its Map.get baseline make as many calls each (the round's
      // names, over and over; a loop of only 10,000 calls spends a varying part of itself
      // before V8 optimises it), in alternating slices, so that both see the same machine.
      let syncFound = 0;
      let hits = 0;
      let [syncTotal, mapTotal] = [0, 0];
      for (let start = 0; start < MAP_LOOKUPS; start += SLICE) {
        t = now();
        for (let i = start; i < start + SLICE; i += 1) syncFound += vns.resolveSync(names[i % names.length]).records.length;
        syncTotal += now() - t;
        t = now();
        for (let i = start; i < start + SLICE; i += 1) hits += map.get(names[i % names.length]) ? 1 : 0;
        mapTotal += now() - t;
      }
      syncMs.push(syncTotal / MAP_LOOKUPS);
      mapMs.push(mapTotal / MAP_LOOKUPS);
      if (syncFound !== 2 * MAP_LOOKUPS) throw new Error('a cached resolveSync missed');

      // The same lookup behind an `await`, as `vns.resolve` is: what the promise costs.
      t = now();
      for (const name of names) hits += (await getAsync(map, name)) ? 1 : 0;
      awaitedMapMs.push((now() - t) / names.length);

      t = now();
      for (const name of names.slice(0, IDB_LOOKUPS)) {
        const answer = await done(raw.transaction(RAW_STORE).objectStore(RAW_STORE).get(name));
        if (!answer) throw new Error(`raw IndexedDB lost ${name}`);
      }
      idbMs.push((now() - t) / IDB_LOOKUPS);
      if (found !== 4 * names.length || hits !== MAP_LOOKUPS + names.length) throw new Error('a lookup missed');
      log(
        `round ${r + 1} per lookup: resolve ${formatMs(resolveMs[r])}, again ${formatMs(cachedMs[r])}, resolveSync ${formatMs(syncMs[r])}; ` +
          `Map.get ${formatMs(mapMs[r])}, awaited ${formatMs(awaitedMapMs[r])}; IndexedDB get ${formatMs(idbMs[r])}`,
      );
      await breathe();
    }
  } finally {
    raw.close();
    await vns.close();
  }

  const ratio = (/** @type {number} */ a, /** @type {number} */ b) => `${(a / b).toPrecision(3)}x`;
  const [o, w, g, m] = [median(opens), median(wasmOpens), median(rawRead), median(mapLoad)];
  const [rv, rc, rs] = [median(resolveMs), median(cachedMs), median(syncMs)];
  const [rm, ra, ri] = [median(mapMs), median(awaitedMapMs), median(idbMs)];
  const N = n.toLocaleString();
  return [
    { benchmark: `open: load ${N} names from IndexedDB`, median: formatMs(o), baseline: `raw IndexedDB getAll of the same ${blocks.records.toLocaleString()} records`, baselineMedian: formatMs(g), ratio: ratio(o, g) },
    { benchmark: '', median: '', baseline: `${N} plain answers: IndexedDB getAll into a JS Map`, baselineMedian: formatMs(m), ratio: ratio(o, m) },
    { benchmark: '', median: '', baseline: 'the same load by the wasm node alone (VnsNode.open, no shim)', baselineMedian: formatMs(w), ratio: ratio(o, w) },
    { benchmark: `VnsNode.open alone: load ${N} names`, median: formatMs(w), baseline: `raw IndexedDB getAll of the same ${blocks.records.toLocaleString()} records`, baselineMedian: formatMs(g), ratio: ratio(w, g) },
    { benchmark: `await vns.resolve(name), first time (into wasm), ${N} names`, median: formatMs(rv), baseline: 'awaited JS Map.get of the same answers', baselineMedian: formatMs(ra), ratio: ratio(rv, ra) },
    { benchmark: '', median: '', baseline: 'raw IndexedDB get (one readonly transaction each)', baselineMedian: formatMs(ri), ratio: ratio(rv, ri) },
    { benchmark: 'await vns.resolve(name), again (cached answer)', median: formatMs(rc), baseline: 'awaited JS Map.get', baselineMedian: formatMs(ra), ratio: ratio(rc, ra) },
    { benchmark: '', median: '', baseline: 'raw IndexedDB get', baselineMedian: formatMs(ri), ratio: ratio(rc, ri) },
    { benchmark: 'vns.resolveSync(name), again (cached answer)', median: formatMs(rs), baseline: 'JS Map.get', baselineMedian: formatMs(rm), ratio: ratio(rs, rm) },
  ];
}

/** @param {Row[]} rows */
function show(rows) {
  const table = byId('bench-results');
  const body = /** @type {HTMLElement} */ (table.querySelector('tbody'));
  body.replaceChildren(
    ...rows.map((r) => h('tr', {}, h('td', {}, r.benchmark), h('td', {}, r.median), h('td', {}, r.baseline), h('td', {}, r.baselineMedian), h('td', {}, r.ratio))),
  );
  table.hidden = false;
}

/** @param {number} n @param {number} rounds */
async function start(n, rounds) {
  const results = /** @type {{ benchResults?: unknown }} */ (/** @type {unknown} */ (window));
  document.documentElement.dataset.state = 'running';
  log(`${navigator.userAgent}; ${navigator.hardwareConcurrency} cores; ${n.toLocaleString()} names, ${rounds} rounds`);
  try {
    const rows = await run(n, rounds);
    show(rows);
    results.benchResults = { names: n, rounds, userAgent: navigator.userAgent, rows };
    document.documentElement.dataset.state = 'done';
  } catch (error) {
    log(`failed: ${error instanceof Error ? error.stack : error}`);
    results.benchResults = { error: String(error) };
    document.documentElement.dataset.state = 'failed';
  }
}

const params = new URLSearchParams(location.search);
const form = /** @type {HTMLFormElement} */ (byId('bench-form'));
const namesInput = /** @type {HTMLInputElement} */ (byId('bench-names'));
const roundsInput = /** @type {HTMLInputElement} */ (byId('bench-rounds'));
namesInput.value = params.get('names') ?? namesInput.value;
roundsInput.value = params.get('rounds') ?? roundsInput.value;
form.addEventListener('submit', (event) => {
  event.preventDefault();
  void start(Number(namesInput.value), Number(roundsInput.value));
});
if (params.has('run')) void start(Number(namesInput.value), Number(roundsInput.value));
