// The default Node storage (one LMDB database, `vns/db-storage`): a save is one commit, a
// restart finds every name, stored blocks without a root pointer are refused, a folder written
// by the folder storage is migrated (and a crash in the middle of it loses nothing), and a
// process killed at any point of its saves reopens at a saved state.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blake3 } from '@noble/hashes/blake3.js';
import { CID } from 'multiformats/cid';
import * as Digest from 'multiformats/hashes/digest';
import { open, generateKeys, fsStorage } from 'vns';
import { dbStorage, dbAdapter, openDatabase } from 'vns/db-storage';

const NET = { network: /** @type {const} */ ('testing'), difficulty: 4, registrationsPerHour: 10_000, saveDelayMs: 3_600_000 };
const DB_STORAGE = new URL('../../js/db-storage.js', import.meta.url).href;
const NODE = new URL('../../js/node.js', import.meta.url).href;

/** @type {string[]} */
const dirs = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vns-db-'));
  dirs.push(dir);
  return dir;
};
/** @param {string} path */
const exists = (path) => stat(path).then(() => true, () => false);

/**
 * Runs `source` (an ES module body) in a child Node process; resolves with its stdout lines
 * once it printed `ready`, and gives a way to SIGKILL it and wait for the end.
 * @param {string} source
 */
function child(source) {
  const proc = spawn(process.execPath, ['--input-type=module', '-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
  /** @type {string[]} */
  const lines = [];
  let buffered = '';
  proc.stdout.on('data', (chunk) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts);
  });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  return { proc, lines, exited };
}

/** `n` registrations by one owner on `vns`. @param {import('vns').Vns} vns @param {string} prefix @param {number} n */
async function registerMany(vns, prefix, n) {
  const keys = generateKeys();
  for (let i = 0; i < n; i++) await vns.register(keys, `${prefix}${i}`, [{ type: 'TXT', value: `${prefix} ${i}` }]);
}

test('a save is one commit of blocks and root pointer, and a reopened node finds every name', async () => {
  const dir = await tempDir();
  const adapter = await dbStorage(dir);
  /** @type {string[]} */
  const calls = [];
  const counting = {
    ...adapter,
    /** @param {Uint8Array} k @param {Uint8Array} b */
    put: (k, b) => (calls.push('put'), adapter.put(k, b)),
    /** @param {string} k @param {Uint8Array | undefined} b */
    setState: (k, b) => (calls.push(`setState ${k}`), adapter.setState(k, b)),
    /** @param {[Uint8Array, Uint8Array][]} blocks @param {[string, Uint8Array | undefined][]} state */
    commit: (blocks, state) => (calls.push(`commit ${blocks.length} ${state.map(([k]) => k).join(',')}`), adapter.commit(blocks, state)),
  };
  const vns = await open({ storage: counting, ...NET });
  await registerMany(vns, 'kept', 3);
  const report = await vns.save();
  assert.equal(calls.length, 1, `one call for the whole save: ${calls.join('; ')}`);
  assert.match(calls[0], new RegExp(`^commit ${report.blocks} root`), 'blocks and the root pointer (then the queue) together');
  const root = vns.merkleRoot();
  await vns.close();

  const again = await open({ path: dir, ...NET });
  try {
    assert.equal(again.merkleRoot(), root);
    assert.equal(again.size, 3);
    assert.equal((await again.resolve('kept2')).records[0].value, 'kept 2');
  } finally {
    await again.close();
  }
});

