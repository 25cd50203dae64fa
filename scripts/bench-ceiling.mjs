// One node's ceiling (see BENCHMARKS.md, "One node's ceiling", and the README): N names
// (default 1,000,000, from `cargo run --release --example bench_fixture -- N`) committed into
// a fresh LMDB data folder, then a real `vns serve` started over it: its load time (spawn to
// its `listening` line), its memory once listening (resident set, its peak, the wasm heap as
// the status reports none: read from /proc), and the latency of `GET /api/vns/resolve/NAME`
// for random names, one request at a time (first and second ask of each name), medians and
// 99th percentiles.
//
//   node scripts/bench-ceiling.mjs [--names 1000000] [--lookups 2000]
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ServeProcess } from '../tests/support/serve-process.mjs';
import { dbStorage } from '../js/db-storage.js';
import { readFixture } from './bench-fixture.mjs';

const { values: flags } = parseArgs({
  options: { names: { type: 'string', default: '1000000' }, lookups: { type: 'string', default: '2000' } },
});
const N = Number(flags.names);
const LOOKUPS = Number(flags.lookups);


/** Resident set and its peak of a process, in MiB. @param {number} pid */
async function memory(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rssMiB: Math.round(kib('VmRSS') / 1024), peakMiB: Math.round(kib('VmHWM') / 1024) };
}

const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];
const dir = await mkdtemp(join(tmpdir(), 'vns-ceiling-'));
const node = new ServeProcess(1, dir, ['--network', 'testing']);
try {
  const fixture = readFixture(N);
  let t = performance.now();
  const storage = await dbStorage(dir);
  await storage.commit(fixture.blocks, [['root', fixture.root]]);
  await storage.close();
  console.log(`${N} names: ${fixture.blocks.length} blocks committed in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  t = performance.now();
  const listening = await node.start({ timeoutMs: 1_800_000 });
  const loadMs = performance.now() - t;
  if (listening.entries !== N) throw new Error(`vns serve loaded ${listening.entries} names, not ${N}`);
  const pid = /** @type {number} */ (node.child?.pid);
  const mem = await memory(pid);
  console.log(`vns serve over ${N} names: listening after ${(loadMs / 1000).toFixed(1)} s; resident ${mem.rssMiB} MiB (peak ${mem.peakMiB} MiB)`);

  /** @param {string} name */
  const ask = async (name) => {
    const start = performance.now();
    const res = await fetch(`http://127.0.0.1:${node.port}/api/vns/resolve/${name}`);
    if (res.status !== 200) throw new Error(`${name}: HTTP ${res.status}`);
    await res.arrayBuffer();
    return performance.now() - start;
  };
  const names = Array.from({ length: LOOKUPS }, () => `bench${String(Math.floor(Math.random() * N)).padStart(7, '0')}.vfs`);
  const first = [];
  const second = [];
  for (const name of names) first.push(await ask(name));
  for (const name of names) second.push(await ask(name));
  const f = (xs) => `median ${quantile(xs, 0.5).toFixed(2)} ms, p99 ${quantile(xs, 0.99).toFixed(2)} ms`;
  console.log(`GET /api/vns/resolve (with its proof), one at a time, ${LOOKUPS} random names: first ask ${f(first)}; again ${f(second)}`);
  const after = await memory(pid);
  console.log(`resident after the lookups ${after.rssMiB} MiB (peak ${after.peakMiB} MiB); load average ${(await readFile('/proc/loadavg', 'utf8')).trim()}`);
} finally {
  await node.stop(60_000);
  await rm(dir, { recursive: true, force: true });
}
