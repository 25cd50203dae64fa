// The built package in Node: open, register + resolve, errors with codes, bad frames, saving.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, generateKeys, Keys, powSearch } from 'vns';
import { testNode, eventually } from 'vns/testing';
import { mapAdapter } from '../support/map-adapter.js';

/** @typedef {import('../../js/core.js').PeerHandle} PeerHandle */
/** @typedef {import('../../js/core.js').OpenOptions} OpenOptions */

/** The `code` a VNS error carries (undefined for anything else). @param {unknown} e */
const codeOf = (e) => /** @type {{ code?: string }} */ (e).code;

test('register then resolve on a memory node', async () => {
  const vns = await testNode();
  try {
    const keys = generateKeys();
    /** @type {string[]} */
    const changes = [];
    vns.addEventListener('change', (e) => changes.push(/** @type {CustomEvent} */ (e).detail.name));
    /** @type {import('../../js/core.js').PowProgress[]} */
    const progress = [];
    const got = await vns.register(keys, 'alice', [{ type: 'A', value: '10.0.0.1', ttl: 60 }], {
      chunkSize: 1,
      onProgress: (p) => progress.push(p),
    });
    assert.equal(got.name, 'alice.vfs');
    const resolved = await vns.resolve('alice.vfs');
    assert.deepEqual(resolved.records, [{ type: 'A', value: '10.0.0.1', ttl: 60 }]);
    assert.equal(resolved.owner, keys.peerId);
    assert.equal(resolved.seq, 0);
    assert.ok(resolved.expires > Date.now());
    assert.deepEqual(changes, ['alice.vfs']);
    assert.ok(progress.every((p) => p.expected === 16));
    assert.deepEqual(vns.namesByOwner(keys.peerId), ['alice.vfs']);

    const updated = await vns.update(keys, 'alice', [{ type: 'TXT', value: 'hi' }]);
    assert.equal(updated.seq, 1);
    assert.deepEqual(updated.records, [{ type: 'TXT', value: 'hi', ttl: 3600 }]);

    const proof = vns.proof('alice');
    assert.equal(proof.root, vns.merkleRoot());
    assert.match(vns.verifyProof(proof, 'alice') ?? '', /^b/);
    assert.equal(vns.verifyProof(vns.proof('nobody'), 'nobody'), null);
  } finally {
    await vns.close();
  }
});

test('keys export and import', () => {
  const keys = Keys.generate();
  const again = Keys.fromSecret(keys.secret());
  assert.equal(again.peerId, keys.peerId);
  assert.match(keys.peerId, /^12D3KooW/);
  assert.throws(() => Keys.fromSecret(new Uint8Array(3)), { code: 'vns.invalid_argument' });
});

test('errors are Error objects carrying the core code', async () => {
  const vns = await testNode();
  try {
    const alice = generateKeys();
    const mallory = generateKeys();
    await assert.rejects(vns.register(alice, 'a', []), (e) => {
      assert.ok(e instanceof Error);
      assert.equal(codeOf(e), 'name.too_short');
      return true;
    });
    await assert.rejects(vns.resolve('nobody'), { code: 'resolve.not_found' });
    await vns.register(alice, 'alice', []);
    await assert.rejects(vns.update(mallory, 'alice', []), { code: 'rule.wrong_signer' });
    await assert.rejects(vns.register(alice, 'bob', [{ type: 'A', value: 'nope' }]), (e) =>
      e instanceof Error && (codeOf(e) ?? '').startsWith('record.'),
    );
    assert.throws(() => powSearch('alice', 'not-a-peer-id', 1, 4, 0, 10), (e) =>
      e instanceof Error && (codeOf(e) ?? '').startsWith('identity.'),
    );
    assert.throws(() => powSearch('alice', alice.peerId, -1, 4, 0, 10), {
      code: 'vns.invalid_argument',
    });
  } finally {
    await vns.close();
  }
});

