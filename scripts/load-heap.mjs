// @ts-check
// Loads a fixture (examples/bench_fixture.rs) into a fresh node in this process and prints,
// as one JSON line, the wasm heap before and after: what the load kept and the most it held
// at once. Run in a process of its own, so that nothing before the load sets the high-water
// mark (tests/node/bench-fixture.test.mjs).
//
//   node scripts/load-heap.mjs FIXTURE N
import { open, heapStats } from 'vns';
import { readFixture } from './bench-fixture.mjs';

const [path, count] = process.argv.slice(2);
const fixture = readFixture(Number(count), path);
const blocks = new Map(fixture.blocks.map(([cid, bytes]) => [Buffer.from(cid).toString('hex'), bytes]));
const storage = {
  readAll: () => fixture.blocks,
  /** @param {Uint8Array} cid */
  get: (cid) => blocks.get(Buffer.from(cid).toString('hex')),
  /** @param {Uint8Array} cid */
  has: (cid) => blocks.has(Buffer.from(cid).toString('hex')),
  put() {},
  delete() {},
  /** @param {string} key */
  getState: (key) => (key === 'root' ? fixture.root : undefined),
  setState() {},
};
const before = heapStats();
const vns = await open({ storage, network: 'testing' });
const after = heapStats();
console.log(JSON.stringify({ names: vns.size, before, after }));
process.exit(0);
