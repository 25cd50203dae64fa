// @ts-check
/**
 * The node's libp2p identity: an Ed25519 key kept in the data folder (`libp2p-key`, mode
 * 0600, the key in libp2p's protobuf form), so its peer ID stays the same across restarts.
 * Written to a temporary file and renamed, so a crash never leaves half a key.
 *
 * ```js
 * const key = await loadNodeKey('./vns-data');   // made on first use
 * const again = await loadNodeKey('./vns-data');  // the same peer ID
 * ```
 * @module
 */
import { readFile, writeFile, rename, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys';

/** The key's file name in the data folder. */
export const NODE_KEY_FILE = 'libp2p-key';

/**
 * The node key kept in `folder` (made and saved when absent), or a fresh one for a node
 * without a folder (`null`: nothing on disk, a new peer ID each start).
 * @param {string | null} folder
 * @returns {Promise<import('@libp2p/interface').PrivateKey>}
 */
export async function loadNodeKey(folder) {
  if (folder === null) return generateKeyPair('Ed25519');
  const path = join(folder, NODE_KEY_FILE);
  /** @type {Uint8Array | undefined} */
  let bytes;
  try {
    bytes = await readFile(path);
  } catch (e) {
    if (/** @type {NodeJS.ErrnoException} */ (e).code !== 'ENOENT') throw e;
  }
  if (bytes) {
    try {
      return privateKeyFromProtobuf(bytes);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw Object.assign(new Error(`${path} is not a libp2p node key (${why}); move it away to start with a new peer ID`), {
        code: 'serve.bad_node_key',
      });
    }
  }
  const key = await generateKeyPair('Ed25519');
  await mkdir(folder, { recursive: true });
  const temporary = `${path}.tmp`;
  await writeFile(temporary, privateKeyToProtobuf(key), { mode: 0o600 });
  await rename(temporary, path);
  return key;
}
