// @ts-check
/**
 * Real `vns serve --libp2p` processes on loopback for the libp2p tests and benchmark: each
 * listens on a free TCP port (and a WebSocket one), joins through the bootstrap addresses it
 * is given, and is spoken to over its HTTP API.
 *
 * ```js
 * const cluster = await startLibp2pCluster({ nodes: 5 });  // nodes 2..5 bootstrap from node 1
 * await cluster.waitMeshed();                             // every node connected to every other
 * await cluster.stop();
 * ```
 * @module
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServeProcess } from '../support/serve-process.mjs';
import { eventually } from 'vns/testing';
import { unresolved } from '../multinode/workload.mjs';
import { pool } from '../multinode/util.mjs';

export { ServeProcess } from '../support/serve-process.mjs';
export { eventually } from 'vns/testing';

/** Network flags of every node (and of the registrar's client). */
export const NETWORK_ARGS = ['--network', 'testing', '--difficulty', '4', '--registrations-per-hour', '1000000'];
/**
 * Listen on loopback only, on free ports; and, since every node of the machine dials from
 * 127.0.0.1, exempt it from js-libp2p's inbound limits per address (nodes starting together
 * would otherwise be refused by the node they all join through).
 */
export const LOOPBACK = ['--libp2p-listen', '/ip4/127.0.0.1/tcp/0', '--libp2p-listen', '/ip4/127.0.0.1/tcp/0/ws', '--libp2p-allow', '/ip4/127.0.0.1'];

/** A `vns serve --libp2p` process: its peer ID and addresses once started. */
export class Libp2pServe extends ServeProcess {
  /** @type {string[]} */ bootstrap = [];
  /** @type {string | undefined} */ peerId;
  /** @type {string[]} */ addresses = [];

  /**
   * @param {number} id @param {string | undefined} dataDir
   * @param {{ bootstrap?: string[], libp2p?: boolean, extraArgs?: string[] }} [options]
   */
  constructor(id, dataDir, { bootstrap = [], libp2p = true, extraArgs = [] } = {}) {
    super(id, dataDir, []);
    this.bootstrap = bootstrap;
    this.libp2p = libp2p;
    this.extraArgs = extraArgs;
    this.#rebuildArgs();
  }

  #rebuildArgs() {
    const boot = this.bootstrap.flatMap((a) => ['--libp2p-bootstrap', a]);
    const memory = this.dataDir === undefined ? ['--memory'] : [];
    this.args = [...NETWORK_ARGS, ...memory, ...(this.libp2p ? ['--libp2p', ...LOOPBACK, ...boot] : []), ...this.extraArgs];
  }

  /** @param {string[]} bootstrap */
  setBootstrap(bootstrap) {
    this.bootstrap = bootstrap;
    this.#rebuildArgs();
  }

  /** @param {{ timeoutMs?: number }} [options] (default 90 s: libp2p takes a while to load on a busy machine) */
  async start(options = {}) {
    const listening = await super.start({ timeoutMs: 90_000, ...options });
    if (this.libp2p) {
      const status = (await this.status()).libp2p;
      this.peerId = status.peerId;
      this.addresses = status.addresses;
    }
    return listening;
  }

  /** The node's TCP multiaddr (with its peer ID), for others' bootstrap. */
  get tcpAddress() {
    const tcp = this.addresses.find((a) => a.includes('/tcp/') && !a.includes('/ws'));
    if (!tcp) throw new Error(`node ${this.id} has no TCP address: ${this.addresses.join(' ')}`);
    return tcp;
  }

  /** The libp2p part of the status. */
  async libp2pStatus() {
    return (await this.status()).libp2p;
  }

  /**
   * Polls this node (every `intervalMs`) until `name` resolves to `owner`; the milliseconds
   * from `since` (a `performance.now()`) until it did.
   * @param {{ name: string, owner: string }} expected @param {number} since
   * @param {{ intervalMs?: number, timeoutMs?: number }} [options]
   */
  async resolvedAfter({ name, owner }, since, { intervalMs = 20, timeoutMs = 10_000 } = {}) {
    await eventually(async () => {
      const { status, body } = await this.resolve(name);
      return status === 200 && body.owner === owner;
    }, { timeoutMs, intervalMs, what: `${name} on node ${this.id}` });
    return performance.now() - since;
  }
}

/**
 * Starts `nodes` libp2p nodes with data folders: node 1 first, then the others with node 1
 * as their only bootstrap address, `concurrency` at a time (default all: twenty processes
 * loading js-libp2p at once on two busy cores may take minutes to listen).
 * @param {{ nodes?: number, memory?: boolean, extraArgs?: string[], concurrency?: number }} [options]
 */
