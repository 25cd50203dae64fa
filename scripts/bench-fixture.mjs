// The block fixture of the Node benchmarks (bench-storage.mjs, bench-ceiling.mjs), written by
// `cargo run --release --example bench_fixture -- N` (format: examples/bench_fixture.rs).
import { readFileSync } from 'node:fs';

/**
 * The root pointer and every block of the N-name fixture, as a storage's `commit` takes them.
 * @param {number} n
 * @returns {{ root: Uint8Array, blocks: [Uint8Array, Uint8Array][] }}
 */
export function readFixture(n) {
  const buf = readFileSync(`target/bench-storage/fixture-${n}.bin`);
  let at = 0;
  const take = (/** @type {number} */ len) => new Uint8Array(buf.buffer, buf.byteOffset + (at += len) - len, len).slice();
  const u16 = () => buf.readUInt16LE((at += 2) - 2);
  const u32 = () => buf.readUInt32LE((at += 4) - 4);
  const root = take(u16());
  /** @type {[Uint8Array, Uint8Array][]} */
  const blocks = [];
  while (at < buf.length) {
    const cid = take(u16());
    blocks.push([cid, take(u32())]);
  }
  return { root, blocks };
}
