// Group commit: POSTs arriving while a save is in flight share the next save, and each is
// still answered only once its change is on disk (a SIGKILL right after the answers loses
// none of them).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open, generateKeys } from 'vns';
import { startServer } from 'vns/server';
import { groupCommit } from '../../js/group-commit.js';
import { startServe } from '../support/serve-process.mjs';

const CONCURRENT = 32;
const NET = { network: /** @type {const} */ ('testing'), difficulty: 4, registrationsPerHour: 10_000 };
const NET_FLAGS = ['--network', 'testing', '--difficulty', '4', '--registrations-per-hour', '10000'];

/** @type {string[]} */
const dirs = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vns-group-'));
  dirs.push(dir);
  return dir;
};

/** `n` signed registrations of distinct names, as entry blocks. @param {number} n @param {string} prefix */
async function registrations(n, prefix) {
  const client = await open({ storage: 'memory', ...NET });
  try {
    const keys = generateKeys();
    /** @type {Uint8Array[]} */
    const out = [];
    for (let i = 0; i < n; i++) {
      await client.register(keys, `${prefix}${i}`, [{ type: 'TXT', value: `${prefix} ${i}` }]);
      out.push(/** @type {Uint8Array} */ (client.entryBlock(`${prefix}${i}`)));
    }
    return out;
  } finally {
    await client.close();
  }
}

/** POSTs an entry block. @param {string} url @param {Uint8Array} bytes */
const post = (url, bytes) =>
  fetch(`${url}/api/vns/ops`, { method: 'POST', body: Buffer.from(bytes), headers: { 'content-type': 'application/vnd.ipld.dag-cbor' } });

test('callers arriving during a save share the next one; each resolves after a save that started after it', async () => {
  /** @type {{ started: number, finish: () => void }[]} */
  const saves = [];
  let clock = 0;
  const commit = groupCommit(
    () =>
      new Promise((resolve) => {
        saves.push({ started: clock++, finish: () => resolve(saves.length) });
      }),
  );
  const first = commit();
  const calledAt = clock++;
  const waiting = Array.from({ length: 10 }, () => commit());
  assert.equal(saves.length, 1, 'the later callers do not start saves of their own');
  saves[0].finish();
  assert.equal(await first, 1);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(saves.length, 2, 'one more save for all ten');
  assert.ok(saves[1].started > calledAt, 'it started after they called');
  saves[1].finish();
  assert.deepEqual(await Promise.all(waiting), Array(10).fill(2));
  // Idle again: the next caller starts a save at once.
  const alone = commit();
  assert.equal(saves.length, 3);
  saves[2].finish();
  assert.equal(await alone, 3);
});

test('a failed shared save rejects every caller that shared it, and the next call saves again', async () => {
  let calls = 0;
  let fail = true;
  const commit = groupCommit(async () => {
    calls += 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (fail) throw Object.assign(new Error('disk full'), { code: 'storage.io' });
    return calls;
  });
  const first = commit();
  const shared = [commit(), commit()];
  await assert.rejects(first, /disk full/);
  await Promise.all(shared.map((p) => assert.rejects(p, /disk full/)));
  assert.equal(calls, 2);
  fail = false;
  assert.equal(await commit(), 3);
});

test(`${CONCURRENT} concurrent POSTs to vns serve share saves, and all are on disk when answered`, async () => {
  const data = await tempDir();
  const entries = await registrations(CONCURRENT, 'grouped');
  const server = await startServer({ port: 0, data, ...NET });
  let saves = 0;
  server.vns.addEventListener('save', () => (saves += 1));
  try {
    const answers = await Promise.all(entries.map((bytes) => post(server.url, bytes)));
    assert.deepEqual(answers.map((a) => a.status), Array(CONCURRENT).fill(200));
    assert.ok(saves < CONCURRENT / 2, `${saves} saves for ${CONCURRENT} POSTs`);
  } finally {
    await server.close();
  }
});

test('SIGKILL right after the last of concurrent answers: a restarted node has every name', async () => {
  const data = await tempDir();
  const entries = await registrations(CONCURRENT, 'acked');
  const node = await startServe(['--data', data, ...NET_FLAGS]);
  let answered;
  try {
    answered = await Promise.all(entries.map((bytes) => post(node.url, bytes).then((r) => r.status)));
  } finally {
    node.child.kill('SIGKILL');
  }
  await node.exited;
  assert.deepEqual(answered, Array(CONCURRENT).fill(200));
  const again = await startServe(['--data', data, ...NET_FLAGS]);
  try {
    const status = await (await fetch(`${again.url}/api/vns/status`)).json();
    assert.equal(status.entries, CONCURRENT);
    for (let i = 0; i < CONCURRENT; i++) {
      const r = await (await fetch(`${again.url}/api/vns/resolve/acked${i}`)).json();
      assert.equal(r.records[0].value, `acked ${i}`);
    }
  } finally {
    again.child.kill('SIGKILL');
  }
});
