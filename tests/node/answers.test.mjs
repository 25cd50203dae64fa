// What the package answers from the core, so callers never re-derive it: the entry CID of an
// answer and of a proof, the canonical spelling of names, the record rules, every network
// parameter, and the events that say how saving and the queue move.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, generateKeys, canonicalName, RECORD_RULES } from 'vns';
import { testNode, eventually } from 'vns/testing';

/** The code of a thrown error ('' when it has none). @param {unknown} e */
const codeOf = (e) => String(/** @type {{ code?: unknown }} */ (e)?.code ?? '');

test('resolve names its entry; proof carries root, entry and blocks together', async () => {
  const vns = await testNode();
  try {
    const keys = generateKeys();
    const registered = await vns.register(keys, 'alice', [{ type: 'A', value: '192.0.2.1' }]);
    assert.match(registered.entry, /^b/);
    const proof = vns.proof('alice');
    assert.equal(proof.root, vns.merkleRoot());
    assert.equal(proof.entry, registered.entry, 'the proof leads to the answer entry');
    assert.equal(vns.verifyProof(proof, 'alice'), proof.entry);
    assert.equal(vns.verifyProof({ root: proof.root, blocks: proof.blocks }, 'alice'), proof.entry);

    const updated = await vns.update(keys, 'alice', [{ type: 'TXT', value: 'v2' }]);
    assert.notEqual(updated.entry, registered.entry, 'a new version is a new block');
    assert.equal(vns.proof('alice.vfs').entry, updated.entry);
    assert.equal((await vns.resolve('Alice')).entry, updated.entry);

    const absent = vns.proof('nobody');
    assert.equal(absent.entry, null);
    assert.equal(vns.verifyProof(absent, 'nobody'), null);
  } finally {
    await vns.close();
  }
});

test('a first resolve answers what the core answers, for every record type and awkward text', async () => {
  const vns = await testNode();
  try {
    const keys = generateKeys();
    const fs = (await vns.register(keys, 'target', [{ type: 'A', value: '192.0.2.9' }])).entry;
    const records = [
      { type: 'A', value: '192.0.2.1' },
      { type: 'AAAA', value: '2001:DB8:0:0::1', ttl: 60 },
      { type: 'TXT', value: 'quotes " \\ back | pipes, émoji 🦀, 中文, \u2028 line separator' },
      { type: 'TXT', value: 'x'.repeat(200) },
      { type: 'FS', value: fs },
      { type: 'SYNC', value: 'wss://peer.example:7420/vns' },
    ];
    // `register` answers with the core's own object; `resolve` builds its answer from text.
    const registered = await vns.register(keys, 'Awkward', records);
    const first = vns.resolveSync('awkward.vfs');
    assert.notEqual(first, registered, 'not a cached copy');
    assert.deepEqual(first, registered);
    assert.deepEqual(first.records.map((r) => r.type), ['A', 'AAAA', 'TXT', 'TXT', 'FS', 'SYNC']);
    assert.equal(first.records[1].value, '2001:db8::1');
    assert.equal(first.records[1].ttl, 60);
    assert.equal(first.records[2].value, records[2].value);
    assert.equal(typeof first.expires, 'number');
    assert.equal(first.seq, 0);
    assert.ok(Object.isFrozen(first) && Object.isFrozen(first.records) && first.records.every(Object.isFrozen));
    // Same keys in the same order (what JSON.stringify and for…in show), same value types.
    assert.deepEqual(Object.keys(first), ['name', 'records', 'owner', 'expires', 'seq', 'entry']);
    assert.ok(first.records.every((r) => Object.keys(r).join() === 'type,value,ttl' && typeof r.ttl === 'number'));
    assert.equal(JSON.stringify(vns.resolveSync('Awkward')), JSON.stringify({
      name: 'awkward.vfs',
      records: records.map((r) => ({ type: r.type, value: r.type === 'AAAA' ? '2001:db8::1' : r.value, ttl: r.ttl ?? 3600 })),
      owner: keys.peerId,
      expires: first.expires,
      seq: 0,
      entry: registered.entry,
    }));

    const bare = await vns.register(keys, 'bare', []);
    assert.deepEqual(vns.resolveSync('bare'), bare, 'no records');
    assert.deepEqual(vns.resolveSync('bare').records, []);
    assert.throws(() => vns.resolveSync('nobody'), { code: 'resolve.not_found' });
  } finally {
    await vns.close();
  }
});

test('canonicalName spells names as the core stores them', async () => {
  assert.equal(canonicalName('münchen'), 'xn--mnchen-3ya.vfs');
  assert.equal(canonicalName('München.vfs'), 'xn--mnchen-3ya.vfs');
  assert.equal(canonicalName('Alice'), 'alice.vfs');
  assert.throws(() => canonicalName('a'), (e) => e instanceof Error && codeOf(e) === 'name.too_short');
  assert.throws(() => canonicalName('bad name'), (e) => e instanceof Error && codeOf(e).startsWith('name.'));
  // Events and answers carry the same spelling.
  const vns = await testNode();
  try {
    /** @type {string[]} */
    const changes = [];
    vns.addEventListener('change', (e) => changes.push(e.detail.name));
    const resolved = await vns.register(generateKeys(), 'münchen', []);
    assert.equal(resolved.name, canonicalName('münchen'));
    assert.deepEqual(changes, [canonicalName('münchen')]);
  } finally {
    await vns.close();
  }
});

