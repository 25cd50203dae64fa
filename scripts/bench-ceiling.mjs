// @ts-check
// One node's ceiling (see BENCHMARKS.md, "One node's ceiling", and the README): for each N,
// the N-name fixture (built by `cargo run --release --example bench_fixture -- N` when
// missing) committed into a fresh LMDB data folder, then a real `vns serve` started over it:
// its load time (spawn to its `listening` line), its memory once listening (resident set and
// its peak from /proc; the wasm heap from /metrics: linear memory, what is held, the most held
// at once), and the latency of `GET /api/vns/resolve/NAME` for random names, one request at a
// time (first and second ask of each name), medians and 99th percentiles. While the node
// loads, a progress line every 10 s says it is alive (time, CPU, resident memory, and the
// node's own log lines). Sizes run one after the other, never at once; the last lines are a
// table of every size.
//
//   node scripts/bench-ceiling.mjs [--names 100000,1000000] [--lookups 2000]
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ServeProcess } from '../tests/support/serve-process.mjs';
import { dbStorage } from '../js/db-storage.js';
import { ensureFixture, readFixture } from './bench-fixture.mjs';

const { values: flags } = parseArgs({
  options: { names: { type: 'string', default: '100000,1000000' }, lookups: { type: 'string', default: '2000' } },
});
const SIZES = flags.names.split(',').map(Number);
const LOOKUPS = Number(flags.lookups);
/** Seconds between two progress lines while a node loads. */
const PROGRESS_EVERY_MS = 10_000;
const MiB = 2 ** 20;

/** The load average, as /proc/loadavg has it (1, 5 and 15 minutes). */
const loadAverage = async () => (await readFile('/proc/loadavg', 'utf8')).split(' ').slice(0, 3).join(' ');

/** Resident set and its peak of a process, in MiB. @param {number} pid */
async function memory(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (/** @type {string} */ field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rssMiB: Math.round(kib('VmRSS') / 1024), peakMiB: Math.round(kib('VmHWM') / 1024) };
}

/** CPU seconds a process has used (user and system, every thread). @param {number} pid */
async function cpuSeconds(pid) {
  // Fields after the command name (which may hold spaces, so split after its closing paren):
  // utime and stime are the 12th and 13th, in clock ticks (100 per second on Linux).
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** @param {number[]} xs @param {number} q */
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];
/** @param {number[]} xs */
const spread = (xs) => `median ${quantile(xs, 0.5).toFixed(2)} ms, p99 ${quantile(xs, 0.99).toFixed(2)} ms`;

/**
 * Commits the fixture of `n` names into a fresh database in `dir`, as a node's first save
 * would (every block and the root pointer in one transaction). The fixture is read here, so
 * that it is garbage once this returns, before the node starts.
 * @param {number} n @param {string} dir
 */
