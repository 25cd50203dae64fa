#!/usr/bin/env node
// @ts-check
/**
 * The multi-node run by hand: starts N `vns serve` processes on loopback (tests/multinode/
 * harness.mjs), spreads registrations across them as fast as they are accepted, optionally
 * SIGKILLs and restarts nodes during the load, waits until every node has the same merkle root,
 * checks that every name resolves everywhere, and prints a short report.
 *
 *   node scripts/multinode.mjs                                   # 5 nodes, 2,000 registrations
 *   node scripts/multinode.mjs --nodes 5 --registrations 10000   # the benchmark in BENCHMARKS.md
 *   node scripts/multinode.mjs --topology chain --kills 3 --json
 *   node scripts/multinode.mjs --registrations 10000 --catch-up --baseline   # BENCHMARKS.md
 *
 * Needs the built package (bash scripts/build-pkg.sh).
 * @module
 */
import { parseArgs } from 'node:util';
import { rm } from 'node:fs/promises';
import { startCluster, Registrar, eventually } from '../tests/multinode/harness.mjs';
import { buildEntries, submitAll, unresolved, seconds } from '../tests/multinode/workload.mjs';

const USAGE = `usage: node scripts/multinode.mjs [options]
  --nodes N           node processes (default 5)
  --registrations N   names registered across them (default 2000)
  --topology T        chain | star | mesh (default mesh)
  --concurrency N     POSTs in flight (default 20)
  --kills N           SIGKILL and restart a node N times during the load (default 0)
  --no-verify         skip resolving every name on every node at the end
  --catch-up          then wipe the last node's folder, restart it, and time its catch-up
  --baseline          then POST the same registrations to one node without peers (its
                      throughput, measured in the same run)
  --keep              keep the data folders
  --json              print the report as JSON`;

