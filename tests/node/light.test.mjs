// @ts-check
// Light mode against real `vns serve` processes: a resolve that loads no namespace, a watched
// name changed on another node pushed within a second, and no traffic for unwatched names.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { open, generateKeys, connectWebSocket } from 'vns';
import { startServe } from '../support/serve-process.mjs';

const NET = { network: /** @type {const} */ ('testing'), difficulty: 4, registrationsPerHour: 10_000 };
const NET_FLAGS = ['--network', 'testing', '--difficulty', '4', '--registrations-per-hour', '10000'];
const NAMES = 40;

/** POSTs an entry block. @param {string} url @param {Uint8Array} bytes */
async function post(url, bytes) {
  const headers = { 'content-type': 'application/vnd.ipld.dag-cbor' };
  const res = await fetch(`${url}/api/vns/ops`, { method: 'POST', body: Buffer.from(bytes), headers });
  assert.equal(res.status, 200, await res.text());
}

/** Polls `check` every 20 ms until it holds or `ms` passed. @param {() => Promise<boolean>} check @param {number} ms */
async function until(check, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

/** The TXT value `url` resolves `name` to. @param {string} url @param {string} name */
async function txtAt(url, name) {
  const res = await fetch(`${url}/api/vns/resolve/${name}`);
  if (res.status !== 200) return undefined;
  const body = await res.json();
  return body.records?.[0]?.value;
}

test('a light client resolves through a real node, gets watched names pushed and nothing else', async () => {
  const a = await startServe(['--memory', ...NET_FLAGS]);
  const b = await startServe(['--memory', ...NET_FLAGS, '--peer', a.ws]);
  after(() => Promise.all([a.kill(), b.kill()]));

  // Names are signed on a throwaway full client and posted to node A.
  const owner = await open({ storage: 'memory', ...NET });
  const keys = generateKeys();
  let namespaceBytes = 0;
  for (let i = 0; i < NAMES; i++) {
    await owner.register(keys, `name${i}`, [{ type: 'TXT', value: `v1 ${i}` }]);
    const block = /** @type {Uint8Array} */ (owner.entryBlock(`name${i}`));
    namespaceBytes += block.length;
    await post(a.url, block);
  }
  assert.ok(await until(async () => (await txtAt(b.url, `name${NAMES - 1}`)) === `v1 ${NAMES - 1}`, 10_000), 'B caught up');

  const light = await open({ mode: 'light', ...NET });
  after(() => light.close());
  connectWebSocket(light, a.ws);
  await light.ready();
  const started = performance.now();
  const answer = await light.resolve('name0');
  const firstAnswerMs = performance.now() - started;
  assert.deepEqual(answer.records, [{ type: 'TXT', value: 'v1 0', ttl: 3600 }]);
  assert.equal(answer.stale, false);
  const traffic = light.traffic();
  assert.ok(
    traffic.bytesIn < namespaceBytes / 4,
    `one resolve received ${traffic.bytesIn} bytes; the namespace's entries alone are ${namespaceBytes}`,
  );
  assert.deepEqual(light.watched(), ['name0.vfs']);
  console.log(`first verified answer ${firstAnswerMs.toFixed(1)} ms, ${traffic.bytesIn} bytes in`);

  // A name nobody watches changes on B: it reaches A, and nothing reaches the light client.
  const before = light.traffic().bytesIn;
  await owner.update(keys, 'name1', [{ type: 'TXT', value: 'v2 1' }]);
  await post(b.url, /** @type {Uint8Array} */ (owner.entryBlock('name1')));
  assert.ok(await until(async () => (await txtAt(a.url, 'name1')) === 'v2 1', 5_000), 'A got the update');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(light.traffic().bytesIn, before, 'no byte for an unwatched name');

  // The watched name changes on B: the new version reaches the light client within 1 s.
  const changed = new Promise((resolve) => {
    light.addEventListener('change', (e) => {
      if (e.detail.name === 'name0.vfs') resolve(performance.now());
    });
  });
  await owner.update(keys, 'name0', [{ type: 'TXT', value: 'v2 0' }]);
  const sentAt = performance.now();
  await post(b.url, /** @type {Uint8Array} */ (owner.entryBlock('name0')));
  const timeout = new Promise((resolve) => setTimeout(() => resolve(undefined), 1000));
  const arrivedAt = await Promise.race([changed, timeout]);
  assert.ok(typeof arrivedAt === 'number', 'the update arrived within 1 s');
  console.log(`watched update arrived ${(arrivedAt - sentAt).toFixed(1)} ms after the POST to B`);
  const updated = await light.resolve('name0');
  assert.deepEqual(updated.records, [{ type: 'TXT', value: 'v2 0', ttl: 3600 }]);
  assert.ok(light.traffic().bytesIn > before);
  await owner.close();
});

test('with no peer connected, an uncached name fails at once with resolve.offline', async () => {
  const light = await open({ mode: 'light', ...NET });
  try {
    await assert.rejects(light.resolve('nobody'), (/** @type {any} */ e) => e.code === 'resolve.offline');
  } finally {
    await light.close();
  }
});
