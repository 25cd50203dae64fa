// The default browser storage, IndexedDB, through the built package (fake-indexeddb in Node).
import 'fake-indexeddb/auto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, generateKeys } from 'vns';

test('save to IndexedDB, close, reopen and resolve', async () => {
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
