// Node storage engines side by side (see BENCHMARKS.md, "Node storage"): LMDB (`lmdb`, the
// default, `js/db-storage.js`), LevelDB (`classic-level`, an adapter in this script only) and,
// with --folder, the blockstore-fs folder. For each: the full save of N names (the one commit
// a node's first save hands its storage: every block and the root pointer), the load of those
// N names by a node opened over it (through the package), and one change's durable save
// (a registration, then `save()`), medians of several rounds. The baseline of the same run:
// the same commit into a Map, and the same load from a Map-backed adapter. On a shared machine
// the wall times follow the load average; the CPU time of each load (this process, every
// thread) is printed beside them.
//
//   cargo run --release --example bench_fixture -- 100000   (once: target/bench-storage/)
//   node scripts/bench-storage.mjs [--names 100000] [--rounds 3] [--changes 20] [--folder]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ClassicLevel } from 'classic-level';
import { dbStorage } from '../js/db-storage.js';
import { readFixture } from './bench-fixture.mjs';
import { fsStorage } from '../js/fs-storage.js';
import { open, generateKeys } from '../js/node.js';

const { values: flags } = parseArgs({
  options: {
    names: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '3' },
    changes: { type: 'string', default: '20' },
    folder: { type: 'boolean', default: false },
  },
});
const N = Number(flags.names);
const ROUNDS = Number(flags.rounds);
const CHANGES = Number(flags.changes);


/** LevelDB through classic-level, with the same commit shape as the LMDB adapter. */
async function levelStorage(dir) {
  const db = new ClassicLevel(join(dir, 'level'), { keyEncoding: 'view', valueEncoding: 'view' });
  await db.open();
  const stateKey = (key) => new TextEncoder().encode(`state/${key}`);
  const blockKey = (cid) => {
    const k = new Uint8Array(cid.length + 1);
    k[0] = 0x62; // 'b'
    k.set(cid, 1);
    return k;
  };
  return {
    put: (cid, bytes) => db.put(blockKey(cid), bytes, { sync: true }),
    get: (cid) => db.get(blockKey(cid)),
    has: async (cid) => (await db.get(blockKey(cid))) !== undefined,
    delete: (cid) => db.del(blockKey(cid), { sync: true }),
    getState: (key) => db.get(stateKey(key)),
    setState: (key, bytes) => (bytes === undefined ? db.del(stateKey(key), { sync: true }) : db.put(stateKey(key), bytes, { sync: true })),
    async commit(puts, entries) {
      const batch = puts.map(([cid, bytes]) => ({ type: 'put', key: blockKey(cid), value: bytes }));
      for (const [key, bytes] of entries) {
        batch.push(bytes === undefined ? { type: 'del', key: stateKey(key) } : { type: 'put', key: stateKey(key), value: bytes });
      }
      await db.batch(/** @type {any} */ (batch), { sync: true });
    },
    async readAll() {
      const out = [];
      for await (const [key, value] of db.iterator({ gte: Uint8Array.of(0x62), lt: Uint8Array.of(0x63) })) out.push([key.slice(1), value]);
      return out;
    },
    close: () => db.close(),
  };
}

/** A Map-backed adapter (the baseline): same shape, no disk. */
function mapStorage() {
  const hex = (b) => Buffer.from(b).toString('hex');
  const blocks = new Map();
  const state = new Map();
  return {
    put: async (cid, bytes) => void blocks.set(hex(cid), [cid, bytes]),
    get: async (cid) => blocks.get(hex(cid))?.[1],
    has: async (cid) => blocks.has(hex(cid)),
    delete: async (cid) => void blocks.delete(hex(cid)),
    getState: async (key) => state.get(key),
    setState: async (key, bytes) => void (bytes === undefined ? state.delete(key) : state.set(key, bytes)),
    async commit(puts, entries) {
      for (const [cid, bytes] of puts) blocks.set(hex(cid), [cid, bytes]);
      for (const [key, bytes] of entries) bytes === undefined ? state.delete(key) : state.set(key, bytes);
    },
    readAll: async () => [...blocks.values()],
  };
}

/** The folder storage with a commit that does what the core does without one. */
async function folderStorage(dir) {
  const adapter = await fsStorage(dir);
  return {
    ...adapter,
    async commit(puts, entries) {
      await Promise.all(puts.map(([cid, bytes]) => adapter.put(cid, bytes)));
      for (const [key, bytes] of entries) await adapter.setState(key, bytes);
    },
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => (x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(x < 10 ? 2 : 0)} ms`);

const fixture = readFixture(N);
const bytes = fixture.blocks.reduce((n, [, b]) => n + b.length, 0);
console.log(`${N} names: ${fixture.blocks.length} blocks, ${(bytes / 1e6).toFixed(1)} MB; ${ROUNDS} rounds, ${CHANGES} one-change saves per round`);

const engines = [
  ['lmdb', (dir) => dbStorage(dir)],
  ['classic-level', levelStorage],
  ['map (baseline)', async () => mapStorage()],
  ...(flags.folder ? [['blockstore-fs folder', folderStorage]] : []),
];

/** @type {Record<string, { save: number[], load: number[], loadCpu: number[], change: number[] }>} */
const results = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const [label, make] of engines) {
    const r = (results[label] ??= { save: [], load: [], loadCpu: [], change: [] });
    const dir = await mkdtemp(join(tmpdir(), 'vns-bench-storage-'));
    try {
      let storage = await make(dir);
      let t = performance.now();
      await storage.commit(fixture.blocks, [['root', fixture.root]]);
      r.save.push(performance.now() - t);
      // A map keeps its contents only in this object: reopen the disk stores, reuse the map.
      if (storage.close) {
        await storage.close();
        storage = await make(dir);
      }
      t = performance.now();
      const cpu = process.cpuUsage();
      const vns = await open({ storage, network: 'testing', registrationsPerHour: 100_000, saveDelayMs: 3_600_000 });
      r.load.push(performance.now() - t);
      const used = process.cpuUsage(cpu);
      r.loadCpu.push((used.user + used.system) / 1000);
      if (vns.size !== N) throw new Error(`${label}: loaded ${vns.size} names, not ${N}`);
      const keys = generateKeys();
      for (let i = 0; i < CHANGES; i++) {
        await vns.register(keys, `change${round}x${i}`, [{ type: 'TXT', value: 'one change' }]);
        t = performance.now();
        await vns.save();
        r.change.push(performance.now() - t);
      }
      await vns.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  console.log(`round ${round + 1} done`);
}

const base = results['map (baseline)'];
console.log(`\n| storage | full save (${N}) | load (${N}) | load, CPU time | one change, durable |`);
console.log('|---|---|---|---|---|');
for (const [label, r] of Object.entries(results)) {
  const ratio = (xs, b) => (label === 'map (baseline)' ? '' : ` (${(median(xs) / median(b)).toFixed(1)}x)`);
  console.log(`| ${label} | ${ms(median(r.save))}${ratio(r.save, base.save)} | ${ms(median(r.load))}${ratio(r.load, base.load)} | ${ms(median(r.loadCpu))} | ${ms(median(r.change))} |`);
}
console.log('\nrounds (ms):', JSON.stringify(Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { save: v.save.map(Math.round), load: v.load.map(Math.round), loadCpu: v.loadCpu.map(Math.round) }]))));
