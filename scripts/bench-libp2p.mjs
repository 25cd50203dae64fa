#!/usr/bin/env node
// @ts-check
/**
 * libp2p against the WebSocket mesh, in one run: for each size (default 5 and 20 nodes),
 * starts that many `vns serve --libp2p` processes (node 1 the only bootstrap address, peers
 * found through the DHT) and that many WebSocket-only processes in a full mesh of `--peer`
 * links, POSTs registrations one at a time to a rotating node and times each until it
 * resolves on every node (medians of `--samples`, default 20), reads each process's resident
 * memory from /metrics, measures each process's CPU time over an idle window before the
 * samples (`--idle-seconds`, default 60; utime + stime from /proc/PID/stat, so nothing is
 * asked of the nodes meanwhile), and with `--registrations N` also times N registrations spread over
 * the libp2p nodes of the `--load-sizes` (default 5) until every node has one root. Each row
 * carries the one-minute load average before and after it: the machine may be shared.
 *
 * Where the time goes, from the libp2p nodes' own debug log lines (`topic published`, `topic
 * accept`, same clock): medians of when the POST was answered, when the entry was published,
 * when the last node's topic validator accepted it, and the rest until the last node was seen
 * resolving it (HTTP polling every 5 ms).
 *
 *   node scripts/bench-libp2p.mjs                      # 5 and 20 nodes, 20 samples each
 *   node scripts/bench-libp2p.mjs --sizes 5,20 --registrations 2000   # and 2,000 over the five
 *   node scripts/bench-libp2p.mjs --sizes 5 --samples 5 --verbose       # each sample's times
 *
 * Needs the built package (bash scripts/build-pkg.sh).
 * @module
 */
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { Registrar, nameFor } from '../tests/multinode/harness.mjs';
import { buildEntries, submitAll } from '../tests/multinode/workload.mjs';
import { startLibp2pCluster, Libp2pServe, Libp2pCluster, eventually } from '../tests/libp2p/harness.mjs';
import { parseMetrics } from '../tests/support/serve-process.mjs';
import { messageIdHex } from '../js/libp2p/topic.js';

