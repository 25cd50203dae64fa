// @ts-check
/**
 * The crash-during-load scenario, for any transport: registrations are POSTed across a
 * cluster while its nodes are SIGKILLed one after another; each victim is restarted cut off
 * from its peers, so what it serves then is only what it loaded from its folder, and every
 * name it acknowledged before the kill must be there. Then it rejoins, and in the end every
 * node holds every acknowledged name under one root.
 *
 * How a node is restarted alone and how it rejoins depends on the transport (a WebSocket
 * cluster blocks its proxies; a libp2p node starts without bootstrap addresses), so the
 * cluster's side comes as a {@link CrashTransport}.
 *
 * ```js
 * const report = await crashDuringLoad(cluster, registrar, { load: 1000, victims: [2, 3, 1], transport });
 * ```
 * @module
 */
import assert from 'node:assert/strict';
import { eventually } from './util.mjs';
import { buildEntries, submitAll, unresolved } from './workload.mjs';

/** @typedef {import('./harness.mjs').ServeProcess} ServeProcess */
/** @typedef {import('./workload.mjs').BuiltEntry} BuiltEntry */

/**
 * What the scenario needs from a cluster (the multi-node `Cluster` and the libp2p one both
 * have it).
 * @typedef {{
 *   nodes: ServeProcess[],
 *   alive: ServeProcess[],
 *   waitConverged(options: { entries: number, timeoutMs?: number }): Promise<{ ms: number }>,
 * }} CrashCluster
 */

/**
 * How a transport restarts a killed node without its peers, and lets it rejoin them.
 * @typedef {{
 *   restartAlone(node: ServeProcess): Promise<import('../support/serve-process.mjs').ListeningEvent>,
 *   rejoin(node: ServeProcess): Promise<void>,
 * }} CrashTransport
 */

/**
 * One kill: the victim, the names it had acknowledged, what it loaded after the restart, and
 * how many registrations of the load were acknowledged when it was killed and when it rejoined.
 * @typedef {{ id: number, acknowledged: number, loaded: number, ackedAtKill: number, ackedAtRejoin: number }} Kill
 */

/**
 * Runs the scenario and asserts on it: no acknowledged name lost by a victim, every
 * registration acknowledged, one root with every name on every node at the end.
 * @param {CrashCluster} cluster
 * @param {import('./harness.mjs').Registrar} registrar
 * @param {{ load: number, victims: number[], transport: CrashTransport, tag?: string, concurrency?: number, paceMs?: number, convergeMs?: number }} options
 *   `concurrency` and `paceMs` as `submitAll` takes them: a transport whose restarts are slow
 *   paces the load so that the kills and restarts happen while it goes on.
 * @returns {Promise<{ kills: Kill[], run: import('./workload.mjs').SubmitReport, ms: number, ackedBy: Map<number, string[]>, entries: BuiltEntry[] }>}
 */
export async function crashDuringLoad(cluster, registrar, { load, victims, transport, tag = 'crash', concurrency = 16, paceMs = 0, convergeMs = 120_000 }) {
  const before = Math.max(...(await Promise.all(cluster.alive.map(async (n) => (await n.status()).entries))));
  const entries = await buildEntries(registrar, tag, load);
  const byName = new Map(entries.map((e) => [e.name, e]));
  const node = (/** @type {number} */ id) => /** @type {ServeProcess} */ (cluster.nodes.find((n) => n.id === id));
  let acked = 0;
  /** @type {Map<number, string[]>} names each node acknowledged (answered 200: saved) */
  const ackedBy = new Map(cluster.nodes.map((n) => [n.id, []]));
  const submitted = submitAll(/** @type {never} */ (cluster), entries, {
    concurrency,
    paceMs,
    onAck: (done, id, name) => {
      acked = done;
      ackedBy.get(id)?.push(name);
    },
  });
  /** @type {Kill[]} */
  const kills = [];
  const killer = (async () => {
    for (const [k, id] of victims.entries()) {
      const at = ((k + 1) * load) / (victims.length + 2);
      await eventually(() => acked >= at, { timeoutMs: 120_000, intervalMs: 10, what: `load before kill ${k + 1}` });
      const victim = node(id);
      const ackedAtKill = acked;
      await victim.kill();
      const saved = [...(ackedBy.get(id) ?? [])];
      // Down while the load goes on through the other nodes.
      const resumeAt = Math.min(acked + load / 40, load);
      await eventually(() => acked >= resumeAt, { timeoutMs: 60_000, intervalMs: 10, what: 'load while a node is down' });
      const loaded = await transport.restartAlone(victim);
      const missing = await unresolved(/** @type {never} */ (cluster), saved.map((n) => /** @type {BuiltEntry} */ (byName.get(n))), { nodes: [victim] });
      await transport.rejoin(victim);
      const ackedAtRejoin = acked;
      assert.deepEqual(missing, [], `node ${id} lost acknowledged names after SIGKILL`);
      assert.ok(loaded.entries >= saved.length, `node ${id} loaded ${loaded.entries} names`);
      kills.push({ id, acknowledged: saved.length, loaded: loaded.entries, ackedAtKill, ackedAtRejoin });
    }
  })();
  const [run] = await Promise.all([submitted, killer]);
  assert.equal(run.acked, load);
  const { ms } = await cluster.waitConverged({ entries: before + load, timeoutMs: convergeMs });
  assert.deepEqual(await unresolved(/** @type {never} */ (cluster), entries), []);
  return { kills, run, ms, ackedBy, entries };
}
