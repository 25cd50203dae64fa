// In-memory blockstore adapters for the browser wasm tests (the byte-level JsBlockstore shape).
const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
const unhex = (s) => Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));
export function mapAdapter() {
  const blocks = new Map();
  const state = new Map();
  return {
    blocks,
    async put(cid, bytes) { blocks.set(hex(cid), bytes.slice()); },
    async get(cid) { return blocks.get(hex(cid)); },
    async has(cid) { return blocks.has(hex(cid)); },
    async delete(cid) { blocks.delete(hex(cid)); },
    async list() { return Array.from(blocks.keys(), unhex); },
    async getState(key) { return state.get(key); },
    async setState(key, bytes) {
      if (bytes === undefined) state.delete(key); else state.set(key, bytes.slice());
    },
  };
}
export function throwingAdapter() {
  const notFound = () => Object.assign(new Error("Not Found"), { name: "NotFoundError", code: "ERR_NOT_FOUND" });
  const a = mapAdapter();
  a.get = async (cid) => { const v = a.blocks.get(hex(cid)); if (!v) throw notFound(); return v; };
  a.put = () => { throw new Error("disk full"); };
  delete a.list;
  return a;
}
export function corrupt(adapter, cid) {
  adapter.blocks.set(hex(cid), new TextEncoder().encode("tampered"));
}
