// @ts-check
/**
 * The default storage of Node peers: blocks in a `blockstore-fs` folder (one file per block,
 * the layout IPFS tools use) and node state (root pointer, delta queue) in atomic state files.
 *
 * ```js
 * import { open } from 'vns';
 * const vns = await open({ path: './vns-data' }); // same as storage: await fsStorage(...)
 * ```
 * @module
 */
import { join } from 'node:path';
import { FsBlockstore } from 'blockstore-fs';
import { ipfsBlockstoreAdapter } from './ipfs-blockstore.js';
import { fileState } from './file-state.js';

/** Where Node keeps a node's data when `open` is given no `path`. */
export const DEFAULT_DATA_DIR = 'vns-data';

/**
 * A storage adapter over the folder `dir` (created if missing): `dir/blocks` and `dir/state`.
 * @param {string} dir
 */
export async function fsStorage(dir) {
  const blocks = new FsBlockstore(join(dir, 'blocks'));
  await blocks.open();
  return ipfsBlockstoreAdapter(blocks, await fileState(join(dir, 'state')));
}