test('register honours an AbortSignal between proof-of-work chunks', async () => {
  const vns = await testNode({ difficulty: 40 });
  try {
    const controller = new AbortController();
    const pending = vns.register(generateKeys(), 'alice', [], {
      chunkSize: 256,
      onProgress: (p) => p.attempts >= 1024 && controller.abort(),
      signal: controller.signal,
    });
    await assert.rejects(pending, { name: 'AbortError' });
  } finally {
    await vns.close();
  }
});

test('a bad frame closes only that peer and never throws', async () => {
  const vns = await testNode();
  const other = await testNode();
  try {
    // A healthy peer over an in-process pipe.
    /** @type {PeerHandle} */
    let near;
    /** @type {PeerHandle} */
    let far;
    near = vns.attach({
      send: (bytes) => queueMicrotask(() => far.receive(bytes)),
      close: () => queueMicrotask(() => far.closed()),
    });
    far = other.attach({
      send: (bytes) => queueMicrotask(() => near.receive(bytes)),
      close: () => queueMicrotask(() => near.closed()),
    });
    await eventually(() => vns.peers().includes(near.peer), { timeoutMs: 5000, what: 'handshake' });

    /** @type {{ code: string, reason: string }[]} */
    const closes = [];
    /** @type {{ type: string, peer?: number }[]} */
    const errors = [];
    vns.addEventListener('error', (e) => errors.push(/** @type {CustomEvent} */ (e).detail));
    const bad = vns.attach({ send() {}, close: (code, reason) => closes.push({ code, reason }) });
    assert.doesNotThrow(() => bad.receive(new Uint8Array([0xff, 0x00, 0x13, 0x37])));
    assert.doesNotThrow(() => bad.receive(new Uint8Array(0)));
    assert.equal(closes.length, 1);
    assert.match(closes[0].code, /^sync\./);
    assert.ok(errors.some((e) => e.type === 'peer-error' && e.peer === bad.peer));
    assert.deepEqual(vns.peers(), [near.peer]);
  } finally {
    await vns.close();
    await other.close();
  }
});

test('save to a JS storage adapter and open it again', async () => {
  const adapter = mapAdapter();
  const keys = generateKeys();
  /** @type {OpenOptions} */
  const options = { storage: adapter, network: 'testing', difficulty: 4 };
  const first = await open(options);
  await first.register(keys, 'alice', [{ type: 'TXT', value: 'saved' }]);
  const report = await first.save();
  assert.ok(report.blocks > 0);
  await first.close();
  assert.ok(adapter.state.has('root'));

  const second = await open(options);
  try {
    const resolved = await second.resolve('alice');
    assert.equal(resolved.records[0].value, 'saved');
  } finally {
    await second.close();
  }
});

test('bad open options are refused with a code', async () => {
  // Deliberately outside the declared types: what JavaScript callers can pass anyway.
  const network = /** @type {'testing'} */ (/** @type {string} */ ('nope'));
  await assert.rejects(open({ storage: 'memory', network }), { code: 'vns.invalid_argument' });
  const storage = /** @type {import('../../js/core.js').OpenOptions['storage']} */ ({});
  await assert.rejects(open({ storage }), { code: 'storage.invalid_adapter' });
});

