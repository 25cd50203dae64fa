// @ts-check
/** Node-only state store for `ipfsBlockstoreAdapter`: one file per key. */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** @typedef {import('./ipfs-blockstore.js').StateStore} StateStore */

/**
 * Node state (the root pointer, the delta queue) as one file per key in `dir`. Each write goes
 * to a temporary file that is then renamed over the old one, so a crash leaves the old or the
 * new value, never a torn one: the root pointer is swapped atomically.
 * @param {string} dir
 * @returns {Promise<StateStore>}
 */
export async function fileState(dir) {
  await mkdir(dir, { recursive: true });
  /** @param {string} key */
  const path = (key) => join(dir, encodeURIComponent(key));
  return {
    async get(key) {
      try {
        return new Uint8Array(await readFile(path(key)));
      } catch (e) {
        if (/** @type {{code?: string}} */ (e).code === 'ENOENT') return undefined;
        throw e;
      }
    },
    async set(key, bytes) {
      if (bytes === undefined) {
        await rm(path(key), { force: true });
        return;
      }
      const tmp = `${path(key)}.tmp-${process.pid}`;
      await writeFile(tmp, bytes, { flush: true });
      await rename(tmp, path(key));
    },
  };
}
