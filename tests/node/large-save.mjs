// One node catches up a large namespace onto a folder and saves it, then the folder is opened
// again (and migrated into the database): run under `ulimit -n 1024` by large-save.test.mjs
// and by scripts/bench-large-save.sh. Prints one JSON line of figures.
//
//   node tests/node/large-save.mjs DIR N   (from the repository root; the fixture of N names
//   must be in target/bench-storage/, see examples/bench_fixture.rs)
import { open, fsStorage, dbStorage, attachMessagePort } from 'vns';
import { readFixture } from '../../scripts/bench-fixture.mjs';

const [dir, countText] = process.argv.slice(2);
const count = Number(countText);
const options = /** @type {const} */ ({ network: 'testing', difficulty: 4, saveDelayMs: 3_600_000 });
const seconds = (/** @type {number} */ since) => Number(((performance.now() - since) / 1000).toFixed(1));

/**
 * An in-memory storage adapter holding the fixture: the node that has the names.
 * @param {{ root: Uint8Array, blocks: [Uint8Array, Uint8Array][] }} fixture
 */
function fixtureStorage(fixture) {
  const key = (/** @type {Uint8Array} */ cid) => Buffer.from(cid).toString('hex');
  const blocks = new Map(fixture.blocks.map(([cid, bytes]) => [key(cid), bytes]));
  /** @type {Map<string, Uint8Array>} */
  const state = new Map([['root', fixture.root]]);
  return {
    /** @param {Uint8Array} cid @param {Uint8Array} bytes */
    async put(cid, bytes) { blocks.set(key(cid), bytes); },
    /** @param {Uint8Array} cid */
    async get(cid) { return blocks.get(key(cid)); },
    /** @param {Uint8Array} cid */
    async has(cid) { return blocks.has(key(cid)); },
    /** @param {Uint8Array} cid */
    async delete(cid) { blocks.delete(key(cid)); },
    async readAll() { return fixture.blocks; },
    /** @param {string} k */
    async getState(k) { return state.get(k); },
    /** @param {string} k @param {Uint8Array | undefined} bytes */
    async setState(k, bytes) { if (bytes) state.set(k, bytes); else state.delete(k); },
  };
}

/** Waits until `check()` holds, polling; fails after `ms`. @param {() => boolean} check @param {number} ms @param {string} what */
async function until(check, ms, what) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Names the fixture holds, first, middle and last (examples/bench_fixture.rs names them). */
const samples = [0, Math.floor(count / 2), count - 1].map((i) => `bench${String(i).padStart(7, '0')}.vfs`);

const fixture = readFixture(count);
const source = await open({ storage: fixtureStorage(fixture), ...options });
if (source.size !== count) throw new Error(`the fixture loaded ${source.size} names, not ${count}`);
const root = source.merkleRoot();

let at = performance.now();
const node = await open({ storage: await fsStorage(dir), ...options });
const channel = new MessageChannel();
const links = [attachMessagePort(source, channel.port1), attachMessagePort(node, channel.port2)];
await until(() => node.size === count, 30 * 60_000, `${count} names caught up (have ${node.size})`);
const catchUp = seconds(at);
for (const link of links) link.close();
channel.port1.close();

at = performance.now();
const saved = await node.save();
const save = seconds(at);
await node.close();
await source.close();

at = performance.now();
const again = await open({ storage: await fsStorage(dir), ...options });
const reload = seconds(at);
if (again.size !== count) throw new Error(`the folder held ${again.size} names after the restart, not ${count}`);
if (again.merkleRoot() !== root) throw new Error('the folder came back with another root');
for (const name of samples) await again.resolve(name);
await again.close();

// The default storage opens the same folder by migrating it into the database.
at = performance.now();
const db = await open({ storage: await dbStorage(dir), ...options });
const migrate = seconds(at);
if (db.size !== count || db.merkleRoot() !== root) throw new Error(`the database held ${db.size} names after the migration`);
for (const name of samples) await db.resolve(name);
await db.close();

console.log(JSON.stringify({ names: count, blocks: saved.blocks, bytes: saved.bytes, catchUp, save, reload, migrate }));
