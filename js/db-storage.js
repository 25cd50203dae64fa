// @ts-check
/**
 * The default storage of Node peers: one LMDB database (npm `lmdb`, prebuilt binaries in its
 * npm packages) holding the blocks and the node state (root pointer, delta queue). A save is
 * one LMDB write transaction, synced to disk before it resolves: the blocks, the root pointer
 * and the queue are committed together or not at all.
 *
 * ```js
 * import { open } from 'vns';
 * const vns = await open({ path: './vns-data' }); // same as storage: await dbStorage(...)
 * ```
 * @module
 */
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { migrateFolder } from './db-migrate.js';
import { rootMissing } from './root-missing.js';

/**
 * npm `lmdb`, through its CommonJS entry: the type declarations of its ES module entry do not
 * type-check as an ES module (`export =`), those of its CommonJS entry do.
 * @type {typeof import('lmdb', { with: { 'resolution-mode': 'require' } })}
 */
const lmdb = createRequire(import.meta.url)('lmdb');

/** File of the database inside a data folder (LMDB keeps `data.mdb-lock` beside it). */
export const DB_FILE = 'data.mdb';

/** State key of the root pointer (as the core names it). */
const ROOT = 'root';

/**
 * Options of `dbStorage`.
 * @typedef {{ forceEmpty?: boolean }} DbStorageOptions
 * `forceEmpty`: open a database that holds blocks but no root pointer as an empty node (the
 * blocks stay until a garbage collection), instead of refusing it.
 */

/** A byte key or value as the core takes it (LMDB hands back Buffers that share memory). @param {Uint8Array} b */
const own = (b) => new Uint8Array(b);

/**
 * The two tables of a VNS database, opened over `dir/data.mdb`.
 * @param {string} dir
 * @returns {Promise<Database>}
 */
export async function openDatabase(dir) {
  await mkdir(dir, { recursive: true });
  // noSync stays off (the default): a transaction resolves once it is synced to disk.
  // overlappingSync off: one sync per commit, measured faster for one change's save here
  // (6.2 ms against 9.9 ms median) than syncing after the commit in a second step.
  /** @type {Database['env']} */
  const env = lmdb.open({ path: join(dir, DB_FILE), maxDbs: 4, compression: false, overlappingSync: false });
  /** @type {Database['blocks']} */
  const blocks = env.openDB({ name: 'blocks', keyEncoding: 'binary', encoding: 'binary' });
  /** @type {Database['state']} */
  const state = env.openDB({ name: 'state', encoding: 'binary' });
  return { env, blocks, state };
}

/**
 * An open VNS database: the environment, its blocks (CID bytes to block bytes) and its state
 * (key to bytes).
 * @typedef {{
 *   env: import('lmdb', { with: { 'resolution-mode': 'require' } }).RootDatabase<Uint8Array, string>,
 *   blocks: import('lmdb', { with: { 'resolution-mode': 'require' } }).Database<Uint8Array, Uint8Array>,
 *   state: import('lmdb', { with: { 'resolution-mode': 'require' } }).Database<Uint8Array, string>,
 * }} Database
 */

/**
 * Whether the blocks table holds at least one block.
 * @param {Database} db
 */
function holdsBlocks({ blocks }) {
  for (const _ of blocks.getKeys({ limit: 1 })) return true;
  return false;
}

/**
 * A storage adapter over the database in the folder `dir` (created if missing). A folder
 * written by the `blockstore-fs` storage (`dir/blocks`, `dir/state`) is migrated into the
 * database on first open (see `migrateFolder`). A database with blocks but no root pointer is
 * refused with `storage.root_missing` unless `forceEmpty` is given.
 * @param {string} dir
 * @param {DbStorageOptions} [options]
 */
export async function dbStorage(dir, { forceEmpty = false } = {}) {
  const db = await openDatabase(dir);
  try {
    await migrateFolder(dir, db, { forceEmpty });
    if (!forceEmpty && db.state.getBinary(ROOT) === undefined && holdsBlocks(db)) {
      throw rootMissing(`${join(dir, DB_FILE)} holds blocks but no root pointer`);
    }
  } catch (e) {
    await db.env.close();
    throw e;
  }
  return dbAdapter(db);
}

/**
 * The byte-level adapter over an open database: single-block calls for the core's reads,
 * `commit` for saves (one transaction), `readAll` for loading, `list` for garbage collection.
 *
 * Deletes are held until the next `commit` and applied in its transaction, before its puts: a
 * save is then one synced LMDB transaction instead of two (its commit, then its deletes; LMDB
 * has one writer, so the second sync delayed the next save). The blocks deleted are those the
 * last committed root no longer reaches, so deleting them with the next state is as safe as
 * deleting them after this one; a block needed again is put by that same commit, after the
 * deletes. A crash first leaves them stored, unreachable, for the next full garbage
 * collection; `close` applies what is still held.
 * @param {Database} db
 */
export function dbAdapter({ env, blocks, state }) {
  /** @type {Uint8Array[]} blocks to delete with the next commit */
  let doomed = [];
  return {
    /** @param {Uint8Array} key @param {Uint8Array} bytes */
    async put(key, bytes) {
      await blocks.put(key, bytes);
    },
    /** @param {Uint8Array} key */
    get: (key) => blocks.getBinary(key),
    /** @param {Uint8Array} key */
    has: (key) => blocks.doesExist(key),
    /**
     * Deletes a block the saved root no longer reaches, in the next commit's transaction (see
     * above). A delete that never happens only leaves an unreachable block, which the next
     * full garbage collection removes.
     * @param {Uint8Array} key
     */
    delete(key) {
      doomed.push(key);
    },
    list() {
      return Array.from(blocks.getKeys(), (key) => own(/** @type {Uint8Array} */ (key)));
    },
    /**
     * Every block as `[cid, bytes]`, read in one pass for loading.
     * @returns {[Uint8Array, Uint8Array][]}
     */
    readAll() {
      return Array.from(blocks.getRange(), ({ key, value }) => [own(/** @type {Uint8Array} */ (key)), own(value)]);
    },
    /** @param {string} key */
    getState: (key) => state.getBinary(key),
    /** @param {string} key @param {Uint8Array | undefined} bytes */
    async setState(key, bytes) {
      await (bytes === undefined ? state.remove(key) : state.put(key, bytes));
    },
    /**
     * One save: the held deletes, then every block and state entry, in one write transaction
     * (synced before it resolves), so a crash leaves the old or the new state. If it fails,
     * the deletes are held for the next one.
     * @param {[Uint8Array, Uint8Array][]} puts
     * @param {[string, Uint8Array | undefined][]} entries
     */
    async commit(puts, entries) {
      const deleting = doomed;
      doomed = [];
      try {
        await env.transaction(() => {
          for (const key of deleting) blocks.remove(key);
          for (const [key, bytes] of puts) blocks.put(key, bytes);
          for (const [key, bytes] of entries) {
            if (bytes === undefined) state.remove(key);
            else state.put(key, bytes);
          }
        });
      } catch (e) {
        doomed = deleting.concat(doomed);
        throw e;
      }
    },
    /** Applies the held deletes (one transaction), then closes the database. */
    async close() {
      if (doomed.length > 0) {
        const deleting = doomed;
        doomed = [];
        // A failure here only leaves unreachable blocks (see above).
        await env
          .transaction(() => {
            for (const key of deleting) blocks.remove(key);
          })
          .catch(() => {});
      }
      await env.close();
    },
  };
}
