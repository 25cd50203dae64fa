// `vns resolve` and `vns update` against a `vns serve` holding N names (default 100,000), each
// timed as a whole CLI process (start to exit, median of RUNS), over the node's HTTP API (the
// default path) and with `--light` (entries with merkle proofs over the peer endpoint,
// verified by the CLI), in the same run against the same node.
//
//   cargo run --release --example bench_fixture -- 100000   # target/bench-storage/fixture-100000.bin
//   node scripts/bench-light-cli.mjs [--names 100000] [--runs 7]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ServeProcess, cli } from '../tests/support/serve-process.mjs';
import { dbStorage } from '../js/db-storage.js';
import { readFixture } from './bench-fixture.mjs';

const { values: flags } = parseArgs({ options: { names: { type: 'string', default: '100000' }, runs: { type: 'string', default: '7' } } });
const N = Number(flags.names);
const RUNS = Number(flags.runs);
const median = (/** @type {number[]} */ xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = await mkdtemp(join(tmpdir(), 'vns-light-cli-'));
const node = new ServeProcess(1, join(dir, 'data'), ['--network', 'testing']);
try {
  const fixture = readFixture(N);
  const storage = await dbStorage(join(dir, 'data'));
  await storage.commit(fixture.blocks, [['root', fixture.root]]);
  await storage.close();
  const listening = await node.start({ timeoutMs: 1_800_000 });
  if (listening.entries !== N) throw new Error(`vns serve loaded ${listening.entries} names, not ${N}`);
  const env = { VNS_NODE: `http://127.0.0.1:${node.port}`, VNS_KEY: join(dir, 'key.json') };
  const must = async (/** @type {string[]} */ args) => {
    const t = performance.now();
    const res = await cli(args, env);
    if (res.code !== 0) throw new Error(`vns ${args.join(' ')}: ${res.stderr}`);
    return performance.now() - t;
  };
  await must(['key', 'new']);
  await must(['register', 'benchowner', '--txt', 'v0']);
  /** @type {Record<string, number[]>} */
  const times = { 'resolve (HTTP)': [], 'resolve --light': [], 'update (HTTP)': [], 'update --light': [] };
  for (let i = 0; i < RUNS; i++) {
    const name = `bench${String(Math.floor(Math.random() * N)).padStart(7, '0')}`;
    times['resolve (HTTP)'].push(await must(['resolve', name]));
    times['resolve --light'].push(await must(['resolve', name, '--light']));
    times['update (HTTP)'].push(await must(['update', 'benchowner', '--txt', `h${i}`]));
    times['update --light'].push(await must(['update', 'benchowner', '--txt', `l${i}`, '--light']));
  }
  console.log(`vns serve over ${N} names; ${RUNS} runs each, whole CLI processes; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  for (const [what, xs] of Object.entries(times)) {
    console.log(`${what.padEnd(18)} median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`);
  }
} finally {
  await node.kill();
  await rm(dir, { recursive: true, force: true });
}