const { values: flags } = parseArgs({
  options: {
    nodes: { type: 'string', default: '5' },
    registrations: { type: 'string', default: '2000' },
    topology: { type: 'string', default: 'mesh' },
    concurrency: { type: 'string', default: '20' },
    kills: { type: 'string', default: '0' },
    'no-verify': { type: 'boolean', default: false },
    'catch-up': { type: 'boolean', default: false },
    baseline: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}
const int = (/** @type {string} */ name, /** @type {string} */ raw, min = 0) => {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) {
    console.error(`--${name}: expected an integer ≥ ${min}, got ${raw}\n${USAGE}`);
    process.exit(2);
  }
  return n;
};
const nodes = int('nodes', flags.nodes, 1);
const registrations = int('registrations', flags.registrations, 1);
const concurrency = int('concurrency', flags.concurrency, 1);
const killCount = int('kills', flags.kills);
const topology = /** @type {import('../tests/multinode/harness.mjs').Topology} */ (flags.topology);
if (!['chain', 'star', 'mesh'].includes(topology)) {
  console.error(`--topology: chain, star or mesh\n${USAGE}`);
  process.exit(2);
}
/** @param {string} line */
const progress = (line) => {
  if (!flags.json) console.error(line);
};

const started = Date.now();
progress(`starting ${nodes} nodes (${topology})…`);
const cluster = await startCluster({ nodes, topology, keepData: flags.keep });
let failed = false;
try {
  const registrar = await Registrar.create(cluster.node(1), { owners: 32 });
  progress(`building ${registrations} signed registrations…`);
  const t0 = Date.now();
  const entries = await buildEntries(registrar, 'bench', registrations);
  const buildMs = Date.now() - t0;
  await registrar.close();

  progress(`posting them across the nodes (${concurrency} in flight${killCount ? `, ${killCount} SIGKILLs` : ''})…`);
  let acked = 0;
  const load = submitAll(cluster, entries, {
    concurrency,
    onAck: (done) => {
      acked = done;
    },
  });
  /** @type {Array<{ node: number, downMs: number, loaded: number }>} */
  const kills = [];
  const killer = (async () => {
    for (let k = 0; k < killCount; k++) {
      const at = ((k + 1) * registrations) / (killCount + 2);
      await eventually(() => acked >= at, { timeoutMs: 600_000, intervalMs: 20, what: 'load before a kill' });
      const victim = cluster.nodes[(k + 1) % nodes];
      const down = Date.now();
      await victim.kill();
      const resumeAt = Math.min(acked + registrations / 50, registrations);
      await eventually(() => acked >= resumeAt, { timeoutMs: 600_000, intervalMs: 20, what: 'load while a node is down' });
      const loaded = await victim.start();
      kills.push({ node: victim.id, downMs: Date.now() - down, loaded: loaded.entries });
    }
  })();
  const [run] = await Promise.all([load, killer]);
  progress(`all ${run.acked} acknowledged in ${seconds(run.ms)}; waiting for equal roots…`);
  const converged = await cluster.waitConverged({ entries: registrations, timeoutMs: 600_000 });
  const convergenceMs = Date.now() - run.lastAckAt;

  let failures = /** @type {string[] | null} */ (null);
  if (!flags['no-verify']) {
    progress(`resolving every name on every node…`);
    failures = await unresolved(cluster, entries, { concurrency: 32 });
  }
  const rejections = await cluster.rejections();

  /** @type {{ ms: number, names: number } | null} */
  let catchUp = null;
  if (flags['catch-up']) {
    const last = cluster.node(nodes);
    progress(`wiping node ${last.id}'s folder and restarting it…`);
    await last.kill();
    if (last.dataDir === undefined) throw new Error(`node ${last.id} has no data folder`);
    await rm(last.dataDir, { recursive: true, force: true });
    const t = Date.now();
    await last.start();
    await cluster.waitConverged({ entries: registrations, timeoutMs: 600_000 });
    catchUp = { ms: Date.now() - t, names: registrations };
  }

  /** @type {{ perSecond: number, ms: number } | null} */
  let baseline = null;
  if (flags.baseline) {
    progress(`baseline: the same ${registrations} registrations to one node without peers…`);
    await cluster.stop();
    const single = await startCluster({ nodes: 1, topology });
    try {
      const one = await submitAll(single, entries, { concurrency });
      baseline = { perSecond: one.perSecond, ms: one.ms };
    } finally {
      await single.stop();
    }
  }

  const report = {
    nodes,
    topology,
    registrations,
    acknowledged: run.acked,
    buildMs,
    submitMs: run.ms,
    throughputPerSecond: Math.round(run.perSecond),
    retriedPosts: run.retries,
    retryReasons: run.retryReasons,
    convergenceAfterLastMs: convergenceMs,
    root: converged.root,
    kills,
    verified: failures === null ? null : failures.length === 0,
    unresolved: failures?.slice(0, 10) ?? [],
    rejections,
    catchUp,
    baselineSingleNode: baseline && { perSecond: Math.round(baseline.perSecond), ms: baseline.ms },
    wallMs: Date.now() - started,
  };
  failed = failures !== null && failures.length > 0;
  if (flags.json) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    const rej = Object.entries(rejections).map(([code, n]) => `${code} ${n}`).join(', ') || 'none';
    console.log(
      [
        `nodes            ${nodes} (${topology})`,
        `operations       ${registrations} registrations, ${run.acked} acknowledged (${run.retries} POSTs retried elsewhere${run.retries ? `: ${JSON.stringify(run.retryReasons)}` : ''})`,
        `throughput       ${run.perSecond.toFixed(0)} registrations/s accepted (${seconds(run.ms)}; building them took ${seconds(buildMs)})`,
        `convergence      ${convergenceMs} ms from the last acknowledgement to equal roots on all ${nodes} nodes`,
        ...(baseline ? [`baseline         one node without peers: ${baseline.perSecond.toFixed(0)} registrations/s (${seconds(baseline.ms)})`] : []),
        ...(catchUp ? [`catch-up         node ${nodes} wiped and restarted: all ${catchUp.names} names and the same root in ${seconds(catchUp.ms)}`] : []),
        `kills            ${kills.length ? kills.map((k) => `node ${k.node} down ${k.downMs} ms, reloaded ${k.loaded} names`).join('; ') : 'none'}`,
        `resolved         ${failures === null ? 'not checked' : failures.length === 0 ? `every name on every node (${registrations * nodes} lookups)` : `${failures.length} failures, e.g. ${failures.slice(0, 3).join('; ')}`}`,
        `rejections       ${rej}`,
        `root             ${converged.root}`,
      ].join('\n'),
    );
  }
} catch (e) {
  failed = true;
  console.error(e instanceof Error ? e.message : e);
  console.error(cluster.diagnostics());
} finally {
  await cluster.stop();
}
process.exit(failed ? 1 : 0);
