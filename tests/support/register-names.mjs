// @ts-check
/**
 * Names registered on a running `vns serve` through its API (each signed on a client node of
 * its network), and where a folder store keeps a block: for tests that damage stores.
 *
 * ```js
 * await registerNames(node, ['alice', 'bob']);
 * await rm(blockFile(folder, cid));
 * ```
 * @module
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { open, generateKeys } from 'vns';
import { vnsSharding } from '../../js/fs-storage.js';

/**
 * Registers `labels` on `node` (one key for all), each answered 200.
 * @param {import('./serve-process.mjs').ServeProcess} node @param {string[]} labels
 */
export async function registerNames(node, labels) {
  const status = await node.status();
  const client = await open({ storage: 'memory', ...status.open, registrationsPerHour: 1000 });
  try {
    const keys = generateKeys();
    for (const label of labels) {
      await client.register(keys, label, [{ type: 'TXT', value: label }]);
      const answer = await node.post(/** @type {Uint8Array} */ (client.entryBlock(label)));
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
    }
  } finally {
    await client.close();
  }
}

/**
 * The file of block `cid` in the folder store `folder` (`--storage folder`).
 * @param {string} folder @param {import('multiformats/cid').CID} cid
 */
export function blockFile(folder, cid) {
  const { dir, file } = vnsSharding.encode(cid);
  return join(folder, 'blocks', dir, file);
}
