// `vns serve` as a real process against an operator's bad day: a data folder that lost its
// root pointer, a flood of idle sockets, odd HTTP requests.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { open, generateKeys } from 'vns';
import { startServe } from './serve-process.mjs';

const NET = ['--network', 'testing', '--difficulty', '6', '--registrations-per-hour', '1000'];
const dirs = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vns-hardening-'));
  dirs.push(dir);
  return dir;
};

/** A signed registration built on a client node of the server's network: the entry bytes. */
async function signedRegistration(url, name, records) {
  const status = await (await fetch(`${url}/api/vns/status`)).json();
  const client = await open({ storage: 'memory', ...status.open });
  try {
    await client.register(generateKeys(), name, records);
    return client.entryBlock(name);
  } finally {
    await client.close();
  }
}

const post = (url, bytes, headers = {}) =>
  fetch(`${url}/api/vns/ops`, { method: 'POST', body: bytes, headers: { 'content-type': 'application/vnd.ipld.dag-cbor', ...headers } });

/** Every file under `dir`, recursively. */
const filesUnder = async (dir) => (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).length;

test('a data folder with blocks but no root is refused; --force-empty starts empty and keeps the blocks', async () => {
  const data = await tempDir();
  const args = ['--data', data, ...NET];
  const first = await startServe(args);
  const bytes = await signedRegistration(first.url, 'rooted', [{ type: 'TXT', value: 'kept' }]);
  assert.equal((await post(first.url, bytes)).status, 200);
  first.child.kill('SIGTERM');
  assert.equal((await first.exited)[0], 0);
  const blocks = await filesUnder(join(data, 'blocks'));
  assert.ok(blocks > 0);
  await rm(join(data, 'state', 'root'));

  const started = await startServe(args).then(
    (node) => {
      node.child.kill('SIGKILL');
      return node;
    },
    (e) => e,
  );
  assert.ok(started instanceof Error, 'start-up refuses');
  assert.match(started.message, /exited with 1 before listening/);
  assert.match(started.message, /storage\.root_missing/);
  assert.match(started.message, /holds blocks but no root pointer/);
  assert.match(started.message, /--force-empty/);
  assert.equal(await filesUnder(join(data, 'blocks')), blocks, 'nothing deleted');

  const forced = await startServe(['--force-empty', ...args]);
  try {
    const status = await (await fetch(`${forced.url}/api/vns/status`)).json();
    assert.equal(status.entries, 0);
    assert.equal(await filesUnder(join(data, 'blocks')), blocks, 'the old blocks stay on disk');
  } finally {
    forced.child.kill('SIGKILL');
    await forced.exited;
  }

  // A fresh folder (no blocks, no root) still starts without the flag.
  const fresh = await startServe(['--data', await tempDir(), ...NET]);
  fresh.child.kill('SIGKILL');
  await fresh.exited;
});

test('a save of more blocks than the descriptor limit reaches a folder under ulimit -n 1024', async () => {
  // The core hands the adapter every block of a save at once; 5,000 puts in flight would need
  // 5,000 descriptors. Run in a child process so the limit applies to it alone.
  const script = fileURLToPath(new URL('./many-writes.mjs', import.meta.url));
  const run = spawnSync('bash', ['-c', `ulimit -n 1024 && exec "${process.execPath}" "${script}" "$0" 5000`, await tempDir()], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), { written: 5000, deleted: 5000 });
});
