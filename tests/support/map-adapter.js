// @ts-check
/**
 * In-memory storage adapters of the byte-level shape `open({ storage })` and the Rust
 * `JsBlockstore` accept, for tests in Node and in browsers (no Node APIs here): a plain one,
 * one answering some calls synchronously, one whose writes fail, and a way to corrupt a block.
 *
 * ```js
 * const adapter = mapAdapter();
 * const vns = await open({ storage: adapter, network: 'testing' });
 * adapter.blocks.size; // blocks stored, by hex CID
 * ```
 * @module
 */

/** @param {Uint8Array} bytes */
const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
/** @param {string} s */
const unhex = (s) => Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));

/**
 * An adapter keeping blocks and state entries in two maps (exposed, to inspect or tamper with).
 * `list` may be removed to make a store that cannot list its blocks.
 */
export function mapAdapter() {
  /** @type {Map<string, Uint8Array>} blocks by hex CID */
  const blocks = new Map();
  /** @type {Map<string, Uint8Array>} */
  const state = new Map();
  return {
    blocks,
    state,
    /** @param {Uint8Array} cid @param {Uint8Array} bytes */
    async put(cid, bytes) { blocks.set(hex(cid), bytes.slice()); },
    /** @param {Uint8Array} cid @returns {Promise<Uint8Array | undefined>} */
    async get(cid) { return blocks.get(hex(cid)); },
    /** @param {Uint8Array} cid */
    async has(cid) { return blocks.has(hex(cid)); },
    /** @param {Uint8Array} cid */
    async delete(cid) { blocks.delete(hex(cid)); },
    /** @returns {Promise<Uint8Array[]>} */
    async list() { return Array.from(blocks.keys(), unhex); },
    /** @param {string} key @returns {Promise<Uint8Array | undefined>} */
    async getState(key) { return state.get(key); },
    /** @param {string} key @param {Uint8Array | undefined} bytes */
    async setState(key, bytes) {
      if (bytes === undefined) state.delete(key);
      else state.set(key, bytes.slice());
    },
  };
}

/** A {@link mapAdapter} whose `put` and `getState` return plain values, not Promises. */
export function synchronousMapAdapter() {
  const adapter = mapAdapter();
  return {
    ...adapter,
    /** @param {Uint8Array} cid @param {Uint8Array} bytes */
    put(cid, bytes) { adapter.blocks.set(hex(cid), bytes.slice()); },
    /** @param {string} key */
    getState(key) { return adapter.state.get(key); },
  };
}

/**
 * A {@link mapAdapter} that cannot list, whose `put` throws ("disk full") and whose `get`
 * of an absent block throws a not-found error (as `blockstore-fs` does).
 */
export function throwingAdapter() {
  const notFound = () => Object.assign(new Error('Not Found'), { name: 'NotFoundError', code: 'ERR_NOT_FOUND' });
  const { list, ...a } = mapAdapter();
  return {
    ...a,
    /** @param {Uint8Array} cid */
    get: async (cid) => {
      const v = a.blocks.get(hex(cid));
      if (!v) throw notFound();
      return v;
    },
    put: () => {
      throw new Error('disk full');
    },
  };
}

/**
 * Replaces the block stored under `cid` with bytes that do not hash to it.
 * @param {{ blocks: Map<string, Uint8Array> }} adapter @param {Uint8Array} cid
 */
export function corrupt(adapter, cid) {
  adapter.blocks.set(hex(cid), new TextEncoder().encode('tampered'));
}
