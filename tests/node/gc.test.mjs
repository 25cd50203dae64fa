// Garbage collection on the default Node storage (a blockstore-fs folder): pruning saves keep
// the folder at exactly the blocks the root reaches, the full collection finds blocks a crash
// left behind and the blocks of expired names, and never deletes a reachable one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as dagCbor from '@ipld/dag-cbor';
import { CID } from 'multiformats/cid';
import { from } from 'multiformats/hashes/hasher';
import { blake3 as blake3Hash } from '@noble/hashes/blake3.js';
import { FsBlockstore } from 'blockstore-fs';
import { generateKeys, fsStorage } from 'vns';
import { vnsSharding } from 'vns/fs-storage';
import { eventually, testNode } from 'vns/testing';

const blake3 = from({ name: 'blake3', code: 0x1e, encode: (/** @type {Uint8Array} */ bytes) => blake3Hash(bytes) });

/**
 * The CID VNS gives `bytes` (DAG-CBOR, BLAKE3), computed with the IPFS libraries.
 * @param {Uint8Array | undefined} bytes an entry block (`entryBlock` of a name the node holds)
 */
const cidOf = async (bytes) => {
  assert.ok(bytes, 'the node holds the entry block');
  return CID.createV1(dagCbor.code, await blake3.digest(bytes));
};

/** The CIDs of the block files in `dir`, read from their names. @param {string} dir */
async function stored(dir) {
  const files = await readdir(join(dir, 'blocks'), { recursive: true });
  return new Set(files.filter((f) => f.endsWith('.data')).map((f) => vnsSharding.decode(f).toString()));
}

/**
 * Every CID link inside a decoded DAG-CBOR value.
 * @param {unknown} value @returns {CID[]}
 */
