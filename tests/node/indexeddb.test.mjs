// The default browser storage, IndexedDB, through the built package (fake-indexeddb in Node).
import 'fake-indexeddb/auto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, generateKeys } from 'vns';

/** @typedef {import('../../js/core.js').OpenOptions} OpenOptions */

test('save to IndexedDB, close, reopen and resolve', async () => {
  /** @type {OpenOptions} */
  const options = { storage: 'indexeddb', dbName: 'vns-node-test', network: 'testing', difficulty: 4 };
  const keys = generateKeys();
  const first = await open(options);
  await first.register(keys, 'alice', [{ type: 'A', value: '192.0.2.1' }]);
  await first.close(); // saves
  const second = await open(options);
  try {
    const resolved = await second.resolve('alice');
    assert.equal(resolved.records[0].value, '192.0.2.1');
    assert.equal(second.queueStatus().size, 1); // registered with no peer: queued, persisted
  } finally {
    await second.close();
  }
});

/**
 * A testing node over IndexedDB database `dbName` that saves only when asked.
 * @param {string} dbName @returns {OpenOptions}
 */
const savingByHand = (dbName) => ({
  storage: 'indexeddb', dbName, network: 'testing', difficulty: 4, saveDelayMs: 60_000,
});

test('IndexedDB keeps garbage until it is worth a pack rewrite; collection deletes it all', async () => {
  const options = savingByHand('vns-node-gc');
  const keys = generateKeys();
  const vns = await open(options);
  try {
    await vns.register(keys, 'packed', [{ type: 'TXT', value: 'v0' }]);
    await vns.register(keys, 'other', []);
    await vns.save();
    let pruned = 0;
    for (let round = 1; round <= 5; round++) {
      await vns.update(keys, 'packed', [{ type: 'TXT', value: `v${round}` }]);
      pruned += (await vns.save()).pruned;
    }
    assert.equal(pruned, 0, 'a few dropped blocks do not rewrite packs');
    const { removed, complete } = await vns.collectGarbage();
    assert.ok(complete, 'IndexedDB lists its blocks');
    assert.ok(removed >= 10, `five replaced entries and the paths above them (${removed})`);
    assert.deepEqual(await vns.collectGarbage(), { removed: 0, complete: true });
  } finally {
    await vns.close();
  }
  const again = await open(options);
  try {
    assert.equal((await again.resolve('packed')).records[0].value, 'v5');
    assert.equal((await again.resolve('other')).owner, keys.peerId);
  } finally {
    await again.close();
  }
});

test('IndexedDB prunes in one go once 4,096 blocks are garbage', async () => {
  const options = savingByHand('vns-node-batch');
  const keys = generateKeys();
  const vns = await open(options);
  try {
    await vns.register(keys, 'busy', []);
    await vns.save();
    // Each saved update drops three blocks: the old entry, the old root node of a one-name
    // tree, and the queue chunk that held the old delta (the new one takes the next position).
    const dropped = 3;
    const first = Math.ceil(4_096 / dropped);
    const prunes = [];
    for (let round = 1; round <= 2_100; round++) {
      await vns.update(keys, 'busy', [{ type: 'TXT', value: `v${round}` }]);
      const { pruned } = await vns.save();
      if (pruned > 0) prunes.push([round, pruned]);
    }
    assert.deepEqual(prunes, [[first, first * dropped]]);
    assert.deepEqual(await vns.collectGarbage(), { removed: dropped * (2_100 - first), complete: true });
  } finally {
    await vns.close();
  }
});
