// The acceptance suite every network adapter must pass (connect, send and receive bytes,
// close, with events), run on real transports by tests/node/adapters.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeys } from 'vns';
import { testNode, eventually } from './helpers.mjs';

/**
 * An adapter under test.
 * @typedef {{
 *   link(server: object, client: object): Promise<{ cut(): Promise<void>, heal(): Promise<void> }>,
 *   garbage(server: object): Promise<void>,
 * }} Adapter
 * `link` connects client to server; `cut` breaks the link from outside (the transport dies),
 * `heal` lets it come back (by the adapter's own reconnect, or a new link). `garbage` opens
 * a raw connection to `server`, sends something that is not a VNS frame, and resolves when
 * the server has closed that connection.
 */

/** @param {string} name @param {() => Adapter} make */
export function adapterSuite(name, make) {
  /** Runs `body` with two fresh nodes, closing them whatever happens. */
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
    const peers = [];
    client.addEventListener('peer', (e) => peers.push(e.detail.type));
    await adapter.link(server, client);
    await eventually(() => client.peers().length === 1 && server.peers().length === 1, 5_000, 'handshake');
    assert.deepEqual(peers, ['peer-connected']);
    assert.equal((await eventually(() => client.resolve('before'), 10_000, 'catch-up')).records[0].value, 'catch-up');
    const keys = generateKeys();
    await client.register(keys, 'live', []);
    assert.equal((await eventually(() => server.resolve('live'), 10_000, 'live delta')).owner, keys.peerId);
    await eventually(() => server.merkleRoot() === client.merkleRoot(), 10_000, 'equal roots');
  }));

  test(`${name}: changes made while the link is down arrive when it is back`, withNodes(async (adapter, server, client) => {
    const link = await adapter.link(server, client);
    await eventually(() => server.peers().length === 1, 5_000, 'handshake');
    await link.cut();
    await eventually(() => client.peers().length === 0 && server.peers().length === 0, 5_000, 'link down on both sides');
    await client.register(generateKeys(), 'offline', [{ type: 'TXT', value: 'queued' }]);
    assert.equal(client.queueStatus().size, 1);
    await link.heal();
    assert.equal((await eventually(() => server.resolve('offline'), 10_000, 'replay')).records[0].value, 'queued');
    await eventually(() => client.queueStatus().size === 0, 10_000, 'queue drained');
    await eventually(() => server.merkleRoot() === client.merkleRoot(), 10_000, 'equal roots');
  }));

  test(`${name}: a frame that is not VNS closes only its own link`, withNodes(async (adapter, server, client) => {
    await adapter.link(server, client);
    await eventually(() => server.peers().length === 1, 5_000, 'handshake');
    const errors = [];
    server.addEventListener('error', (e) => errors.push(e.detail));
    await adapter.garbage(server);
    assert.ok(errors.some((e) => e.type === 'peer-error'), 'the bad link is reported');
    assert.equal(server.peers().length, 1, 'the honest link is still up');
    await client.register(generateKeys(), 'after-garbage', []);
    await eventually(() => server.resolve('after-garbage'), 10_000, 'sync still works');
  }));

  test(`${name}: closing a node ends its links on both sides`, withNodes(async (adapter, server, client) => {
    await adapter.link(server, client);
    await eventually(() => server.peers().length === 1, 5_000, 'handshake');
    const events = [];
    server.addEventListener('peer', (e) => events.push(e.detail.type));
    await client.close();
    await eventually(() => server.peers().length === 0, 5_000, 'server sees the link end');
    assert.deepEqual(events, ['peer-disconnected']);
  }));
}
