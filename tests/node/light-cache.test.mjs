// @ts-check
// The light client's saved answers in Node: after a reload with the node stopped, cached
// names answer at once (marked stale after the set age), uncached ones fail at once with
// resolve.offline, and a damaged saved cache is reported and left out.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { open, generateKeys, connectWebSocket } from 'vns';
import { startServe } from '../support/serve-process.mjs';
import { tempDirs } from '../support/temp-dirs.mjs';
import { mapAdapter } from '../support/map-adapter.js';

const NET = { network: /** @type {const} */ ('testing'), difficulty: 4, registrationsPerHour: 10_000 };
const NET_FLAGS = ['--network', 'testing', '--difficulty', '4', '--registrations-per-hour', '10000'];
const tempDir = tempDirs('vns-light-cache-');

test('a reload with the node stopped answers cached names at once, stale after the set age', async () => {
  const node = await startServe(['--memory', ...NET_FLAGS]);
  const folder = await tempDir();
  const first = await open({ mode: 'light', ...NET, path: folder });
  connectWebSocket(first, node.ws);
  await first.ready();
  const keys = generateKeys();
  const made = await first.register(keys, 'alice', [{ type: 'TXT', value: 'hi' }]);
  await assert.rejects(first.resolve('bobby'), (/** @type {any} */ e) => e.code === 'resolve.not_found');
  await first.close();
  await node.kill();

  let clock = Date.now();
  const second = await open({ mode: 'light', ...NET, path: folder, staleAfterMs: 60_000, now: () => clock });
  after(() => second.close());
  assert.equal(second.cacheError, undefined);
  const started = performance.now();
  const answer = await second.resolve('alice');
  const ms = performance.now() - started;
  assert.equal(answer.entry, made.entry);
  assert.equal(answer.stale, false, 'younger than staleAfterMs');
  assert.ok(answer.verifiedAt <= clock && answer.verifiedAt >= clock - 60_000);
  clock += 60_000;
  assert.equal((await second.resolve('alice')).stale, true, 'past staleAfterMs');
  // The proven absence was kept too, and an uncached name fails at once.
  await assert.rejects(second.resolve('bobby'), (/** @type {any} */ e) => e.code === 'resolve.not_found');
  const before = performance.now();
  await assert.rejects(second.resolve('carol'), (/** @type {any} */ e) => e.code === 'resolve.offline');
  console.log(`offline: cached answer in ${ms.toFixed(2)} ms, uncached refusal in ${(performance.now() - before).toFixed(2)} ms`);
});

test('a damaged saved cache is reported, and the client starts without it', async () => {
  const adapter = mapAdapter();
  adapter.state.set('light-cache', Uint8Array.of(0xa1, 0x61, 0x76, 0x18, 0x01));
  const light = await open({ mode: 'light', ...NET, storage: adapter });
  try {
    assert.equal(/** @type {any} */ (light.cacheError)?.code, 'light.cache_corrupt');
    assert.deepEqual(light.watched(), []);
    await assert.rejects(light.resolve('alice'), (/** @type {any} */ e) => e.code === 'resolve.offline');
  } finally {
    await light.close();
  }
});
