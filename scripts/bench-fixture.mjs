// @ts-check
// The block fixture of the Node benchmarks (bench-storage.mjs, bench-ceiling.mjs), written by
// `cargo run --release --example bench_fixture -- N` (format: examples/bench_fixture.rs).
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** Where the example writes the fixture of `n` names (relative to the repository root). @param {number} n */
export const fixturePath = (n) => `target/bench-storage/fixture-${n}.bin`;

/**
 * The root pointer and every block of the N-name fixture, as a storage's `commit` takes them.
 * @param {number} n
 * @param {string} [path] the file (default: {@link fixturePath})
 * @returns {{ root: Uint8Array, blocks: [Uint8Array, Uint8Array][] }}
 */
export function readFixture(n, path = fixturePath(n)) {
  const buf = readFileSync(path);
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
  ensureFixture(n);
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

/**
 * Builds the fixture of `n` names with the release example unless it is there already; the
 * example's progress lines go to this process's stderr.
 * @param {number} n
 */
export function ensureFixture(n) {
  if (existsSync(fixturePath(n))) return;
  const built = spawnSync('cargo', ['run', '--quiet', '--release', '--example', 'bench_fixture', '--', String(n)], { stdio: 'inherit' });
  if (built.status !== 0) throw new Error(`bench_fixture ${n} failed (exit ${built.status ?? built.signal})`);
}