test('RECORD_RULES are the core record rules', async () => {
  assert.deepEqual(RECORD_RULES.types, ['A', 'AAAA', 'TXT', 'FS', 'SYNC']);
  assert.equal(RECORD_RULES.defaultTtl, 3600);
  assert.ok(Object.isFrozen(RECORD_RULES) && Object.isFrozen(RECORD_RULES.types));
  const vns = await testNode();
  try {
    const keys = generateKeys();
    const { records } = await vns.register(keys, 'ttl', [{ type: 'TXT', value: '  kept  ' }]);
    assert.deepEqual(records, [{ type: 'TXT', value: '  kept  ', ttl: RECORD_RULES.defaultTtl }], 'the core keeps the spaces');
    await assert.rejects(vns.update(keys, 'ttl', [{ type: 'TXT', value: 'x', ttl: RECORD_RULES.maxTtl + 1 }]), (e) => codeOf(e).startsWith('record.'));
    await vns.update(keys, 'ttl', [{ type: 'TXT', value: 'x', ttl: RECORD_RULES.maxTtl }]);
    const many = Array.from({ length: RECORD_RULES.maxRecords + 1 }, (_, i) => ({ type: 'TXT', value: `r${i}` }));
    await assert.rejects(vns.update(keys, 'ttl', many), (e) => codeOf(e).startsWith('record.'));
  } finally {
    await vns.close();
  }
});

test('vns.network holds every parameter of the network, overrides included', async () => {
  const main = await open({ storage: 'memory' });
  const testing = await testNode({ registrationPeriodMs: 60_000, gracePeriodMs: 1_000 });
  try {
    const day = 24 * 60 * 60 * 1000;
    assert.deepEqual(
      { ...main.network, limits: undefined },
      {
        name: 'vns-main',
        networkId: main.networkId,
        difficulty: 22,
        registrationPeriodMs: 365 * day,
        gracePeriodMs: 30 * day,
        maxFutureSkewMs: 5 * 60 * 1000,
        settlementWindowMs: 15 * 60 * 1000,
        reservedNames: ['root.vfs', 'admin.vfs', 'sync.vfs', 'bootstrap.vfs'],
        limits: undefined,
      },
    );
    assert.deepEqual(main.network.limits.records, RECORD_RULES);
    assert.equal(main.network.limits.maxEntryBytes, 16 * 1024);
    assert.equal(main.network.limits.maxFrameBytes, 1024 * 1024);
    const t = testing.network;
    assert.deepEqual([t.name, t.difficulty, t.registrationPeriodMs, t.gracePeriodMs], ['vns-test', 4, 60_000, 1_000]);
    assert.equal(t.networkId, testing.networkId);
    assert.notEqual(t.networkId, main.networkId);
  } finally {
    await Promise.all([main.close(), testing.close()]);
  }
});

test('saving events follow a change from pending to saved; queue events follow the queue', async () => {
  const vns = await testNode({ saveDelayMs: 20 });
  try {
    /** @type {string[]} */
    const states = [];
    /** @type {number[]} */
    const queues = [];
    vns.addEventListener('saving', (e) => states.push(e.detail.state));
    vns.addEventListener('queue', (e) => queues.push(e.detail.size));
    assert.equal(vns.saveState, 'saved');
    await vns.register(generateKeys(), 'queued', []);
    assert.equal(vns.saveState, 'pending');
    assert.deepEqual(queues, [1], 'no peer: the registration waits in the queue');
    await eventually(() => vns.saveState === 'saved', { timeoutMs: 5_000, what: 'the automatic save' });
    assert.deepEqual(states, ['pending', 'saving', 'saved']);
    await vns.save(); // nothing new: still announced, as a save runs
    assert.deepEqual(states.slice(3), ['saving', 'saved']);
  } finally {
    await vns.close();
  }
});

test('a failed save says so, and the next save that works clears it', async () => {
  let fail = true;
  /** @type {Map<string, Uint8Array>} */
  const blocks = new Map();
  /** @type {Map<string, Uint8Array>} */
  const state = new Map();
  const hex = (/** @type {Uint8Array} */ b) => Buffer.from(b).toString('hex');
  const adapter = {
    /** @param {Uint8Array} cid @param {Uint8Array} bytes */
    put(cid, bytes) {
      if (fail) throw Object.assign(new Error('disk full'), { code: 'store.io' });
      blocks.set(hex(cid), bytes.slice());
    },
    get: (/** @type {Uint8Array} */ cid) => blocks.get(hex(cid)),
    has: (/** @type {Uint8Array} */ cid) => blocks.has(hex(cid)),
    delete: (/** @type {Uint8Array} */ cid) => void blocks.delete(hex(cid)),
    getState: (/** @type {string} */ key) => state.get(key),
    setState: (/** @type {string} */ key, /** @type {Uint8Array | undefined} */ bytes) => void (bytes === undefined ? state.delete(key) : state.set(key, bytes.slice())),
  };
  const vns = await testNode({ storage: adapter, saveDelayMs: 60_000 });
  try {
    await vns.register(generateKeys(), 'fragile', []);
    await assert.rejects(vns.save());
    assert.equal(vns.saveState, 'failed');
    fail = false;
    await vns.save();
    assert.equal(vns.saveState, 'saved');
  } finally {
    await vns.close();
  }
});
