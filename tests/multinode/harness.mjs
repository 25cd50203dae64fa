// @ts-check
/**
 * Multi-node harness: real `vns serve` processes on loopback ports, each with its own data
 * folder, linked in a chosen topology through TCP proxies owned by the harness. The proxies
 * let a test partition nodes without any admin endpoint in the server: a partition destroys
 * the proxied sockets of the chosen links and refuses new connections on them; healing
 * accepts again, and the nodes' WebSocket clients reconnect with their own backoff.
 *
 * Every child process is killed when the harness process exits, whatever the reason.
 *
 * ```js
 * import { startCluster, Registrar } from './harness.mjs';
 * const cluster = await startCluster({ nodes: 3, topology: 'chain' });
 * try {
 *   const reg = await Registrar.create(cluster.nodes[0]);
 *   const { bytes } = await reg.build('alice', [{ type: 'A', value: '192.0.2.1' }]);
 *   await cluster.nodes[0].post(bytes);
 *   await cluster.waitConverged();
 * } finally {
 *   await cluster.stop();
 * }
 * ```
 * @module
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServeProcess } from '../support/serve-process.mjs';
import { LinkProxy } from './proxy.mjs';
import { eventually, peerCount, rejectionsByCode } from './util.mjs';

export { ServeProcess, CLI } from '../support/serve-process.mjs';
export { LinkProxy } from './proxy.mjs';
export * from './util.mjs';

/** @typedef {'chain' | 'star' | 'mesh'} Topology */

/**
 * Network options shared by every node of a cluster (they are part of the network id).
 * @typedef {{
 *   network?: 'main' | 'testing',
 *   difficulty?: number,
 *   registrationPeriodMs?: number,
 *   gracePeriodMs?: number,
 * }} NetworkOptions
 */

/**
 * Options of `startCluster`.
 * @typedef {NetworkOptions & {
 *   nodes?: number,
 *   topology?: Topology,
 *   sweepIntervalMs?: number,
 *   registrationsPerHour?: number,
 *   extraArgs?: string[],
 *   nodeArgs?: string[],
 *   keepData?: boolean,
 * }} ClusterOptions
 */

/**
 * The links of a topology over nodes 1..n as [dialer, listener] pairs. The higher-numbered
 * node dials, so a restarted node dials its lower neighbours at once while the others find
 * it again through their backoff.
 * @param {Topology} topology @param {number} n
 * @returns {Array<[number, number]>}
 */
export function topologyLinks(topology, n) {
  /** @type {Array<[number, number]>} */
  const links = [];
  if (topology === 'chain') for (let i = 2; i <= n; i++) links.push([i, i - 1]);
  else if (topology === 'star') for (let i = 2; i <= n; i++) links.push([i, 1]);
  else if (topology === 'mesh') for (let j = 2; j <= n; j++) for (let i = 1; i < j; i++) links.push([j, i]);
  else throw new Error(`unknown topology ${topology}`);
  return links;
}

// ---------------------------------------------------------------------------------------------
// A cluster.

/** N `vns serve` processes linked through proxies. Use `startCluster`. */
export class Cluster {
  /** @type {Promise<Array<{ id: number, code: number | null }>> | undefined} */ #stopping;

  /**
   * @param {ServeProcess[]} nodes @param {LinkProxy[]} links @param {string} root
   * @param {ClusterOptions} options
   */
  constructor(nodes, links, root, options) {
    this.nodes = nodes;
    this.links = links;
    this.root = root;
    this.options = options;
  }

  /** @param {number} id 1-based */
  node(id) {
    const node = this.nodes[id - 1];
    if (!node) throw new Error(`no node ${id}`);
    return node;
  }

  get alive() {
    return this.nodes.filter((n) => n.alive);
  }

  /**
   * Links between the groups are cut (both directions); links inside a group stay.
   * @param {number[]} a @param {number[]} b
   */
  partition(a, b) {
    for (const link of this.links) {
      const [x, y] = [link.from.id, link.to.id];
      if ((a.includes(x) && b.includes(y)) || (b.includes(x) && a.includes(y))) link.block();
    }
  }