export async function startLibp2pCluster({ nodes = 5, memory = false, extraArgs = [], concurrency = nodes } = {}) {
  const root = await mkdtemp(join(tmpdir(), 'vns-libp2p-'));
  const dir = (/** @type {number} */ i) => (memory ? undefined : join(root, `node${i}`));
  const first = new Libp2pServe(1, dir(1), { extraArgs });
  await first.start();
  const rest = Array.from({ length: nodes - 1 }, (_, i) => new Libp2pServe(i + 2, dir(i + 2), { bootstrap: [first.tcpAddress], extraArgs }));
  await pool(rest, concurrency, (n) => n.start());
  return new Libp2pCluster([first, ...rest], root);
}

/** Libp2p nodes started together. */
export class Libp2pCluster {
  /** @param {Libp2pServe[]} nodes @param {string} root */
  constructor(nodes, root) {
    this.nodes = nodes;
    this.root = root;
  }

  get alive() {
    return this.nodes.filter((n) => n.alive);
  }

  /**
   * Names that do not resolve to their owner on every running node (or on `nodes`).
   * @param {Array<{ name: string, owner: string }>} expected @param {Libp2pServe[]} [nodes]
   */
  unresolved(expected, nodes = this.alive) {
    // The multi-node helper reads only the nodes it is given.
    return unresolved(/** @type {never} */ (this), expected, { nodes });
  }

  /**
   * Waits until every name resolves to its owner on every running node (or on `nodes`).
   * @param {Array<{ name: string, owner: string }>} expected
   * @param {{ nodes?: Libp2pServe[], timeoutMs?: number, what?: string }} [options]
   */
  async waitResolved(expected, { nodes, timeoutMs = 5_000, what } = {}) {
    /** @type {string[]} */
    let missing = [];
    await eventually(async () => (missing = await this.unresolved(expected, nodes)).length === 0, {
      timeoutMs,
      intervalMs: 20,
      what: what ?? `${expected.map((e) => e.name).join(', ')} on ${nodes ? nodes.map((n) => `node ${n.id}`).join(', ') : 'every node'}`,
    }).catch((e) => {
      throw new Error(`${e.message}: ${missing.slice(0, 5).join('; ')}`);
    });
  }

  /** node 1's TCP address, for late joiners. */
  get bootstrap() {
    return [this.nodes[0].tcpAddress];
  }

  /**
   * Waits until every running node is connected to every other over libp2p and has them in
   * its topic mesh or subscribers (found through the DHT, not configured).
   * @param {{ timeoutMs?: number, peers?: number }} [options]
   */
  async waitMeshed({ timeoutMs = 60_000, peers } = {}) {
    const want = peers ?? this.alive.length - 1;
    await this.#explained(
      eventually(async () => {
        for (const node of this.alive) {
          const s = await node.libp2pStatus();
          if (s.peers < want || s.subscribers < want || s.links < 1) return false;
        }
        return true;
      }, { timeoutMs, what: `every node linked to ${want} others` }),
    );
  }

  /**
   * Waits until every running node holds `entries` names under one root.
   * @param {{ entries: number, timeoutMs?: number }} options
   */
  async waitConverged({ entries, timeoutMs = 60_000 }) {
    const started = Date.now();
    /** @type {string | undefined} */
    let root;
    await this.#explained(
      eventually(async () => {
        const statuses = await Promise.all(this.alive.map((n) => n.status()));
        root = statuses[0].root;
        return statuses.every((s) => s.entries === entries && s.root === root);
      }, { timeoutMs, what: `every node on one root with ${entries} names` }),
    );
    return { root, ms: Date.now() - started };
  }

  /** `wait`, its failure followed by every node's figures. @param {Promise<unknown>} wait */
  async #explained(wait) {
    try {
      await wait;
    } catch (e) {
      throw new Error(`${e instanceof Error ? e.message : e}\n${JSON.stringify(await this.summary(), null, 1)}`);
    }
  }

  /** Each running node's entries, root and libp2p figures, for failure messages. */
  async summary() {
    return Promise.all(
      this.alive.map(async (n) => {
        const s = await n.status().catch(() => null);
        if (!s) return { id: n.id, down: true };
        const p = s.libp2p;
        return { id: n.id, entries: s.entries, root: s.root.slice(-8), peers: p?.peers, mesh: p?.mesh, subscribers: p?.subscribers, links: p?.links, table: p?.routingTable, discovery: p?.discovery };
      }),
    );
  }

  async stop() {
    await Promise.all(this.nodes.map((n) => (n.alive ? n.stop() : undefined)));
    await rm(this.root, { recursive: true, force: true });
  }
}