async function commitFixture(n, dir) {
  const fixture = readFixture(n);
  const t = performance.now();
  const storage = await dbStorage(dir);
  await storage.commit(fixture.blocks, [['root', fixture.root]]);
  await storage.close();
  const bytes = fixture.blocks.reduce((sum, [, b]) => sum + b.length, 0);
  console.log(`${n} names: ${fixture.blocks.length} blocks (${(bytes / MiB).toFixed(1)} MiB) committed in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return { blocks: fixture.blocks.length, blockMiB: bytes / MiB };
}

/**
 * Starts `node` and waits for its `listening` line, printing a progress line every
 * {@link PROGRESS_EVERY_MS} and the node's own log lines as they come.
 * @param {ServeProcess} node
 */
async function startWatched(node) {
  const t = performance.now();
  const started = node.start({ timeoutMs: 3 * 3_600_000 });
  const pid = /** @type {number} */ (node.child?.pid);
  let shown = 0;
  const showNodeLines = () => {
    for (const line of node.lines.slice(shown)) console.log(`  node: ${line.level} ${line.event}: ${line.message}`);
    shown = node.lines.length;
  };
  const timer = setInterval(async () => {
    showNodeLines();
    try {
      const [mem, cpu] = await Promise.all([memory(pid), cpuSeconds(pid)]);
      const s = ((performance.now() - t) / 1000).toFixed(0);
      console.log(`  loading: ${s} s, ${cpu.toFixed(1)} CPU s, resident ${mem.rssMiB} MiB (peak ${mem.peakMiB} MiB), load average ${await loadAverage()}`);
    } catch {
      // The process just exited: `started` rejects with its output.
    }
  }, PROGRESS_EVERY_MS);
  try {
    const listening = await started;
    return { listening, loadMs: performance.now() - t, pid };
  } finally {
    clearInterval(timer);
    showNodeLines();
  }
}

/**
 * One size: commit, start, measure, stop.
 * @param {number} n
 */
async function measure(n) {
  ensureFixture(n);
  const dir = await mkdtemp(join(tmpdir(), 'vns-ceiling-'));
  const node = new ServeProcess(1, dir, ['--network', 'testing']);
  try {
    const committed = await commitFixture(n, dir);
    const loadBefore = await loadAverage();
    const { listening, loadMs, pid } = await startWatched(node);
    if (listening.entries !== n) throw new Error(`vns serve loaded ${listening.entries} names, not ${n}`);
    const [mem, cpu, metrics] = await Promise.all([memory(pid), cpuSeconds(pid), node.metrics()]);
    const heap = {
      memoryMiB: Number(metrics.get('vns_wasm_memory_bytes')) / MiB,
      liveMiB: Number(metrics.get('vns_wasm_heap_live_bytes')) / MiB,
      peakMiB: Number(metrics.get('vns_wasm_heap_peak_bytes')) / MiB,
    };
    console.log(
      `vns serve over ${n} names: listening after ${(loadMs / 1000).toFixed(1)} s (${cpu.toFixed(1)} CPU s); resident ${mem.rssMiB} MiB (peak ${mem.peakMiB} MiB); ` +
        `wasm memory ${heap.memoryMiB.toFixed(0)} MiB, held ${heap.liveMiB.toFixed(0)} MiB (${((heap.liveMiB * MiB) / n).toFixed(0)} B per name), ` +
        `most held at once ${heap.peakMiB.toFixed(0)} MiB (${((heap.peakMiB * MiB) / n).toFixed(0)} B per name)`,
    );

    /** @param {string} name */
    const ask = async (name) => {
      const start = performance.now();
      const res = await fetch(`http://127.0.0.1:${node.port}/api/vns/resolve/${name}`);
      if (res.status !== 200) throw new Error(`${name}: HTTP ${res.status}`);
      await res.arrayBuffer();
      return performance.now() - start;
    };
    const names = Array.from({ length: LOOKUPS }, () => `bench${String(Math.floor(Math.random() * n)).padStart(7, '0')}.vfs`);
    const first = [];
    const again = [];
    for (const name of names) first.push(await ask(name));
    for (const name of names) again.push(await ask(name));
    console.log(`GET /api/vns/resolve (with its proof), one at a time, ${LOOKUPS} random names: first ask ${spread(first)}; again ${spread(again)}`);
    const after = await memory(pid);
    const loadAfter = await loadAverage();
    console.log(`resident after the lookups ${after.rssMiB} MiB (peak ${after.peakMiB} MiB); load average before the start ${loadBefore}, now ${loadAfter}`);
    return { n, ...committed, loadMs, cpu, mem, heap, first, again, loadBefore, loadAfter };
  } finally {
    await node.stop(120_000);
    await rm(dir, { recursive: true, force: true });
  }
}

const results = [];
for (const n of SIZES) results.push(await measure(n));
console.log('\n| N | listening after (CPU) | resident (peak) | wasm memory | held (per name) | most held (per name) | resolve, first ask | resolve, again | load average |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of results) {
  const perName = (/** @type {number} */ mib) => `${mib.toFixed(0)} MiB (${((mib * MiB) / r.n).toFixed(0)} B)`;
  console.log(
    `| ${r.n.toLocaleString('en')} | ${(r.loadMs / 1000).toFixed(1)} s (${r.cpu.toFixed(1)} s) | ${r.mem.rssMiB} MiB (${r.mem.peakMiB} MiB) | ${r.heap.memoryMiB.toFixed(0)} MiB | ` +
      `${perName(r.heap.liveMiB)} | ${perName(r.heap.peakMiB)} | ${spread(r.first)} | ${spread(r.again)} | ${r.loadBefore} / ${r.loadAfter} |`,
  );
}
