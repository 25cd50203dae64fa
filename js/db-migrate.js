// @ts-check
/**
 * Moves a data folder written by the folder storage (`blocks/` in the blockstore-fs layout,
 * `state/` with one file per key) into the database beside it, once, on first open.
 *
 * The blocks are copied first, in batches; the state entries (root pointer, delta queue)
 * follow in one last transaction, and only after it committed are the old files deleted. A
 * crash before that commit leaves the folder as it was and a database without a root pointer:
 * the next open copies again (puts are idempotent). A crash after it leaves a database with
 * its root pointer and old files that the next open deletes.
 * @module
 */
import { join } from 'node:path';
import { readFile, readdir, rm, stat } from 'node:fs/promises';
import { fsStorage } from './fs-storage.js';

/** Blocks copied per write transaction: bounds memory, amortises the sync. */
const BATCH = 2000;

/** @param {string} path */
async function exists(path) {
  try {
    await stat(path);
    return true;
  } catch (e) {
    if (/** @type {{code?: string}} */ (e).code === 'ENOENT') return false;
    throw e;
  }
}

/**
 * The state keys `fileState` wrote in `dir` (temporary files of an interrupted write are not
 * values).
 * @param {string} dir
 */
async function stateKeys(dir) {
  if (!(await exists(dir))) return [];
  const files = await readdir(dir);
  return files.filter((f) => !f.includes('.tmp-')).map((f) => decodeURIComponent(f));
}

/**
 * Migrates the folder storage in `dir` into `db` when there is one (see the module
 * documentation). Returns how many blocks were copied (0 when there was nothing to migrate).
 * @param {string} dir
 * @param {import('./db-storage.js').Database} db
 * @param {{ forceEmpty?: boolean }} [options] passed to `fsStorage` for the old folder
 */
export async function migrateFolder(dir, { env, blocks, state }, options = {}) {
  const [blocksDir, stateDir] = [join(dir, 'blocks'), join(dir, 'state')];
  if (!(await exists(blocksDir)) && !(await exists(stateDir))) return 0;
  const dbRoot = state.getBinary('root');
  if (dbRoot !== undefined) {
    // An earlier migration committed and stopped before deleting the old files: the folder's
    // root pointer is the one it copied (the blocks folder goes first, so a folder without a
    // pointer has no blocks left either). Any other folder was written after the migration,
    // e.g. by `--storage folder`, and deleting it would lose its names.
    const folderRoot = await readFile(join(stateDir, 'root')).catch(() => undefined);
    if (folderRoot !== undefined && !Buffer.from(dbRoot).equals(folderRoot)) throw twoStores(dir);
    await removeFolder(blocksDir, stateDir);
    return 0;
  }
  const old = await fsStorage(dir, options);
  const cids = await old.list();
  for (let at = 0; at < cids.length; at += BATCH) {
    const batch = await Promise.all(
      cids.slice(at, at + BATCH).map(async (cid) => /** @type {const} */ ([cid, await old.get(cid)])),
    );
    await env.transaction(() => {
      for (const [cid, bytes] of batch) if (bytes) blocks.put(cid, bytes);
    });
  }
  const entries = await Promise.all(
    (await stateKeys(stateDir)).map(async (key) => /** @type {const} */ ([key, await old.getState(key)])),
  );
  await env.transaction(() => {
    for (const [key, bytes] of entries) if (bytes) state.put(key, bytes);
  });
  await removeFolder(blocksDir, stateDir);
  return cids.length;
}

/**
 * `storage.two_stores`: the folder holds a database and a block folder with another root.
 * @param {string} dir
 */
function twoStores(dir) {
  const message =
    `${dir} holds both an LMDB database (data.mdb) and a block folder (blocks/, state/) with a ` +
    'different root: neither is deleted. Start with --storage folder to use the folder, or move ' +
    'blocks/ and state/ away to use the database.';
  return Object.assign(new Error(message), { code: 'storage.two_stores' });
}

/** @param {string[]} folders */
async function removeFolder(...folders) {
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
}