  /** Cuts every link of node `id`. @param {number} id */
  isolate(id) {
    for (const link of this.links) if (link.from.id === id || link.to.id === id) link.block();
  }

  /** Accepts connections on every link again. */
  heal() {
    for (const link of this.links) link.unblock();
  }

  /** Handshaken peers `node` should have: its links that are open with both ends running. @param {ServeProcess} node */
  expectedPeers(node) {
    return this.links.filter((l) => !l.blocked && l.from.alive && l.to.alive && (l.from === node || l.to === node)).length;
  }

  /**
   * Waits until every running node has a session on each of its open links.
   * @param {{ timeoutMs?: number }} [options]
   */
  async waitLinked({ timeoutMs = 60_000 } = {}) {
    await eventually(
      async () => {
        for (const node of this.alive) {
          if (peerCount(await node.status()) !== this.expectedPeers(node)) return false;
        }
        return true;
      },
      { timeoutMs, intervalMs: 100, what: 'every open link to complete its handshake' },
    );
  }

  /**
   * Waits until every running node (or `ids`) reports the same merkle root, and optionally
   * `entries` names. Returns the root and how long it took.
   * @param {{ ids?: number[], entries?: number, timeoutMs?: number, what?: string }} [options]
   */
  async waitConverged(options = {}) {
    const { entries, timeoutMs = 60_000 } = options;
    const started = Date.now();
    const root = await eventually(
      async () => {
        const nodes = options.ids ? options.ids.map((id) => this.node(id)) : this.alive;
        const statuses = await Promise.all(nodes.map((n) => n.status()));
        const roots = new Set(statuses.map((s) => s.root));
        if (roots.size !== 1) return undefined;
        if (entries !== undefined && statuses.some((s) => s.entries !== entries)) return undefined;
        return statuses[0].root;
      },
      { timeoutMs, intervalMs: 100, what: options.what ?? `equal roots${entries === undefined ? '' : ` with ${entries} entries`}` },
    );
    return { root: /** @type {string} */ (root), ms: Date.now() - started };
  }

  /** Each running node's root and entry count, for reports and failure messages. */
  async summary() {
    return Promise.all(
      this.nodes.map(async (n) => {
        if (!n.alive) return { id: n.id, alive: false };
        const s = await n.status().catch((e) => ({ error: String(e) }));
        return { id: n.id, alive: true, root: s.root, entries: s.entries, peers: s.peers === undefined ? undefined : peerCount(s) };
      }),
    );
  }

  /** The last log lines of every node. */
  diagnostics() {
    return this.nodes.map((n) => `--- node ${n.id} (port ${n.port}, ${n.alive ? 'running' : 'stopped'}, starts ${n.starts}, error events ${n.errors})\n${n.tail.join('\n')}`).join('\n');
  }

  /**
   * Sum of every running node's rejections by code.
   * @returns {Promise<Record<string, number>>}
   */
  async rejections() {
    /** @type {Record<string, number>} */
    const total = {};
    for (const node of this.alive) {
      for (const [code, n] of Object.entries(rejectionsByCode(await node.metrics()))) total[code] = (total[code] ?? 0) + n;
    }
    return total;
  }

  /**
   * Stops everything this cluster started: SIGTERM to running nodes (SIGKILL if they hang),
   * proxies closed, data folders removed (unless `keepData`).
   * @returns {Promise<Array<{ id: number, code: number | null }>>} the exit code of each node
   *   that was running (0 after a clean save; null if it had to be killed). Idempotent.
   */
  stop() {
    this.#stopping ??= (async () => {
      const running = this.nodes.filter((n) => n.alive);
      const codes = await Promise.all(running.map(async (n) => ({ id: n.id, code: await n.stop().catch(() => null) })));
      await Promise.all(this.links.map((l) => l.close()));
      if (!this.options.keepData) await rm(this.root, { recursive: true, force: true });
      return codes;
    })();
    return this.#stopping;
  }
}

/**
 * `serve` arguments for the cluster's network options.
 * @param {ClusterOptions} o
 */
