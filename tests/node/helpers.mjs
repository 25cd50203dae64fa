// Shared helpers for the Node tests of the built package.
import { open } from 'vns';

/** A memory node on the testing network with trivial proof-of-work and fast sync timers. */
export function testNode(extra = {}) {
  return open({
    storage: 'memory',
    network: 'testing',
    difficulty: 4,
    tickIntervalMs: 50,
    registrationsPerHour: 100,
    ...extra,
  });
}

/** Waits until `check()` returns a truthy value (polling), or fails after `ms`. */
export async function eventually(check, ms = 10_000, what = 'condition') {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** An in-memory byte-level storage adapter (the JsBlockstore shape). */
export function mapAdapter() {
  const hex = (bytes) => Buffer.from(bytes).toString('hex');
  const blocks = new Map();
  const state = new Map();
  return {
    blocks,
    state,
    async put(cid, bytes) { blocks.set(hex(cid), bytes.slice()); },
    async get(cid) { return blocks.get(hex(cid)); },
    async has(cid) { return blocks.has(hex(cid)); },
    async delete(cid) { blocks.delete(hex(cid)); },
    async list() { return [...blocks.keys()].map((k) => Uint8Array.from(Buffer.from(k, 'hex'))); },
    async getState(key) { return state.get(key); },
    async setState(key, bytes) {
      if (bytes === undefined) state.delete(key);
      else state.set(key, bytes.slice());
    },
  };
}