function links(value) {
  const cid = CID.asCID(value);
  if (cid) return [cid];
  if (value instanceof Uint8Array || value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(links);
}

/**
 * Every block the node's saved state links, walked through its links with @ipld/dag-cbor:
 * what the root reaches, and the delta queue's chunks, which its saved record links.
 * @param {string} dir @param {string} root
 */
async function reachable(dir, root) {
  const blocks = new FsBlockstore(join(dir, 'blocks'), { shardingStrategy: vnsSharding });
  await blocks.open();
  /** @type {Set<string>} */
  const seen = new Set();
  /** @param {CID} cid */
  const walk = async (cid) => {
    if (seen.has(cid.toString())) return;
    seen.add(cid.toString());
    const got = await blocks.get(cid);
    /** @type {Uint8Array[]} */
    const chunks = [];
    if (got instanceof Uint8Array) chunks.push(got);
    else for await (const chunk of got) chunks.push(chunk);
    for (const link of links(dagCbor.decode(Buffer.concat(chunks)))) await walk(link);
  };
  await walk(CID.parse(root));
  const queue = await readFile(join(dir, 'state', 'queue')).catch(() => undefined);
  for (const chunk of queue ? links(dagCbor.decode(queue)) : []) await walk(chunk);
  return seen;
}

/** Runs `fn` in a fresh folder, removed afterwards. @param {(dir: string) => Promise<void>} fn */
async function withFolder(fn) {
  const dir = await mkdtemp(join(tmpdir(), 'vns-gc-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('the folder layout reads back the CIDs blockstore-fs writes', async () => {
  const cid = await cidOf(dagCbor.encode({ hello: 'vns' }));
  const { dir, file } = vnsSharding.encode(cid);
  assert.equal(vnsSharding.decode(join(dir, file)).toString(), cid.toString());
});

test('pruning saves keep a blockstore-fs folder at exactly the reachable blocks', () =>
  withFolder(async (dir) => {
    const vns = await testNode({ storage: await fsStorage(dir), saveDelayMs: 60_000 });
    try {
      const keys = generateKeys();
      for (const label of ['gc-a', 'gc-b', 'gc-c', 'gc-d']) {
        await vns.register(keys, label, [{ type: 'TXT', value: label }]);
      }
      await vns.save();
      const first = await cidOf(vns.entryBlock('gc-b'));
      assert.ok((await stored(dir)).has(first.toString()));
      let pruned = 0;
      for (let round = 1; round <= 5; round++) {
        await vns.update(keys, 'gc-b', [{ type: 'TXT', value: `round ${round}` }]);
        pruned += (await vns.save()).pruned;
        assert.deepEqual(await stored(dir), await reachable(dir, vns.merkleRoot()), `round ${round}`);
      }
      assert.ok(pruned >= 10, `each update replaced an entry and the path above it (${pruned})`);
      assert.ok(!(await stored(dir)).has(first.toString()), 'the first version is gone');
      assert.deepEqual(await vns.collectGarbage(), { removed: 0, complete: true });
    } finally {
      await vns.close();
    }
  }));

test('collection removes blocks a crash left behind, never a reachable one, and the node reopens', () =>
  withFolder(async (dir) => {
    const keys = generateKeys();
    const vns = await testNode({ storage: await fsStorage(dir), saveDelayMs: 60_000 });
    await vns.register(keys, 'kept', [{ type: 'A', value: '10.1.2.3' }]);
    await vns.register(keys, 'also-kept', []);
    await vns.save();
    const root = vns.merkleRoot();
    // Blocks written by a save that never committed its root: stray entry blocks.
    const other = await testNode();
    const strays = [];
    for (const label of ['stray-1', 'stray-2']) {
      await other.register(generateKeys(), label, []);
      const bytes = other.entryBlock(label);
      assert.ok(bytes, `${label} has an entry block`);
      const cid = await cidOf(bytes);
      const blocks = new FsBlockstore(join(dir, 'blocks'), { shardingStrategy: vnsSharding });
      await blocks.put(cid, bytes);
      strays.push(cid.toString());
    }
    await other.close();
    const before = await stored(dir);
    assert.ok(strays.every((c) => before.has(c)), 'the strays are on disk');
    assert.deepEqual(await vns.collectGarbage(), { removed: 2, complete: true });
    const left = await stored(dir);
    assert.ok(strays.every((c) => !left.has(c)), 'the strays are deleted');
    assert.deepEqual(left, await reachable(dir, root), 'every reachable block is still there');
    await vns.close();

    const again = await testNode({ storage: await fsStorage(dir) });
    try {
      assert.equal(again.merkleRoot(), root);
      assert.equal((await again.resolve('kept')).records[0].value, '10.1.2.3');
      assert.equal((await again.resolve('also-kept')).owner, keys.peerId);
    } finally {
      await again.close();
    }
  }));

test('a sweep that removes names starts a collection: their blocks and strays are deleted', () =>
  withFolder(async (dir) => {
    let clock = Date.now();
    const period = 60_000;
    const vns = await testNode({
      storage: await fsStorage(dir),
      registrationPeriodMs: period,
      gracePeriodMs: 1_000,
      now: () => clock,
      saveDelayMs: 60_000,
    });
    try {
      const keys = generateKeys();
      await vns.register(keys, 'short-lived', [{ type: 'TXT', value: 'soon gone' }]);
      await vns.save();
      const gone = (await cidOf(vns.entryBlock('short-lived'))).toString();
      clock += period / 2;
      await vns.register(keys, 'longer-lived', []);
      await vns.save();
      assert.ok((await stored(dir)).has(gone));

      // A stray block (left by a crash) that only a full collection can find.
      const other = await testNode();
      await other.register(generateKeys(), 'stray', []);
      const strayBytes = other.entryBlock('stray');
      assert.ok(strayBytes, 'stray has an entry block');
      await other.close();
      const stray = await cidOf(strayBytes);
      await new FsBlockstore(join(dir, 'blocks'), { shardingStrategy: vnsSharding }).put(stray, strayBytes);

      /** @type {unknown[]} */
      const errors = [];
      /** @type {{ removed: number, complete: boolean }[]} */
      const collections = [];
      vns.addEventListener('error', (e) => errors.push(/** @type {CustomEvent} */ (e).detail));
      vns.addEventListener('gc', (e) => collections.push(/** @type {CustomEvent} */ (e).detail));
      clock += period / 2 + 2_000;
      assert.deepEqual(vns.sweep(), ['short-lived.vfs']);
      // No save is asked for: the collection the sweep started does the work.
      await eventually(async () => !(await stored(dir)).has(stray.toString()), { timeoutMs: 5_000, what: 'the stray deleted' });
      assert.deepEqual(errors, [], 'the collection did not fail');
      assert.equal(collections.length, 1, 'one collection, reported by a gc event');
      assert.ok(collections[0].complete && collections[0].removed >= 3, 'the stray, the entry, a node');
      const left = await stored(dir);
      assert.ok(!left.has(gone), 'the expired entry block is deleted');
      assert.deepEqual(left, await reachable(dir, vns.merkleRoot()));
      assert.equal((await vns.resolve('longer-lived')).owner, keys.peerId);
    } finally {
      await vns.close();
    }
  }));
