// The scrub of `vns serve` on a real folder: blocks deleted or corrupted while the node runs
// are found by the next pass (on demand or periodic) and written again from memory, so a
// restart finds a whole store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { CID } from 'multiformats/cid';
import { eventually } from 'vns/testing';
import { ServeProcess } from '../support/serve-process.mjs';
import { tempDirs } from '../support/temp-dirs.mjs';
import { registerNames, blockFile } from '../support/register-names.mjs';

const NET = ['--network', 'testing', '--difficulty', '4', '--registrations-per-hour', '1000'];
const tempDir = tempDirs('vns-scrub-');

test('blocks damaged while the node runs are written again by a scrub, on demand and periodic', async () => {
  const folder = await tempDir();
  const node = new ServeProcess(1, folder, ['--storage', 'folder', '--scrub-interval', '0', ...NET]);
  await node.start();
  try {
    const labels = Array.from({ length: 12 }, (_, i) => `scrubbed${i}`);
    await registerNames(node, labels);
    const entry = CID.parse((await node.resolve('scrubbed4.vfs')).body.entry);
    const root = CID.parse((await node.status()).root);
    const rootBytes = await readFile(blockFile(folder, root));
    await rm(blockFile(folder, entry));
    await writeFile(blockFile(folder, root), rootBytes.subarray(0, rootBytes.length - 1));

    const { status, body } = await node.json('/api/vns/scrub?wait=1', { method: 'POST' });
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.state, 'idle');
    assert.equal(body.lastRun.damaged, 2, JSON.stringify(body));
    assert.equal(body.lastRun.repaired, 2);
    assert.ok(body.lastRun.checked >= 13, 'every entry and the tree nodes');
    assert.deepEqual(await readFile(blockFile(folder, root)), rootBytes, 'the corrupt node has its bytes back');
    const metrics = await node.metrics();
    assert.equal(metrics.get('vns_scrub_repaired_total'), 2);
    assert.equal(metrics.get('vns_scrub_damaged_total'), 2);
    assert.ok(node.lines.some((l) => l.event === 'scrub-repaired' && l.cid === entry.toString()));

    // A second pass finds nothing; nothing was deleted.
    const again = await node.json('/api/vns/scrub?wait=1', { method: 'POST' });
    assert.equal(again.body.lastRun.damaged, 0);

    // A SIGKILL now, and a plain start loads the whole folder.
    await node.kill();
    node.args = ['--storage', 'folder', '--scrub-interval', '1', ...NET];
    assert.equal((await node.start()).entries, 12);
    // The periodic scrub runs by itself and finds damage done since.
    await rm(blockFile(folder, CID.parse((await node.resolve('scrubbed9.vfs')).body.entry)));
    await eventually(async () => ((await node.status()).scrub.lastRun?.repaired ?? 0) >= 1, { timeoutMs: 15_000 });
    assert.equal((await node.resolve('scrubbed9.vfs')).status, 200);
  } finally {
    await node.kill();
  }
});

test('a node in memory has nothing to scrub', async () => {
  const node = new ServeProcess(1, undefined, ['--memory', ...NET]);
  await node.start();
  try {
    const { status, body } = await node.json('/api/vns/scrub', { method: 'POST' });
    assert.equal(status, 404);
    assert.equal(body.error.code, 'http.not_found');
    assert.equal((await node.status()).scrub, undefined);
  } finally {
    await node.kill();
  }
});