test('cached answers follow every change: update, transfer, peers, other spellings, expiry', async () => {
  let clock = Date.now();
  const now = () => clock;
  const period = 60_000;
  const options = { registrationPeriodMs: period, gracePeriodMs: 1_000, now };
  const a = await testNode(options);
  const b = await testNode(options);
  try {
    const keys = generateKeys();
    await a.register(keys, 'cached', [{ type: 'A', value: '10.0.0.1' }]);
    const first = await a.resolve('cached');
    assert.equal(a.resolveSync('cached'), first, 'a repeated question is answered from the cache');
    assert.deepEqual(await a.resolve('Cached.VFS'), first);
    assert.ok(Object.isFrozen(first) && Object.isFrozen(first.records[0]), 'answers are frozen');
    assert.throws(() => { first.records[0].value = 'x'; }, TypeError);

    await a.update(keys, 'cached', [{ type: 'A', value: '10.0.0.2' }]);
    for (const spelling of ['cached', 'Cached.VFS', 'cached.vfs']) {
      assert.equal((await a.resolve(spelling)).records[0].value, '10.0.0.2', spelling);
    }
    const other = generateKeys();
    await a.transfer(keys, 'cached', other.peerId);
    assert.equal(a.resolveSync('cached').owner, other.peerId);

    // A change that arrives from a peer invalidates too.
    const pipe = () => {
      /** @type {PeerHandle | undefined} */
      let handle;
      const transport = {
        send: (/** @type {Uint8Array} */ bytes) => queueMicrotask(() => handle?.receive(bytes)),
        close: () => {},
      };
      return { transport, set: (/** @type {PeerHandle} */ h) => (handle = h) };
    };
    const ab = pipe();
    const ba = pipe();
    ab.set(b.attach(ba.transport));
    ba.set(a.attach(ab.transport));
    await eventually(() => b.resolveSync('cached').owner === other.peerId, { timeoutMs: 5_000, what: 'cached.vfs on b' });
    assert.equal(b.resolveSync('cached').records[0].value, '10.0.0.2');
    await b.update(other, 'cached', [{ type: 'TXT', value: 'from b' }]);
    await eventually(() => a.resolveSync('cached').records[0].value === 'from b', { timeoutMs: 5_000, what: 'the update from b on a' });

    // Past its expiry the cached answer is not served; after the sweep the name is gone.
    clock += period + 10;
    await assert.rejects(a.resolve('cached'), { code: 'resolve.in_grace' });
    clock += 2_000;
    assert.deepEqual(a.sweep(), ['cached.vfs']);
    await assert.rejects(a.resolve('cached'), { code: 'resolve.not_found' });
  } finally {
    await a.close();
    await b.close();
  }
});

test('register refuses before the proof-of-work what the node would refuse after it', async () => {
  const vns = await testNode({ registrationsPerHour: 1 });
  try {
    /** @type {string[]} */
    const solves = [];
    /** @type {import('../../js/core.js').PowSolver} */
    const solve = (task) => {
      solves.push(task.name);
      const nonce = powSearch(task.name, task.owner, task.ts, task.difficulty, 0, 1e9);
      return nonce === undefined ? Promise.reject(new Error('no nonce in range')) : Promise.resolve(nonce);
    };
    const alice = generateKeys();
    await vns.register(alice, 'taken', [], { solve });
    assert.deepEqual(solves, ['taken']);
    const rival = generateKeys();
    /** @type {[() => Promise<unknown>, string | RegExp][]} */
    const refusals = [
      [() => vns.register(rival, 'taken', [], { solve }), 'rule.conflict_lost'],
      [() => vns.register(rival, 'admin', [], { solve }), 'rule.reserved'],
      [() => vns.register(rival, 'fresh', [{ type: 'A', value: 'not-an-ip' }], { solve }), /^record\./],
      [() => vns.register(rival, 'a b', [], { solve }), /^name\./],
      [() => vns.register(alice, 'second', [], { solve }), 'store.rate_limited'],
    ];
    for (const [attempt, code] of refusals) {
      await assert.rejects(attempt(), (e) => (typeof code === 'string' ? codeOf(e) === code : code.test(codeOf(e) ?? '')));
    }
    assert.deepEqual(solves, ['taken'], 'no proof-of-work was searched for a refused registration');
  } finally {
    await vns.close();
  }
});

test('collection on a storage that cannot list still prunes, and says it was not complete', async () => {
  const { list, ...adapter } = mapAdapter();
  assert.equal(typeof list, 'function', 'the helper lists; this adapter leaves it out');
  const vns = await testNode({ storage: adapter, saveDelayMs: 60_000 });
  try {
    const keys = generateKeys();
    await vns.register(keys, 'unlisted', []);
    await vns.save();
    const before = adapter.blocks.size;
    await vns.update(keys, 'unlisted', [{ type: 'TXT', value: 'v2' }]);
    const report = await vns.collectGarbage();
    assert.equal(report.complete, false);
    assert.ok(report.removed >= 2, `the replaced entry and root node were pruned (${report.removed})`);
    assert.equal(adapter.blocks.size, before, 'as many blocks as before the update');
  } finally {
    await vns.close();
  }
});
