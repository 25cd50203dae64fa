// Two in-process nodes over a real WebSocket (npm ws on 127.0.0.1, a random port) converge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeys, serveWebSocket, connectWebSocket } from 'vns';
import { testNode, eventually } from './helpers.mjs';

test('a name registered on one node resolves on the other', async () => {
  const server = await testNode();
  const client = await testNode();
  try {
    // Registered before connecting: arrives by catch-up.
    const alice = generateKeys();
    await server.register(alice, 'alice', [{ type: 'TXT', value: 'from server' }]);

    const listening = await serveWebSocket(server, { port: 0 });
    const peers = [];
    client.addEventListener('peer', (e) => peers.push(e.detail.type));
    connectWebSocket(client, `ws://127.0.0.1:${listening.port}`, { minDelayMs: 50 });
    await eventually(() => client.peers().length === 1, 5000, 'handshake');
    assert.deepEqual(peers, ['peer-connected']);

    const got = await eventually(() => client.resolve('alice'), 10_000, 'catch-up');
    assert.equal(got.records[0].value, 'from server');

    // Registered while connected: arrives as a live delta, both ways.
    const bob = generateKeys();
    await client.register(bob, 'bob', [{ type: 'TXT', value: 'from client' }]);
    const back = await eventually(() => server.resolve('bob'), 10_000, 'live delta');
    assert.equal(back.owner, bob.peerId);
    await eventually(() => server.merkleRoot() === client.merkleRoot(), 10_000, 'same root');
  } finally {
    await client.close();
    await server.close();
  }
});

test('the client reconnects after the server side drops it', async () => {
  const server = await testNode();
  const client = await testNode();
  try {
    const listening = await serveWebSocket(server, { port: 0 });
    connectWebSocket(client, `ws://127.0.0.1:${listening.port}`, { minDelayMs: 20 });
    await eventually(() => server.peers().length === 1, 5000, 'first connection');
    const [first] = server.peers();
    // Drop every connection from the server side; the client must dial again.
    await listening.close();
    const again = await serveWebSocket(server, { port: listening.port });
    await eventually(() => server.peers().some((p) => p !== first), 10_000, 'reconnection');
    await again.close();
  } finally {
    await client.close();
    await server.close();
  }
});
