// The block fixture of the Node benchmarks (bench-storage.mjs, bench-ceiling.mjs), written by
// `cargo run --release --example bench_fixture -- N` (format: examples/bench_fixture.rs).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

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

/**
 * A `vns serve` (testing network) over the N-name fixture, written into a database in
 * `dir/data` first; resolves once it is listening with every name loaded. Stop it with
 * `node.kill()`.
 * @param {number} n
 * @param {string} dir a scratch folder
 * @returns {Promise<import('../tests/support/serve-process.mjs').ServeProcess>}
 */
export async function serveFixture(n, dir) {
  const { ServeProcess } = await import('../tests/support/serve-process.mjs');
  const { dbStorage } = await import('../js/db-storage.js');
  const fixture = readFixture(n);
  const storage = await dbStorage(join(dir, 'data'));
  await storage.commit(fixture.blocks, [['root', fixture.root]]);
  await storage.close();
  const node = new ServeProcess(1, join(dir, 'data'), ['--network', 'testing']);
  const listening = await node.start({ timeoutMs: 1_800_000 });
  if (listening.entries !== n) {
    await node.kill();
    throw new Error(`vns serve loaded ${listening.entries} names, not ${n}`);
  }
  return node;
}
