// @ts-check
/**
 * Test helpers shipped with the package (Node only: the suite runs on `node:test`): the
 * acceptance suite every network adapter must pass, like the Rust crate's blockstore and
 * persistence suites, so an adapter written outside this package is tested the same way as
 * VNS's own WebSocket and MessagePort adapters; and `eventually`, the polling wait it uses.
 *
 * ```js
 * import { adapterSuite } from 'vns/testing';
 * adapterSuite('my transport', () => ({
 *   async link(server, client) { ... return { cut, heal }; },
 *   async garbage(server) { ... },
 * }));
 * ```
 * @module
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, generateKeys } from './node.js';

/**
 * Polls `check` until it returns a truthy value and returns it; throws after `timeoutMs`,
 * naming `what` and the last value or error seen (a throwing `check` counts as "not yet").
 *
 * ```js
 * const answer = await eventually(() => vns.resolve('alice'), { timeoutMs: 5_000, what: 'alice' });
 * ```
 * @template T
 * @param {() => Promise<T> | T} check
 * @param {{ timeoutMs?: number, intervalMs?: number, what?: string }} [options]
 *   defaults: 30 s, every 50 ms, "condition"
 * @returns {Promise<NonNullable<T>>}
 */
export async function eventually(check, options = {}) {
  const { timeoutMs = 30_000, intervalMs = 50, what = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  /** @type {unknown} */
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value) return /** @type {NonNullable<T>} */ (value);
      last = value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${seen})`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** @typedef {import('./core.js').Vns} Vns */

/**
 * A network adapter under test, made fresh for each test of the suite.
 * @typedef {object} AdapterUnderTest
 * @property {(server: Vns, client: Vns) => Promise<Link>} link connects `client` to `server`
 * @property {(server: Vns) => Promise<void>} garbage opens a raw connection to `server`,
 *   sends something that is not a VNS frame, and resolves when the server has closed it
 */

/**
 * A link made by {@link AdapterUnderTest.link}.
 * @typedef {object} Link
 * @property {() => Promise<void>} cut breaks the link from outside (the transport dies)
 * @property {() => Promise<void>} heal lets it come back (by the adapter's own reconnect, or a new link)
 */

/** Waits on the suite's own nodes: short, since everything runs on loopback. */
const SOON = 5_000;
const SYNCED = 10_000;

/**
 * A memory node on the testing network with trivial proof-of-work and fast sync timers (the
 * suite's nodes); `extra` overrides or adds options.
 * @param {import('./core.js').OpenOptions} [extra]
 */
export function testNode(extra = {}) {
  return open({
    storage: 'memory',
    network: 'testing',
    difficulty: 4,
    tickIntervalMs: 50,
    registrationsPerHour: 100,
    ...extra,
  });
}

/**
 * Registers the network adapter acceptance suite with `node:test`: changes flow both ways by
 * catch-up and live, changes made while the link is down arrive when it is back, a frame that
 * is not VNS closes only its own link, and closing a node ends its links on both sides.
 * @param {string} name names the tests
 * @param {() => AdapterUnderTest} make a fresh adapter for each test
 */
export function adapterSuite(name, make) {
  /**
   * Runs `body` with two fresh nodes, closing them whatever happens.
   * @param {(adapter: AdapterUnderTest, server: Vns, client: Vns) => Promise<void>} body
   */
  const withNodes = (body) => async () => {
    const server = await testNode();
    const client = await testNode();
    try {
      await body(make(), server, client);
    } finally {
      await client.close();
      await server.close();
    }
  };

  test(`${name}: changes flow both ways, by catch-up and live, to equal roots`, withNodes(async (adapter, server, client) => {
    await server.register(generateKeys(), 'before', [{ type: 'TXT', value: 'catch-up' }]);
    /** @type {string[]} */
    const peers = [];
    client.addEventListener('peer', (e) => peers.push(/** @type {CustomEvent} */ (e).detail.type));
    await adapter.link(server, client);
    await eventually(() => client.peers().length === 1 && server.peers().length === 1, { timeoutMs: SOON, what: 'handshake' });
    assert.deepEqual(peers, ['peer-connected']);
    const before = await eventually(() => client.resolve('before'), { timeoutMs: SYNCED, what: 'catch-up' });
    assert.equal(before.records[0].value, 'catch-up');
    const keys = generateKeys();
    await client.register(keys, 'live', []);
    assert.equal((await eventually(() => server.resolve('live'), { timeoutMs: SYNCED, what: 'live delta' })).owner, keys.peerId);
    await eventually(() => server.merkleRoot() === client.merkleRoot(), { timeoutMs: SYNCED, what: 'equal roots' });
  }));

  test(`${name}: changes made while the link is down arrive when it is back`, withNodes(async (adapter, server, client) => {
    const link = await adapter.link(server, client);
    await eventually(() => server.peers().length === 1, { timeoutMs: SOON, what: 'handshake' });
    await link.cut();
    await eventually(() => client.peers().length === 0 && server.peers().length === 0, { timeoutMs: SOON, what: 'link down on both sides' });
    await client.register(generateKeys(), 'offline', [{ type: 'TXT', value: 'queued' }]);
    assert.equal(client.queueStatus().size, 1);
    await link.heal();
    const offline = await eventually(() => server.resolve('offline'), { timeoutMs: SYNCED, what: 'replay' });
    assert.equal(offline.records[0].value, 'queued');
    await eventually(() => client.queueStatus().size === 0, { timeoutMs: SYNCED, what: 'queue drained' });
    await eventually(() => server.merkleRoot() === client.merkleRoot(), { timeoutMs: SYNCED, what: 'equal roots' });
  }));

  test(`${name}: a frame that is not VNS closes only its own link`, withNodes(async (adapter, server, client) => {
    await adapter.link(server, client);
    await eventually(() => server.peers().length === 1, { timeoutMs: SOON, what: 'handshake' });
    /** @type {{ type: string }[]} */
    const errors = [];
    server.addEventListener('error', (e) => errors.push(/** @type {CustomEvent} */ (e).detail));
    await adapter.garbage(server);
    assert.ok(errors.some((e) => e.type === 'peer-error'), 'the bad link is reported');
    assert.equal(server.peers().length, 1, 'the honest link is still up');
    await client.register(generateKeys(), 'after-garbage', []);
    await eventually(() => server.resolve('after-garbage'), { timeoutMs: SYNCED, what: 'sync still works' });
  }));

  test(`${name}: closing a node ends its links on both sides`, withNodes(async (adapter, server, client) => {
    await adapter.link(server, client);
    await eventually(() => server.peers().length === 1, { timeoutMs: SOON, what: 'handshake' });
    /** @type {string[]} */
    const events = [];
    server.addEventListener('peer', (e) => events.push(/** @type {CustomEvent} */ (e).detail.type));
    await client.close();
    await eventually(() => server.peers().length === 0, { timeoutMs: SOON, what: 'server sees the link end' });
    assert.deepEqual(events, ['peer-disconnected']);
  }));
}
