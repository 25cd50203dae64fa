// A real IPFS filesystem blockstore (blockstore-fs) as the node's storage: the byte-level
// adapter, a save, a restart from disk, and the blocks readable by IPFS's own DAG-CBOR codec.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FsBlockstore } from 'blockstore-fs';
import * as dagCbor from '@ipld/dag-cbor';
import { CID } from 'multiformats/cid';
import { generateKeys } from 'vns';
import { ipfsBlockstoreAdapter } from 'vns/ipfs-blockstore';
import { fileState } from 'vns/file-state';
import { testNode } from 'vns/testing';
import { tempDirs } from '../support/temp-dirs.mjs';

const tempDir = tempDirs('vns-fs-');

/** A blockstore-fs folder and its VNS adapter. @param {string} dir */
async function fsStorage(dir) {
  const blocks = new FsBlockstore(join(dir, 'blocks'));
  await blocks.open();
  return { blocks, adapter: ipfsBlockstoreAdapter(blocks, await fileState(join(dir, 'state'))) };
}

test('a node saves to blockstore-fs and reopens from it', async () => {
  const dir = await tempDir();
  const keys = generateKeys();
  const first = await testNode({ storage: (await fsStorage(dir)).adapter });
  await first.register(keys, 'ondisk', [{ type: 'TXT', value: 'from blockstore-fs' }]);
  await first.register(keys, 'second', [{ type: 'A', value: '10.9.8.7' }]);
  const root = first.merkleRoot();
  await first.close();

  const { blocks, adapter } = await fsStorage(dir);
  const again = await testNode({ storage: adapter });
  try {
    assert.equal(again.merkleRoot(), root);
    const resolved = await again.resolve('ondisk');
    assert.equal(resolved.records[0].value, 'from blockstore-fs');
    assert.equal(resolved.owner, keys.peerId);
    assert.deepEqual(again.namesByOwner(keys.peerId).sort(), ['ondisk.vfs', 'second.vfs']);
  } finally {
    await again.close();
  }
  // What the node wrote is plain IPLD: the root node decodes with @ipld/dag-cbor.
  const rootBytes = await adapter.get(CID.parse(root).bytes);
  assert.ok(rootBytes, 'root block is in the filesystem blockstore');
  const node = dagCbor.decode(rootBytes);
  assert.ok(Array.isArray(node.e) && node.e.length > 0);
  const files = (await readdir(join(dir, 'blocks'), { recursive: true })).filter((f) => f.endsWith('.data'));
  assert.ok(files.length >= 3, `tree node and entry blocks on disk (${files.length})`);
  assert.ok(blocks, 'blockstore stays open for reads');
});

test('missing blocks read as absent and state round-trips atomically', async () => {
  const dir = await tempDir();
  const { adapter } = await fsStorage(dir);
  const cid = CID.parse('bafyr4iawrthw2wqs7y4oldtbowp5ovnuas7shfhzczogsay3nbzknq4pu4');
  assert.equal(await adapter.get(cid.bytes), undefined);
  assert.equal(await adapter.has(cid.bytes), false);
  await adapter.put(cid.bytes, new Uint8Array([0xa2, 0x61, 0x65, 0x80, 0x61, 0x6c, 0xf6]));
  assert.equal(await adapter.has(cid.bytes), true);
  // blockstore-fs cannot rebuild BLAKE3 CIDs from its file names: listing says so clearly.
  await assert.rejects(adapter.list(), /cannot list its blocks/);
  await adapter.setState('root', cid.bytes);
  assert.deepEqual(await adapter.getState('root'), cid.bytes);
  await adapter.setState('root', undefined);
  assert.equal(await adapter.getState('root'), undefined);
  await adapter.delete(cid.bytes);
  assert.equal(await adapter.get(cid.bytes), undefined);
});

test('a save with nothing new does not touch the folder', async () => {
  const dir = await tempDir();
  const { adapter } = await fsStorage(dir);
  /** @type {string[]} */
  const writes = [];
  const counting = {
    ...adapter,
    /** @param {Uint8Array} key @param {Uint8Array} bytes */
    put: (key, bytes) => (writes.push('put'), adapter.put(key, bytes)),
    /** @param {string} key @param {Uint8Array | undefined} bytes */
    setState: (key, bytes) => (writes.push(`state ${key}`), adapter.setState(key, bytes)),
  };
  const vns = await testNode({ storage: counting, saveDelayMs: 60_000 });
  try {
    await vns.register(generateKeys(), 'quiet', []);
    assert.ok((await vns.save()).blocks > 0);
    assert.ok(writes.includes('state root'), 'the first save writes the root pointer');
    writes.length = 0;
    assert.deepEqual(await vns.save(), { blocks: 0, bytes: 0, pruned: 0 });
    assert.deepEqual([...writes], [], 'nothing was written'); // a copy: deepEqual would narrow `writes` to never[]
    await vns.register(generateKeys(), 'loud', []);
    assert.ok((await vns.save()).blocks > 0);
    assert.ok(writes.includes('state root'), 'a change is written again');
  } finally {
    await vns.close();
  }
});