test('a save is one synced transaction: its deletes go in the next commit, and close applies the last', async () => {
  const dir = await tempDir();
  const db = await openDatabase(dir);
  let transactions = 0;
  let inside = false;
  let removesOutside = 0;
  // The database's calls as dbAdapter makes them, counting transactions and where removes run.
  const env = {
    /** @param {() => void} body */
    transaction: (body) => {
      transactions += 1;
      return db.env.transaction(() => {
        inside = true;
        try {
          body();
        } finally {
          inside = false;
        }
      });
    },
    close: () => db.env.close(),
  };
  const blocks = {
    /** @param {Uint8Array} k @param {Uint8Array} b */
    put: (k, b) => db.blocks.put(k, b),
    /** @param {Uint8Array} k */
    remove: (k) => {
      if (!inside) removesOutside += 1;
      return db.blocks.remove(k);
    },
    /** @param {Uint8Array} k */
    getBinary: (k) => db.blocks.getBinary(k),
    /** @param {Uint8Array} k */
    doesExist: (k) => db.blocks.doesExist(k),
    /** @param {Parameters<typeof db.blocks.getKeys>} a */
    getKeys: (...a) => db.blocks.getKeys(...a),
    /** @param {Parameters<typeof db.blocks.getRange>} a */
    getRange: (...a) => db.blocks.getRange(...a),
  };
  const adapter = dbAdapter(/** @type {import('vns/db-storage').Database} */ (/** @type {unknown} */ ({ env, blocks, state: db.state })));
  const vns = await open({ storage: adapter, ...NET });
  const keys = generateKeys();
  await vns.register(keys, 'moving', [{ type: 'TXT', value: 'first' }]);
  await vns.save();
  for (const value of ['second', 'third']) {
    await vns.update(keys, 'moving', [{ type: 'TXT', value }]);
    const report = await vns.save();
    assert.ok(report.pruned > 0, 'each update drops the old entry and tree nodes');
  }
  assert.equal(transactions, 3, 'one transaction per save, deletes included');
  await vns.close();
  assert.equal(removesOutside, 0, 'every delete ran inside a transaction');

  const again = await open({ path: dir, ...NET });
  try {
    assert.equal((await again.resolve('moving')).records[0].value, 'third');
    assert.equal((await again.collectGarbage()).removed, 0, 'nothing unreachable was left behind');
  } finally {
    await again.close();
  }
});

test('a database holding blocks but no root pointer is refused, and opens empty with forceEmpty', async () => {
  const dir = await tempDir();
  const first = await open({ path: dir, ...NET });
  await registerMany(first, 'lost', 2);
  await first.close();
  const db = await openDatabase(dir);
  await db.state.remove('root');
  await db.env.close();

  await assert.rejects(open({ path: dir, ...NET }), (e) => {
    assert.equal(/** @type {{code?: string}} */ (e).code, 'storage.root_missing');
    assert.match(String(e), /data\.mdb holds blocks but no root pointer/);
    return true;
  });
  const empty = await open({ path: dir, ...NET, forceEmpty: true });
  assert.equal(empty.size, 0);
  await empty.close();
});

test('a folder written by the folder storage is migrated on first open: every name, old files kept until the commit', async () => {
  const dir = await tempDir();
  const old = await open({ path: dir, storage: 'folder', ...NET });
  await registerMany(old, 'moved', 40);
  const root = old.merkleRoot();
  const queue = old.queueStatus().size;
  await old.close();
  assert.ok(await exists(join(dir, 'state', 'root')), 'the folder storage wrote its root file');

  const vns = await open({ path: dir, ...NET });
  try {
    assert.equal(vns.merkleRoot(), root);
    assert.equal(vns.size, 40);
    assert.equal(vns.queueStatus().size, queue, 'the delta queue came along');
    for (let i = 0; i < 40; i++) assert.equal((await vns.resolve(`moved${i}`)).records[0].value, `moved ${i}`);
    assert.equal(await exists(join(dir, 'blocks')), false, 'old blocks deleted after the commit');
    assert.equal(await exists(join(dir, 'state')), false, 'old state deleted after the commit');
  } finally {
    await vns.close();
  }
  // The folder storage option still opens a folder of its own.
  const folderDir = await tempDir();
  const folder = await open({ path: folderDir, storage: 'folder', ...NET });
  await registerMany(folder, 'flat', 1);
  await folder.close();
  assert.ok(await exists(join(folderDir, 'blocks')));
  assert.equal(await exists(join(folderDir, 'data.mdb')), false);
});

test('a block folder written after the migration is refused, not deleted: its names stay', async () => {
  const dir = await tempDir();
  const db = await open({ path: dir, ...NET });
  await registerMany(db, 'indb', 2);
  await db.close();
  // The operator then runs the same folder with the folder storage, which starts its own store.
  const folder = await open({ path: dir, storage: 'folder', ...NET, forceEmpty: true });
  await registerMany(folder, 'infolder', 3);
  const folderRoot = folder.merkleRoot();
  await folder.close();
  await assert.rejects(open({ path: dir, ...NET }), (e) => {
    assert.equal(/** @type {{code?: string}} */ (e).code, 'storage.two_stores');
    return true;
  });
  assert.ok(await exists(join(dir, 'blocks')), 'the block folder is kept');
  const again = await open({ path: dir, storage: 'folder', ...NET });
  try {
    assert.equal(again.merkleRoot(), folderRoot);
    assert.equal(again.size, 3);
  } finally {
    await again.close();
  }
});

