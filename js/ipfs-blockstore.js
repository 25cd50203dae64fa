// @ts-check
/**
 * Adapts an IPFS `interface-blockstore` (blockstore-fs, blockstore-idb, Helia's blockstore…)
 * to the byte-level blockstore shape the VNS core calls (`JsBlockstore` in Rust): CIDs cross
 * the wasm boundary as bytes, and blocks come back as one `Uint8Array` even from stores whose
 * `get` yields chunks. The root pointer and other node state live beside the blocks in a
 * small state store (`fileState` from `vns/file-state` in Node; any object with the
 * `StateStore` shape elsewhere).
 *
 * @example
 * import { FsBlockstore } from 'blockstore-fs';
 * import { ipfsBlockstoreAdapter } from 'vns/ipfs-blockstore';
 * import { fileState } from 'vns/file-state';
 * const blocks = new FsBlockstore('./vns-data/blocks');
 * await blocks.open();
 * const adapter = ipfsBlockstoreAdapter(blocks, await fileState('./vns-data/state'));
 */
import { CID } from 'multiformats/cid';
import pLimit from 'p-limit';

/**
 * Most puts and deletes an adapter has in flight at once. The core hands a whole save to the
 * adapter at once (200,000 blocks for a large namespace's first save); a file-backed store
 * opens a descriptor per block, so unbounded it runs out (`EMFILE`) under the usual
 * `ulimit -n 1024`. 64 keeps the disk busy and far below that limit.
 */
export const MAX_WRITES_IN_FLIGHT = 64;

/**
 * Most gets and `has` checks an adapter has in flight at once: loading reads thousands of
 * blocks per batch, and each read opens a file on a file-backed store, as each write does.
 */
export const MAX_READS_IN_FLIGHT = 64;

/**
 * @typedef {object} StateStore
 * @property {(key: string) => Promise<Uint8Array | undefined>} get
 * @property {(key: string, bytes: Uint8Array | undefined) => Promise<void>} set
 */

/**
 * @typedef {object} IpfsBlockstore
 * @property {(cid: CID, bytes: Uint8Array) => Promise<unknown>} put
 * @property {(cid: CID) => Uint8Array | Promise<Uint8Array> | AsyncIterable<Uint8Array> | Iterable<Uint8Array>} get
 * @property {(cid: CID) => Promise<boolean>} has
 * @property {(cid: CID) => Promise<void>} delete
 * @property {() => AsyncIterable<{ cid: CID }> | Iterable<{ cid: CID }>} [getAll]
 */

/**
 * Whether `e` says the block is absent. blockstore-fs 4 reports every failed read as a
 * `NotFoundError` whose message is the file system's error, so one naming another errno
 * (`EMFILE`, `EIO`, …) is a failure of the store, not an absent block.
 * @param {unknown} e
 */
const isNotFound = (e) =>
  typeof e === 'object' && e !== null &&
  (/** @type {{code?: unknown}} */ (e).code === 'ERR_NOT_FOUND' ||
    /** @type {{name?: unknown}} */ (e).name === 'NotFoundError') &&
  !/\bE(?!NOENT)[A-Z]+:/.test(String(/** @type {{message?: unknown}} */ (e).message ?? ''));

/**
 * Joins what an interface-blockstore `get` returns (bytes, or chunks in newer versions).
 * @param {Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>} value
 */
async function collect(value) {
  if (value instanceof Uint8Array) return value;
  /** @type {Uint8Array[]} */
  const chunks = [];
  for await (const chunk of value) chunks.push(chunk);
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * The byte-level adapter for `blockstore` with node state kept in `state`.
 * @param {IpfsBlockstore} blockstore
 * @param {StateStore} state
 */
export function ipfsBlockstoreAdapter(blockstore, state) {
  /** @param {Uint8Array} bytes */
  const cid = (bytes) => CID.decode(bytes);
  // One queue for puts and deletes: both open files on a file-backed store.
  const write = pLimit(MAX_WRITES_IN_FLIGHT);
  const read = pLimit(MAX_READS_IN_FLIGHT);
  return {
    /** @param {Uint8Array} key @param {Uint8Array} bytes */
    async put(key, bytes) {
      const id = cid(key); // a bad key fails now, not when its turn comes
      await write(() => blockstore.put(id, bytes));
    },
    /** @param {Uint8Array} key */
    async get(key) {
      const id = cid(key);
      try {
        return await read(async () => collect(await blockstore.get(id)));
      } catch (e) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    },
    /** @param {Uint8Array} key */
    async has(key) {
      const id = cid(key);
      return read(() => blockstore.has(id));
    },
    /** @param {Uint8Array} key */
    async delete(key) {
      const id = cid(key);
      await write(() => blockstore.delete(id));
    },
    /** Every stored CID, for garbage collection. A store that cannot list (blockstore-fs 4
     * with its default layout reads file names back as CIDs, which they are not; `fsStorage`
     * gives it a layout that can) fails here with a clear error instead of listing wrong
     * CIDs; collection then reports it. */
    async list() {
      if (!blockstore.getAll) throw new Error('this blockstore cannot list its blocks (no getAll)');
      /** @type {Uint8Array[]} */
      const out = [];
      try {
        for await (const pair of blockstore.getAll()) out.push(pair.cid.bytes);
      } catch (e) {
        throw new Error(`this blockstore cannot list its blocks: ${e instanceof Error ? e.message : e}`);
      }
      return out;
    },
    /** @param {string} key */
    getState: (key) => state.get(key),
    /** @param {string} key @param {Uint8Array | undefined} bytes */
    setState: (key, bytes) => state.set(key, bytes),
  };
}