function serveArgs(o) {
  const args = ['--network', o.network ?? 'testing', '--difficulty', String(o.difficulty ?? 4)];
  args.push('--registrations-per-hour', String(o.registrationsPerHour ?? 1_000_000));
  if (o.registrationPeriodMs !== undefined) args.push('--registration-period-ms', String(o.registrationPeriodMs));
  if (o.gracePeriodMs !== undefined) args.push('--grace-period-ms', String(o.gracePeriodMs));
  if (o.sweepIntervalMs !== undefined) args.push('--sweep-interval-ms', String(o.sweepIntervalMs));
  return [...args, ...(o.extraArgs ?? [])];
}

/**
 * Starts `nodes` servers linked in `topology` (each link through its own proxy), and waits
 * until every link has completed its handshake.
 * @param {ClusterOptions} [options]
 * @returns {Promise<Cluster>}
 */
export async function startCluster(options = {}) {
  const n = options.nodes ?? 3;
  const topology = options.topology ?? 'chain';
  const root = await mkdtemp(join(tmpdir(), 'vns-multinode-'));
  const base = serveArgs(options);
  const nodes = Array.from({ length: n }, (_, i) => new ServeProcess(i + 1, join(root, `node${i + 1}`), []));
  const links = topologyLinks(topology, n).map(([from, to]) => new LinkProxy(nodes[from - 1], nodes[to - 1]));
  const cluster = new Cluster(nodes, links, root, options);
  try {
    await Promise.all(links.map((l) => l.listen()));
    for (const node of nodes) {
      const peers = links.filter((l) => l.from === node).flatMap((l) => ['--peer', l.url]);
      node.args = [...base, ...peers];
      node.nodeArgs = options.nodeArgs ?? [];
    }
    // Listeners first (node 1 dials nobody), so that most first dials succeed.
    for (const node of nodes) await node.start();
    await cluster.waitLinked();
    return cluster;
  } catch (e) {
    await cluster.stop();
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Building signed entries the way a client does.

/**
 * Builds signed entry blocks on a throwaway in-memory client node on the cluster's network
 * (the options come from the server's status, so the network id matches), rotating among a
 * few owners. The blocks are what `POST /api/vns/ops` accepts.
 */
export class Registrar {
  /** @type {import('../../js/core.js').Vns} */ client;
  /** @type {import('../../pkg/web/vns.js').Keys[]} */ owners;
  #next = 0;

  /**
   * @param {import('../../js/core.js').Vns} client
   * @param {import('../../pkg/web/vns.js').Keys[]} owners
   */
  constructor(client, owners) {
    this.client = client;
    this.owners = owners;
  }

  /**
   * @param {ServeProcess | Record<string, unknown>} source a node (its status gives the
   *   network options) or the `open` options themselves
   * @param {{ owners?: number }} [options]
   */
  static async create(source, { owners = 8 } = {}) {
    const { open, generateKeys } = await import('vns');
    const networkOptions = source instanceof ServeProcess ? (await source.status()).open : source;
    const hour = 60 * 60 * 1000;
    const client = await open({
      storage: 'memory',
      ...networkOptions,
      registrationsPerHour: 1_000_000_000,
      tickIntervalMs: hour,
      sweepIntervalMs: hour,
      saveDelayMs: hour,
    });
    return new Registrar(client, Array.from({ length: owners }, () => generateKeys()));
  }

  /**
   * Registers `name` on the client and returns its entry block.
   * @param {string} name
   * @param {import('../../pkg/web/vns.js').RecordInput[]} [records]
   * @param {import('../../pkg/web/vns.js').Keys} [owner] default: the next of the pool
   */
  async build(name, records = [], owner) {
    const keys = owner ?? this.owners[this.#next++ % this.owners.length];
    const resolved = await this.client.register(keys, name, records);
    const bytes = this.client.entryBlock(resolved.name);
    if (!bytes) throw new Error(`no entry block for ${name} after registering it`);
    return { name: resolved.name, owner: keys.peerId, keys, bytes, resolved };
  }

  async close() {
    await this.client.close();
  }
}

/** A name for index `i` of a run (`tag` keeps runs apart). @param {string} tag @param {number} i */
export const nameFor = (tag, i) => `${tag}-${String(i).padStart(5, '0')}`;