test('a crash in the middle of a migration loses nothing: killed mid-copy and at its start, then every block and name', async () => {
  const dir = await tempDir();
  const old = await open({ path: dir, storage: 'folder', ...NET });
  await registerMany(old, 'survivor', 20);
  const root = old.merkleRoot();
  await old.close();
  // Filler blocks make the copy long enough to be killed in the middle.
  const filler = await fsStorage(dir);
  /** @type {CID[]} */
  const extra = [];
  for (let i = 0; i < 3000; i++) {
    const bytes = new TextEncoder().encode(`filler block ${i}`);
    const cid = CID.createV1(0x71, Digest.create(0x1e, blake3(bytes)));
    await filler.put(cid.bytes, bytes);
    extra.push(cid);
  }
  const source = `import { dbStorage } from ${JSON.stringify(DB_STORAGE)};
    console.log('ready');
    const a = await dbStorage(${JSON.stringify(dir)});
    console.log('migrated');
    await a.close();`;
  // The parent watches the database (LMDB allows readers in other processes) and kills the
  // child once it has copied blocks but not yet committed the root pointer.
  const watcher = await openDatabase(dir);
  const copied = () => [...watcher.blocks.getKeys({ limit: 1 })].length > 0;
  const committed = () => watcher.state.getBinary('root') !== undefined;
  const first = child(source);
  while (!copied() && !first.lines.includes('migrated')) await new Promise((resolve) => setTimeout(resolve, 2));
  first.proc.kill('SIGKILL');
  await first.exited;
  assert.ok(copied() && !committed(), 'killed after some blocks were copied and before the commit');
  assert.ok(await exists(join(dir, 'state', 'root')), 'the old root file stays until the migration commits');
  // Killed again early in the second attempt, then left to finish in a third.
  const second = child(source);
  while (!second.lines.includes('ready')) await new Promise((resolve) => setTimeout(resolve, 2));
  second.proc.kill('SIGKILL');
  await second.exited;
  await watcher.env.close();
  const last = child(source);
  assert.equal((await last.exited).code, 0);
  assert.ok(last.lines.includes('migrated'));

  const vns = await open({ path: dir, ...NET });
  try {
    assert.equal(vns.merkleRoot(), root);
    for (let i = 0; i < 20; i++) assert.equal((await vns.resolve(`survivor${i}`)).records[0].value, `survivor ${i}`);
  } finally {
    await vns.close();
  }
  const db = await openDatabase(dir);
  try {
    for (const cid of extra) assert.ok(db.blocks.doesExist(cid.bytes), `${cid} was copied`);
  } finally {
    await db.env.close();
  }
});

test('a process killed at any point of its saves reopens at a saved state (old or new, never a mix)', async () => {
  const dir = await tempDir();
  const source = `import { open, generateKeys } from ${JSON.stringify(NODE)};
    const vns = await open({ path: ${JSON.stringify(dir)}, ...${JSON.stringify(NET)} });
    const keys = generateKeys();
    console.log('ready');
    for (let i = 0; ; i++) {
      await vns.register(keys, 'saved' + vns.size, [{ type: 'TXT', value: 'x'.repeat(1 + (i % 200)) }]);
      await vns.save();
      console.log(vns.size + ' ' + vns.merkleRoot());
    }`;
  let killedAfterSaves = 0;
  for (const delay of [150, 400, 700, 1100, 1500]) {
    const run = child(source);
    while (!run.lines.includes('ready')) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, delay));
    run.proc.kill('SIGKILL');
    await run.exited;
    const saved = run.lines.filter((l) => l !== 'ready').map((l) => l.split(' '));
    const vns = await open({ path: dir, ...NET });
    try {
      const last = saved.at(-1);
      if (last) {
        killedAfterSaves += 1;
        // Acknowledged saves are there; at most the one in flight beyond them.
        const [size, root] = last;
        assert.ok(vns.size === Number(size) || vns.size === Number(size) + 1, `${vns.size} names after ${size} were saved`);
        if (vns.size === Number(size)) assert.equal(vns.merkleRoot(), root);
      }
      for (let i = 0; i < vns.size; i++) assert.ok(await vns.resolve(`saved${i}`), `saved${i} loads`);
    } finally {
      await vns.close();
    }
  }
  assert.ok(killedAfterSaves >= 3, `most kills landed among saves (${killedAfterSaves} of 5)`);
});
