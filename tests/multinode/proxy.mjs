// @ts-check
/**
 * A TCP proxy per node-to-node link of the multi-node harness. The dialing node is given the
 * proxy's address as its `--peer`, so the harness can cut the link (destroy its sockets and
 * refuse new connections) and heal it without any admin endpoint in the server.
 *
 * ```js
 * const link = new LinkProxy(node2, node1); // node 2 dials node 1 through it
 * await link.listen();                      // node 2 gets `--peer ${link.url}`
 * link.block();                             // partition; link.unblock() heals
 * ```
 * @module
 */
import { createServer, connect } from 'node:net';

/** @typedef {import('../support/serve-process.mjs').ServeProcess} ServeProcess */

/** A TCP proxy carrying one node-to-node link (`from` dials `to` through it). */
export class LinkProxy {
  /** @type {Set<import('node:net').Socket>} */ #sockets = new Set();
  /** @type {import('node:net').Server | undefined} */ #server;
  blocked = false;
  port = 0;
  /** Connections forwarded / refused so far. */
  forwarded = 0;
  refused = 0;

  /**
   * @param {ServeProcess} from @param {ServeProcess} to
   */
  constructor(from, to) {
    this.from = from;
    this.to = to;
  }

  /** The URL `from` dials. */
  get url() {
    return `ws://127.0.0.1:${this.port}/vns`;
  }

  async listen() {
    const server = createServer((client) => this.#accept(client));
    this.#server = server;
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(undefined));
    });
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  /** @param {import('node:net').Socket} client */
  #accept(client) {
    client.on('error', () => {});
    if (this.blocked || !this.to.alive) {
      this.refused += 1;
      client.destroy();
      return;
    }
    this.forwarded += 1;
    const upstream = connect({ host: '127.0.0.1', port: this.to.port });
    upstream.on('error', () => {});
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    this.#sockets.add(client);
    this.#sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      this.#sockets.delete(client);
      this.#sockets.delete(upstream);
    };
    client.once('close', drop);
    upstream.once('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** Cuts the link: open connections are destroyed, new ones refused until `unblock`. */
  block() {
    this.blocked = true;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }

  unblock() {
    this.blocked = false;
  }

  async close() {
    this.block();
    await new Promise((resolve) => (this.#server ? this.#server.close(() => resolve(undefined)) : resolve(undefined)));
  }
}
