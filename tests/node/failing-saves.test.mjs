// A folder store that fails for a while (a full disk: some block writes land, then ENOSPC)
// and then recovers holds only what the root reaches after the next good save.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { open, generateKeys, fsStorage } from 'vns';
import { tempDirs } from '../support/temp-dirs.mjs';

const tempDir = tempDirs('vns-failing-');

/** Block files under a folder store. @param {string} dir */
const blockFiles = async (dir) =>
  (await readdir(join(dir, 'blocks'), { recursive: true, withFileTypes: true })).filter((e) => e.isFile() && e.name.endsWith('.data')).length;

/**
 * `adapter` with a switch: while `failing`, every third block write and every state write
 * fail as a full disk does, after the others landed.
 * @param {Awaited<ReturnType<typeof fsStorage>>} adapter
 */
function failingWhenFull(adapter) {
  let writes = 0;
  const full = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  const wrapped = {
    ...adapter,
    failing: false,
    /** @param {Uint8Array} key @param {Uint8Array} bytes */
    async put(key, bytes) {
      if (wrapped.failing && ++writes % 3 === 0) throw full();
      return adapter.put(key, bytes);
    },
    /** @param {string} key @param {Uint8Array | undefined} bytes */
    async setState(key, bytes) {
      if (wrapped.failing) throw full();
      return adapter.setState(key, bytes);
    },
  };
  return wrapped;
}

test('20 failed saves on a failing folder store, then one good save: only reachable blocks are left', async () => {
  const dir = await tempDir();
  const store = failingWhenFull(await fsStorage(dir));
  const vns = await open({ storage: store, network: 'testing', difficulty: 4, registrationsPerHour: 1000, saveDelayMs: 3_600_000 });
  try {
    const keys = generateKeys();
    for (const label of ['aaa', 'bbb', 'ccc']) await vns.register(keys, label, [{ type: 'TXT', value: 'v0' }]);
    await vns.save();
    const clean = await blockFiles(dir);

    store.failing = true;
    let failed = 0;
    for (let round = 1; round <= 20; round += 1) {
      // Each round replaces entries (and so tree nodes) the failed rounds before had half written.
      for (const label of ['aaa', 'bbb', 'ccc']) await vns.update(keys, label, [{ type: 'TXT', value: `v${round}` }]);
      if (round % 4 === 0) await vns.register(keys, `new${round}`, [{ type: 'TXT', value: 'new' }]);
      await vns.save().catch(() => (failed += 1));
    }
    assert.equal(failed, 20, 'every save failed');
    assert.ok((await blockFiles(dir)) > clean, 'the failed saves left block files behind');

    store.failing = false;
    await vns.save();
    const left = await blockFiles(dir);
    // A full collection lists the folder: it finds nothing the root does not reach.
    const gc = await vns.collectGarbage();
    assert.deepEqual(gc, { removed: 0, complete: true }, `${left} block files after the good save`);
    assert.equal(await blockFiles(dir), left);
  } finally {
    await vns.close();
  }
  // And the folder loads: every name at its last version.
  const again = await open({ storage: await fsStorage(dir), network: 'testing', difficulty: 4 });
  try {
    assert.equal(again.size, 8);
    assert.deepEqual((await again.resolve('aaa.vfs')).records.map((r) => r.value), ['v20']);
  } finally {
    await again.close();
  }
});
