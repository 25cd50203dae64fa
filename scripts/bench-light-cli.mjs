// `vns resolve`, `update`, `register` and `renew` against a `vns serve` holding N names
// (default 100,000), each timed as a whole CLI process (start to exit, median of RUNS), over
// the node's HTTP API and as a light client (entries with merkle proofs over the peer
// endpoint, verified by the CLI), in the same run against the same node. `--baseline DIR`
// names another checkout (with its own node_modules/ and built pkg/) whose CLI runs the same
// commands in turn, for the paths it has, so each figure has a same-run baseline.
//
//   cargo run --release --example bench_fixture -- 100000   # target/bench-storage/fixture-100000.bin
//   node scripts/bench-light-cli.mjs [--names 100000] [--runs 7] [--baseline DIR]
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ServeProcess, CLI } from '../tests/support/serve-process.mjs';
import { dbStorage } from '../js/db-storage.js';
import { readFixture } from './bench-fixture.mjs';

const { values: flags } = parseArgs({
  options: { names: { type: 'string', default: '100000' }, runs: { type: 'string', default: '7' }, baseline: { type: 'string' } },
});
const N = Number(flags.names);
const RUNS = Number(flags.runs);
const BASELINE_CLI = flags.baseline && join(resolve(flags.baseline), 'js/cli.js');
const median = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

/**
 * The commands of run `i`, by label: this checkout's arguments and the baseline's (`null`
 * where the baseline has no such path: before `register`/`renew --light` it ignored the flag).
 * @param {number} i @returns {Record<string, [string[], string[] | null]>}
 */
function commands(i) {
  const name = `bench${String(Math.floor(Math.random() * N)).padStart(7, '0')}`;
  return {
    'resolve (HTTP)': [['resolve', name, '--no-light'], ['resolve', name]],
    'resolve (light)': [['resolve', name], ['resolve', name, '--light']],
    'update (HTTP)': [['update', 'benchowner', '--txt', `h${i}`], ['update', 'benchowner', '--txt', `b${i}`]],
    'update --light': [['update', 'benchowner', '--txt', `l${i}`, '--light'], ['update', 'benchowner', '--txt', `c${i}`, '--light']],
    'renew (HTTP)': [['renew', 'benchowner', '--yes'], ['renew', 'benchowner', '--yes']],
    'renew --light': [['renew', 'benchowner', '--yes', '--light'], null],
    'register (HTTP)': [['register', `benchhttp${i}`], ['register', `benchbase${i}`]],
    'register --light': [['register', `benchlight${i}`, '--light'], null],
  };
}

const dir = await mkdtemp(join(tmpdir(), 'vns-light-cli-'));
const node = new ServeProcess(1, join(dir, 'data'), ['--network', 'testing', '--registrations-per-hour', '100000']);
try {
  const fixture = readFixture(N);
  const storage = await dbStorage(join(dir, 'data'));
  await storage.commit(fixture.blocks, [['root', fixture.root]]);
  await storage.close();
  const listening = await node.start({ timeoutMs: 1_800_000 });
  if (listening.entries !== N) throw new Error(`vns serve loaded ${listening.entries} names, not ${N}`);
  const env = { ...process.env, VNS_NODE: `http://127.0.0.1:${node.port}`, VNS_KEY: join(dir, 'key.json') };
  /** One whole CLI process, timed. @param {string} cli @param {string[]} args */
  const timed = (cli, args) => new Promise((done, fail) => {
    const t = performance.now();
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.once('exit', (code) => (code === 0 ? done(performance.now() - t) : fail(new Error(`vns ${args.join(' ')}: ${stderr}`))));
  });
  await timed(CLI, ['key', 'new']);
  await timed(CLI, ['register', 'benchowner', '--txt', 'v0']);
  console.log(`load average before: ${load()}`);
  /** @type {Record<string, { now: number[], base: number[] }>} */
  const times = {};
  for (let i = 0; i < RUNS; i++) {
    for (const [what, [now, base]] of Object.entries(commands(i))) {
      const t = (times[what] ??= { now: [], base: [] });
      t.now.push(await timed(CLI, now));
      if (BASELINE_CLI && base) t.base.push(await timed(BASELINE_CLI, base));
    }
  }
  console.log(`vns serve over ${N} names; ${RUNS} runs of each, whole CLI processes, in turn; load average after: ${load()}`);
  const show = (/** @type {number[]} */ xs) => `${median(xs).toFixed(0)} ms (${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)})`;
  for (const [what, { now, base }] of Object.entries(times)) {
    const baseline = base.length ? `  baseline ${show(base)}  ratio ${(median(now) / median(base)).toFixed(2)}` : '';
    console.log(`${what.padEnd(17)} ${show(now)}${baseline}`);
  }
} finally {
  await node.kill();
  await rm(dir, { recursive: true, force: true });
}
