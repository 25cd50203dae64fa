// @ts-check
/**
 * Load for the multi-node runs: build many signed registrations, POST them across a cluster
 * with bounded concurrency (retrying on another node when one is down), and check that every
 * acknowledged name resolves on every node. Shared by the scenarios and `scripts/multinode.mjs`.
 *
 * ```js
 * const entries = await buildEntries(registrar, 'load', 2000);
 * const run = await submitAll(cluster, entries, { concurrency: 16 });
 * const { root, ms } = await cluster.waitConverged({ entries: 2000 });
 * assert.deepEqual(await unresolved(cluster, entries), []);
 * ```
 * @module
 */
import { nameFor, pool, sleep } from './harness.mjs';

/** @typedef {import('./harness.mjs').Cluster} Cluster */
/** @typedef {import('./harness.mjs').ServeProcess} ServeProcess */
/** @typedef {{ name: string, owner: string, bytes: Uint8Array }} BuiltEntry */

/**
 * `count` registrations named `<tag>-00000`…, each with one A record.
 * @param {import('./harness.mjs').Registrar} registrar @param {string} tag @param {number} count
 * @returns {Promise<BuiltEntry[]>}
 */
export async function buildEntries(registrar, tag, count) {
  /** @type {BuiltEntry[]} */
  const out = [];
  for (let i = 0; i < count; i++) {
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const { name, owner, bytes } = await registrar.build(nameFor(tag, i), [{ type: 'A', value: ip }]);
    out.push({ name, owner, bytes });
  }
  return out;
}

/**
 * What `submitAll` did.
 * @typedef {{
 *   acked: number,
 *   ms: number,
 *   perSecond: number,
 *   retries: number,
 *   retryReasons: Record<string, number>,
 *   firstAckAt: number,
 *   lastAckAt: number,
 *   ackedBy: Map<number, string[]>,
 * }} SubmitReport
 */

/**
 * POSTs every entry, entry `i` first to node `i mod n` of `targets` (default: every node of
 * the cluster, spreading the load), at most
 * `concurrency` requests in flight. A node that is down, restarting or failing to save (a
 * network error or a 5xx) is skipped: the entry goes to the next running node after a short
 * pause. A 4xx is a refusal by the rules and fails the run. Resolves when every entry is
 * acknowledged (saved by the node that answered). `paceMs` spreads the load over time: each
 * of the `concurrency` senders waits that long after each acknowledgement (default 0).
 * @param {Cluster} cluster @param {BuiltEntry[]} entries
 * @param {{ targets?: ServeProcess[], concurrency?: number, paceMs?: number, onAck?: (done: number, node: number, name: string) => void, giveUpMs?: number }} [options]
 * @returns {Promise<SubmitReport>}
 */
export async function submitAll(cluster, entries, options = {}) {
  const { concurrency = 16, paceMs = 0, onAck, giveUpMs = 120_000 } = options;
  const nodes = options.targets ?? cluster.nodes;
  /** @type {Map<number, string[]>} */
  const ackedBy = new Map(cluster.nodes.map((n) => [n.id, []]));
  let acked = 0;
  let retries = 0;
  /** @type {Record<string, number>} why POSTs went to another node */
  const retryReasons = {};
  /** @param {string} why */
  const retry = (why) => {
    retries += 1;
    retryReasons[why] = (retryReasons[why] ?? 0) + 1;
  };
  let firstAckAt = 0;
  let lastAckAt = 0;
  const started = Date.now();
  await pool(entries, concurrency, async (entry, i) => {
    const deadline = Date.now() + giveUpMs;
    for (let attempt = 0; ; attempt++) {
      const node = nodes[(i + attempt) % nodes.length];
      if (!node.ready) {
        retry('node down');
      } else {
        /** @type {import('../support/serve-process.mjs').ApiAnswer | undefined} */
        let answer;
        try {
          answer = await node.post(entry.bytes);
        } catch (e) {
          // Down or killed mid-request: try the next node.
          /** @type {any} */
          const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e;
          retry(typeof cause?.code === 'string' ? cause.code : String(cause?.name ?? cause));
        }
        if (answer && answer.status === 200) {
          acked += 1;
          lastAckAt = Date.now();
          firstAckAt ||= lastAckAt;
          /** @type {string[]} */ (ackedBy.get(node.id)).push(entry.name);
          onAck?.(acked, node.id, entry.name);
          if (paceMs > 0) await sleep(paceMs);
          return;
        }
        if (answer && answer.status < 500) {
          throw new Error(`node ${node.id} refused ${entry.name}: ${answer.status} ${JSON.stringify(answer.body)}`);
        }
        if (answer) retry(`http ${answer.status} ${answer.body?.error?.code ?? ''}`.trim());
      }
      if (Date.now() > deadline) throw new Error(`no node acknowledged ${entry.name} within ${giveUpMs} ms`);
      if ((attempt + 1) % nodes.length === 0) await sleep(50);
    }
  });
  const ms = lastAckAt - started;
  return { acked, ms, perSecond: acked / (ms / 1000), retries, retryReasons, firstAckAt, lastAckAt, ackedBy };
}

/**
 * Resolves every name on every running node (or `nodes`); returns the failures (empty when
 * all resolve to the expected owner).
 * @param {Cluster} cluster @param {Array<{ name: string, owner: string }>} expected
 * @param {{ nodes?: ServeProcess[], concurrency?: number }} [options]
 * @returns {Promise<string[]>}
 */
export async function unresolved(cluster, expected, options = {}) {
  const nodes = options.nodes ?? cluster.alive;
  const jobs = nodes.flatMap((node) => expected.map((e) => /** @type {const} */ ([node, e])));
  /** @type {string[]} */
  const failures = [];
  await pool(jobs, options.concurrency ?? 16, async ([node, { name, owner }]) => {
    const { status, body } = await node.resolve(name);
    if (status !== 200) failures.push(`node ${node.id} ${name}: ${status} ${body?.error?.code ?? ''}`);
    else if (body.owner !== owner) failures.push(`node ${node.id} ${name}: owner ${body.owner}, expected ${owner}`);
  });
  return failures;
}

/** Milliseconds as seconds with one decimal. @param {number} ms */
export const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
