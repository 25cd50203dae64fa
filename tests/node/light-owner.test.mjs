// @ts-check
// Owner actions in light mode against a real `vns serve`: register, update, renew and
// transfer answer with the version the node shows afterwards, and each refusal carries the
// same code as the full `Vns` gives for the same change (not the owner, name taken, lapsed).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { open, generateKeys, connectWebSocket } from 'vns';
import { startServe } from '../support/serve-process.mjs';

// Short periods, so that a name lapses within the test: 4 s registered, 1 s of grace.
const PERIODS = { registrationPeriodMs: 4000, gracePeriodMs: 1000 };
const NET = { network: /** @type {const} */ ('testing'), difficulty: 4, registrationsPerHour: 10_000, ...PERIODS };
const NET_FLAGS = ['--network', 'testing', '--difficulty', '4', '--registrations-per-hour', '10000',
  '--registration-period-ms', '4000', '--grace-period-ms', '1000'];

/** The records and owner `url` resolves `name` to over HTTP. @param {string} url @param {string} name */
async function atNode(url, name) {
  const res = await fetch(`${url}/api/vns/resolve/${name}`);
  return res.status === 200 ? res.json() : { status: res.status, ...(await res.json()) };
}

/** The code `promise` rejects with. @param {Promise<unknown>} promise */
async function codeOf(promise) {
  try {
    await promise;
  } catch (e) {
    return /** @type {{ code?: string }} */ (e).code;
  }
  return 'resolved';
}

/** A light client and a full client, both linked to `ws` and ready. @param {string} ws */
async function clients(ws) {
  const light = await open({ mode: 'light', ...NET });
  const full = await open({ storage: 'memory', ...NET });
  after(() => Promise.all([light.close(), full.close()]));
  connectWebSocket(light, ws);
  connectWebSocket(full, ws);
  await light.ready();
  await new Promise((resolve) => {
    if (full.peers().length) return resolve(undefined);
    full.addEventListener('peer', () => resolve(undefined), { once: true });
  });
  return { light, full };
}

test('a light client registers, updates, renews and transfers through a real node', async () => {
  const node = await startServe(['--memory', ...NET_FLAGS]);
  after(() => node.kill());
  const { light } = await clients(node.ws);
  const [alice, bob] = [generateKeys(), generateKeys()];

  const registered = await light.register(alice, 'alice', [{ type: 'TXT', value: 'one' }]);
  assert.equal(registered.owner, alice.peerId);
  assert.equal(registered.stale, false);
  assert.match(registered.entry, /^b[a-z2-7]+$/, 'the answer names its entry block');
  assert.equal((await atNode(node.url, 'alice.vfs')).entry, registered.entry, 'the node holds what was answered');

  const updated = await light.update(alice, 'alice', [{ type: 'TXT', value: 'two' }]);
  assert.deepEqual(updated.records, [{ type: 'TXT', value: 'two', ttl: 3600 }]);
  assert.equal((await atNode(node.url, 'alice.vfs')).entry, updated.entry);

  const renewed = await light.renew(alice, 'alice');
  assert.ok(renewed.expires >= registered.expires, `${renewed.expires} >= ${registered.expires}`);
  assert.equal((await atNode(node.url, 'alice.vfs')).entry, renewed.entry);

  const transferred = await light.transfer(alice, 'alice', bob.peerId);
  assert.equal(transferred.owner, bob.peerId);
  assert.deepEqual(transferred.records, updated.records, 'a transfer keeps the records');
  const held = await atNode(node.url, 'alice.vfs');
  assert.equal(held.owner, bob.peerId);
  assert.equal(held.entry, transferred.entry);
});

test('light refusals carry the full mode\'s codes: not the owner, name taken, lapsed, absent', async () => {
  const node = await startServe(['--memory', ...NET_FLAGS]);
  after(() => node.kill());
  const { light, full } = await clients(node.ws);
  const [alice, mallory] = [generateKeys(), generateKeys()];
  await light.register(alice, 'carol', [{ type: 'TXT', value: 'mine' }]);
  // The full client gets the name over its link like any peer.
  await waitFor(() => full.entryBlock('carol.vfs') !== undefined);

  /** @type {Array<[string, string, (vns: any) => Promise<unknown>]>} */
  const cases = [
    ['not the owner', 'rule.wrong_signer', (vns) => vns.update(mallory, 'carol', [{ type: 'TXT', value: 'theirs' }])],
    ['name taken', 'rule.conflict_lost', (vns) => vns.register(mallory, 'carol', [])],
    ['not the owner renews', 'rule.wrong_signer', (vns) => vns.renew(mallory, 'carol')],
    ['absent', 'store.not_found', (vns) => vns.update(alice, 'nobody', [{ type: 'TXT', value: 'x' }])],
  ];
  for (const [what, expected, change] of cases) {
    assert.equal(await codeOf(change(light)), expected, `light: ${what}`);
    assert.equal(await codeOf(change(full)), expected, `full: ${what}`);
  }
  const heldBefore = await atNode(node.url, 'carol.vfs');
  assert.equal(heldBefore.records[0].value, 'mine', 'no refused change reached the node');

  // Past its grace period the name has lapsed: an update is refused alike.
  await light.register(alice, 'dave', []);
  await waitFor(() => full.entryBlock('dave.vfs') !== undefined);
  await new Promise((r) => setTimeout(r, PERIODS.registrationPeriodMs + PERIODS.gracePeriodMs + 200));
  const lapsedLight = await codeOf(light.update(alice, 'dave', [{ type: 'TXT', value: 'late' }]));
  const lapsedFull = await codeOf(full.update(alice, 'dave', [{ type: 'TXT', value: 'late' }]));
  assert.equal(lapsedLight, lapsedFull, 'the same refusal for a lapsed name');
  assert.equal(lapsedLight, 'rule.after_expiry');
});

test('with no peer connected, a change fails at once with resolve.offline', async () => {
  const light = await open({ mode: 'light', ...NET });
  try {
    assert.equal(await codeOf(light.update(generateKeys(), 'alice', [])), 'resolve.offline');
  } finally {
    await light.close();
  }
});

/** Polls `check` every 20 ms for up to 5 s. @param {() => boolean} check */
async function waitFor(check) {
  const end = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
