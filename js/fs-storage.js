// @ts-check
/**
 * The folder storage of Node peers (`vns serve --storage folder`, `open({ storage: 'folder' })`):
 * blocks in a `blockstore-fs` folder (one file per block, the layout IPFS tools use) and node
 * state (root pointer, delta queue) in atomic state files. The default is the database
 * (`db-storage.js`), which migrates such a folder on first open.
 *
 * ```js
 * import { open, fsStorage } from 'vns';
 * const vns = await open({ storage: await fsStorage('./vns-data') });
 * ```
 * @module
 */
import { join, basename } from 'node:path';
import { opendir } from 'node:fs/promises';
import { FsBlockstore } from 'blockstore-fs';
import { NextToLast } from 'blockstore-fs/sharding';
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { base32upper } from 'multiformats/bases/base32';
import { ipfsBlockstoreAdapter } from './ipfs-blockstore.js';
import { fileState } from './file-state.js';
import { rootMissing } from './root-missing.js';

/** Where Node keeps a node's data when `open` is given no `path`. */
export const DEFAULT_DATA_DIR = 'vns-data';

/** Multicodec of DAG-CBOR, the codec of every VNS block. */
const DAG_CBOR = 0x71;

/** blockstore-fs's default layout: base32 (upper case) multihash file names, in folders
 * named by their next-to-last two characters. */
const layout = new NextToLast();

/**
 * blockstore-fs's default layout, read back as VNS CIDs. blockstore-fs 4 decodes a file name
 * as a whole CID, which it is not (it is the multihash), so it cannot list a folder; listing
 * is what garbage collection needs. Every VNS block is DAG-CBOR, so the multihash gives back
 * the CID. Files are where the default layout puts them.
 * @type {import('blockstore-fs/sharding').ShardingStrategy}
 */
export const vnsSharding = {
  extension: layout.extension,
  encode: (cid) => layout.encode(cid),
  decode(path) {
    const multihash = base32upper.decode(basename(path, layout.extension));
    return CID.createV1(DAG_CBOR, Digest.decode(multihash));
  },
};

/**
 * Whether the blocks folder `dir` holds at least one block file (stops at the first).
 * @param {string} dir
 */
async function holdsBlocks(dir) {
  let folder;
  try {
    folder = await opendir(dir, { recursive: true });
  } catch (e) {
    if (/** @type {{code?: string}} */ (e).code === 'ENOENT') return false;
    throw e;
  }
  // Leaving the loop early closes the folder handle.
  for await (const entry of folder) {
    if (entry.isFile() && entry.name.endsWith(layout.extension)) return true;
  }
  return false;
}

/**
 * Options of `fsStorage`.
 * @typedef {{ forceEmpty?: boolean }} FsStorageOptions
 * `forceEmpty`: open a folder that holds blocks but no root pointer as an empty node (the
 * blocks stay on disk until a garbage collection), instead of refusing it.
 */

/**
 * A storage adapter over the folder `dir` (created if missing): `dir/blocks` and `dir/state`.
 * A folder with blocks but no root pointer (a deleted `state/root`) is refused with
 * `storage.root_missing` unless `forceEmpty` is given: it would otherwise open as an empty
 * node, silently.
 * @param {string} dir
 * @param {FsStorageOptions} [options]
 */
export async function fsStorage(dir, { forceEmpty = false } = {}) {
  const state = await fileState(join(dir, 'state'));
  if (!forceEmpty && (await state.get('root')) === undefined && (await holdsBlocks(join(dir, 'blocks')))) {
    throw rootMissing(`${dir} holds blocks but no root pointer (${join(dir, 'state', 'root')} is missing)`);
  }
  const blocks = new FsBlockstore(join(dir, 'blocks'), { shardingStrategy: vnsSharding });
  await blocks.open();
  return ipfsBlockstoreAdapter(blocks, state);
}