const { values: flags } = parseArgs({
  options: {
    sizes: { type: 'string', default: '5,20' },
    samples: { type: 'string', default: '20' },
    registrations: { type: 'string', default: '0' },
    'load-sizes': { type: 'string', default: '5' },
    'idle-seconds': { type: 'string', default: '60' },
    json: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});
const sizes = String(flags.sizes).split(',').map(Number);
const samples = Number(flags.samples);
const registrations = Number(flags.registrations);
const loadSizes = String(flags['load-sizes']).split(',').map(Number);
const idleSeconds = Number(flags['idle-seconds']);

/** Clock ticks per second of /proc/PID/stat's times (Linux's USER_HZ). */
const CLOCK_TICKS = 100;
/** CPU seconds (user + system) a process has used so far. @param {number} pid */
function cpuSeconds(pid) {
  // Fields after the parenthesised command: state is field 3, utime 14, stime 15.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/**
 * CPU seconds each node spends over `seconds` of doing nothing asked of it.
 * @param {Libp2pCluster} cluster @param {number} seconds
 */
async function idleCpu(cluster, seconds) {
  const pids = cluster.nodes.map((n) => /** @type {number} */ (n.child?.pid));
  const before = pids.map(cpuSeconds);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  return pids.map((pid, i) => cpuSeconds(pid) - before[i]);
}

/** libp2p connections closed so far, summed over the nodes (0 for WebSocket-only nodes). @param {Libp2pCluster} cluster */
async function connectionsClosed(cluster) {
  const closed = await Promise.all(cluster.nodes.map(async (n) => (await n.status()).libp2p?.connections?.closed ?? 0));
  return closed.reduce((a, b) => a + b, 0);
}

/** @param {number[]} xs */
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** A WebSocket-only full mesh of `n` nodes (node i dials every node before it). @param {number} n */
async function startWebSocketMesh(n) {
  const root = await mkdtemp(join(tmpdir(), 'vns-wsmesh-'));
  /** @type {Libp2pServe[]} */
  const nodes = [];
  for (let i = 1; i <= n; i++) {
    const peers = nodes.flatMap((p) => ['--peer', p.wsUrl]);
    // Every link comes from 127.0.0.1 here, past the default 16 links per address.
    const node = new Libp2pServe(i, undefined, { libp2p: false, extraArgs: [...peers, '--max-peers-per-address', String(n)] });
    await node.start();
    nodes.push(node);
  }
  await eventually(async () => (await Promise.all(nodes.map((x) => x.status()))).every((s) => s.peers >= n - 1), { timeoutMs: 60_000, what: 'the WebSocket mesh' });
  return new Libp2pCluster(nodes, root);
}

/**
 * One sample: the name, its message id, when it was POSTed (wall clock, as the nodes log),
 * and milliseconds from the POST until it was answered and until each node resolved it.
 * @typedef {{ name: string, id: string, postedAt: number, answeredMs: number, resolvedMs: number[] }} Sample
 */

/**
 * Registrations POSTed one at a time to a rotating node, each polled on every node (every
 * 5 ms) until it resolves there.
 * @param {Libp2pCluster} cluster @param {Registrar} registrar @param {string} tag
 * @returns {Promise<Sample[]>}
 */
async function propagation(cluster, registrar, tag) {
  /** @type {Sample[]} */
  const runs = [];
  for (let i = 0; i < samples; i++) {
    const { name, owner, bytes } = await registrar.build(nameFor(tag, i));
    const target = cluster.nodes[i % cluster.nodes.length];
    const postedAt = Date.now();
    const started = performance.now();
    const answer = await target.post(bytes);
    const answeredMs = performance.now() - started;
    if (answer.status !== 200) throw new Error(`node ${target.id} refused ${name}: ${JSON.stringify(answer.body)}`);
    const resolvedMs = await Promise.all(cluster.nodes.map((node) => node.resolvedAfter({ name, owner }, started, { intervalMs: 5 })));
    runs.push({ name, id: messageIdHex(bytes), postedAt, answeredMs, resolvedMs });
  }
  return runs;
}

/**
 * Where each sample's time went, from the nodes' debug lines: milliseconds after the POST
 * when the entry was published and when the last other node accepted it from the topic
 * (`null` where a line is missing: a node that got the entry by catch-up logs no accept).
 * @param {Libp2pCluster} cluster @param {Sample[]} runs
 */
function topicTimes(cluster, runs) {
  /** @param {(line: any) => boolean} match */
  const times = (match) => cluster.nodes.flatMap((n) => n.lines.filter((l) => l.event === 'topic' && match(l)).map((l) => Date.parse(l.time)));
  return runs.map((r) => {
    const published = times((l) => l.verdict === 'published' && l.id === r.id);
    const accepted = times((l) => l.verdict === 'accept' && l.name === r.name);
    const complete = accepted.length === cluster.nodes.length - 1;
    return {
      publishedMs: published.length ? published[0] - r.postedAt : null,
      lastAcceptMs: complete ? Math.max(...accepted) - r.postedAt : null,
    };
  });
}

/** Resident memory of each node in MB. @param {Libp2pCluster} cluster */
async function memory(cluster) {
  const rss = await Promise.all(cluster.nodes.map(async (n) => parseMetrics(await (await n.fetch('/metrics')).text()).get('process_resident_memory_bytes') ?? 0));
  return rss.map((b) => b / 1e6);
}

/** How long a libp2p cluster may take to link (every node to min(N-1, 4) others) before its size is reported as not linked. */
const LINK_TIMEOUT_MS = 300_000;

/** @type {Array<Record<string, unknown>>} */
const report = [];
for (const n of sizes) {
  for (const kind of /** @type {const} */ (['libp2p', 'websocket'])) {
    const started = Date.now();
    const loadBefore = loadavg()[0];
    // Debug lines: each node logs its topic verdicts and publications with their times.
    const cluster = kind === 'libp2p' ? await startLibp2pCluster({ nodes: n, memory: true, concurrency: 4, extraArgs: ['--log-level', 'debug'] }) : await startWebSocketMesh(n);
    try {
      // Every node linked to gossipsub's D_lo (4) others at least: enough for the topic to reach
      // everyone, and reachable on a shared machine where 20 nodes meshing to 8 may not be.
      if (kind === 'libp2p') {
        const linked = await cluster.waitMeshed({ timeoutMs: LINK_TIMEOUT_MS, peers: Math.min(n - 1, 4) }).then(() => true, () => false);
        if (!linked) {
          // Reported, not thrown: the WebSocket mesh of the same size still runs.
          const peers = (await cluster.summary()).map((s) => ('peers' in s ? s.peers : null));
          const row = { kind, nodes: n, linked: false, setupMs: Date.now() - started, peers, loadAverage: [loadBefore, loadavg()[0]].map((x) => Number(x.toFixed(1))) };
          report.push(row);
          if (!flags.json) console.log(JSON.stringify(row));
          continue;
        }
      }
      const setupMs = Date.now() - started;
      const closedBefore = await connectionsClosed(cluster);
      const idle = idleSeconds > 0 ? await idleCpu(cluster, idleSeconds) : [];
      const idleClosed = (await connectionsClosed(cluster)) - closedBefore;
      const registrar = await Registrar.create(cluster.nodes[0]);
      const runs = await propagation(cluster, registrar, `${kind}-${n}`);
      const times = runs.map((r) => Math.max(...r.resolvedMs));
      const mb = await memory(cluster);
      /** @type {Record<string, unknown>} */
      const row = { kind, nodes: n, setupMs, medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times), rssMedianMb: median(mb), rssMaxMb: Math.max(...mb) };
      row.answeredMedianMs = median(runs.map((r) => r.answeredMs));
      if (idle.length) Object.assign(row, { idleSeconds, idleCpuMedianS: median(idle), idleCpuMaxS: Math.max(...idle), idleClosed, idleLoadAverage: Number(loadavg()[0].toFixed(1)) });
      if (kind === 'libp2p') {
        const topic = topicTimes(cluster, runs);
        const known = (/** @type {Array<number | null>} */ xs) => /** @type {number[]} */ (xs.filter((x) => x !== null));
        const lastAccept = known(topic.map((t) => t.lastAcceptMs));
        row.publishedMedianMs = median(known(topic.map((t) => t.publishedMs)));
        row.lastAcceptMedianMs = lastAccept.length ? median(lastAccept) : null;
        row.lastAcceptMaxMs = lastAccept.length ? Math.max(...lastAccept) : null;
        // Samples where some node got the entry other than from the topic (catch-up).
        row.notAllFromTopic = topic.filter((t) => t.lastAcceptMs === null).length;
        if (flags.verbose) for (const [i, r] of runs.entries()) console.log(JSON.stringify({ sample: i, answeredMs: Math.round(r.answeredMs), ...topic[i], resolvedMs: r.resolvedMs.map(Math.round) }));
      }
      if (registrations > 0 && kind === 'libp2p' && loadSizes.includes(n)) {
        const before = (await cluster.nodes[0].status()).entries;
        const entries = await buildEntries(registrar, `load-${n}`, registrations);
        const t0 = Date.now();
        await submitAll(/** @type {never} */ (cluster), entries, { concurrency: 16 });
        const { root } = await cluster.waitConverged({ entries: before + registrations, timeoutMs: 300_000 });
        row.registrations = registrations;
        row.convergedMs = Date.now() - t0;
        row.root = root;
      }
      row.loadAverage = [loadBefore, loadavg()[0]].map((x) => Number(x.toFixed(1)));
      report.push(row);
      await registrar.close();
      if (!flags.json) console.log(JSON.stringify(row));
    } finally {
      await cluster.stop();
    }
  }
}
if (flags.json) console.log(JSON.stringify(report, null, 1));
else {
  const ms = (/** @type {unknown} */ x) => (x === null || x === undefined ? '-' : `${Number(x).toFixed(0)} ms`);
  console.log('\nnodes | transport | propagation to all, median (min-max) of ' + samples + ' | RSS per node, median (max) | set-up | load average before, after');
  for (const r of report) {
    const load = /** @type {number[]} */ (r.loadAverage);
    if (r.linked === false) {
      console.log(`${r.nodes} | ${r.kind} | not linked within ${LINK_TIMEOUT_MS / 1000} s (peers per node: ${JSON.stringify(r.peers)}) | - | ${(Number(r.setupMs) / 1000).toFixed(0)} s | ${load.join(', ')}`);
      continue;
    }
    console.log(`${r.nodes} | ${r.kind} | ${ms(r.medianMs)} (${Number(r.minMs).toFixed(0)}-${Number(r.maxMs).toFixed(0)}) | ${Number(r.rssMedianMb).toFixed(0)} MB (${Number(r.rssMaxMb).toFixed(0)}) | ${(Number(r.setupMs) / 1000).toFixed(0)} s | ${load.join(', ')}`);
  }
  console.log(`\nnodes | transport | CPU seconds per node over ${idleSeconds} idle s, median (max) | libp2p connections closed meanwhile, all nodes | load average after the idle window`);
  for (const r of report) {
    if (r.idleCpuMedianS === undefined) continue;
    console.log(`${r.nodes} | ${r.kind} | ${Number(r.idleCpuMedianS).toFixed(2)} (${Number(r.idleCpuMaxS).toFixed(2)}) | ${r.kind === 'libp2p' ? r.idleClosed : '-'} | ${r.idleLoadAverage}`);
  }
  console.log('\nnodes | transport | medians: POST answered | published | last node accepted from the topic (max) | resolved on all | samples with a node not reached by the topic');
  for (const r of report) {
    if (r.linked === false) continue;
    console.log(`${r.nodes} | ${r.kind} | ${ms(r.answeredMedianMs)} | ${ms(r.publishedMedianMs)} | ${ms(r.lastAcceptMedianMs)} (${ms(r.lastAcceptMaxMs)}) | ${ms(r.medianMs)} | ${r.notAllFromTopic ?? '-'}`);
  }
}
