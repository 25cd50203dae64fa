// `GET /api/vns/status` reports every parameter of the node's network as the core enforces
// it, overridden or not, and the node options given as flags reach the node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open } from 'vns';
import { startServe } from '../support/serve-process.mjs';

const DAY = 24 * 60 * 60 * 1000;

test('status reports every network parameter, not only the overridden ones', async (t) => {
  const node = await startServe(['--memory', '--network', 'testing', '--grace-period-ms', '5000', '--queue-capacity', '7']);
  t.after(() => node.child.kill('SIGKILL'));
  const status = await (await fetch(`${node.url}/api/vns/status`)).json();
  const { network } = status;
  assert.equal(network.network, 'testing');
  assert.equal(network.name, 'vns-test');
  assert.match(network.networkId, /^[0-9a-f]{64}$/);
  assert.equal(network.difficulty, 4);
  assert.equal(network.registrationPeriodMs, 365 * DAY, 'the default period, not overridden');
  assert.equal(network.gracePeriodMs, 5000, 'the override');
  assert.equal(network.maxFutureSkewMs, 5 * 60 * 1000);
  assert.equal(network.settlementWindowMs, 15 * 60 * 1000);
  assert.deepEqual(network.reservedNames, ['root.vfs', 'admin.vfs', 'sync.vfs', 'bootstrap.vfs']);
  assert.equal(network.limits.records.maxRecords, 20);
  assert.equal(network.limits.maxEntryBytes, 16 * 1024);
  // What a client needs to join: the network options given, and the difficulty.
  assert.deepEqual(status.open, { network: 'testing', gracePeriodMs: 5000, difficulty: 4 });
  assert.equal(status.queue.capacity, 7, '--queue-capacity reached the node');

  // A client that joins with `open` holds the same parameters (the core's part of `network`).
  const { network: _option, ...core } = network;
  const client = await open({ storage: 'memory', ...status.open });
  try {
    assert.deepEqual(client.network, core);
  } finally {
    await client.close();
  }
});
