// `vns serve --repair` as real processes on real folders: blocks deleted while a node runs,
// found at its next start, repaired from a peer and from the node's own queue, and the
// names that nothing holds any more reported exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { CID } from 'multiformats/cid';
import { eventually } from 'vns/testing';
import { openDatabase } from '../../js/db-storage.js';
import { ServeProcess } from '../support/serve-process.mjs';
import { tempDirs } from '../support/temp-dirs.mjs';
import { registerNames, blockFile } from '../support/register-names.mjs';

const NET = ['--network', 'testing', '--difficulty', '4', '--registrations-per-hour', '1000'];
const tempDir = tempDirs('vns-repair-');

/** The entry block CID `node` answers for `label`. @param {ServeProcess} node @param {string} label */
async function entryCid(node, label) {
  const { status, body } = await node.resolve(`${label}.vfs`);
  assert.equal(status, 200, JSON.stringify(body));
  return CID.parse(body.entry);
}

/** Starts `node`, expecting it to refuse: the error it exited with. @param {ServeProcess} node */
async function refusal(node) {
  const started = await node.start().then(
    async () => {
      await node.kill();
      return undefined;
    },
    (e) => e,
  );
  assert.ok(started instanceof Error, 'start-up refuses');
  return started.message;
}

/** @param {string} prefix @param {number} n */
const labels = (prefix, n) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

test('blocks deleted while a folder node runs: refused at restart, then --repair brings every name back but one nothing holds', async () => {
  const peer = new ServeProcess(2, await tempDir(), NET);
  await peer.start();
  const folder = await tempDir();
  // A queue of 2: of the names registered while the peer is down, only the last two wait in it.
  const node = new ServeProcess(1, folder, ['--storage', 'folder', '--queue-capacity', '2', '--peer', peer.ws, ...NET]);
  await node.start();
  try {
    await registerNames(node, labels('shared', 20));
    await eventually(async () => (await peer.status()).root === (await node.status()).root, { timeoutMs: 20_000 });
    await peer.stop();
    await registerNames(node, labels('local', 5)); // local0..2 fell out of the queue; local3, local4 wait

    // Damage while running: one name the peer holds, one only the queue holds, one nothing holds.
    const gone = await Promise.all(['shared7', 'local4', 'local1'].map((l) => entryCid(node, l)));
    for (const cid of gone) await rm(blockFile(folder, cid));
    const before = await node.status();
    assert.equal(before.entries, 25, 'the running node still holds everything in memory');
    await node.kill();

    const refused = await refusal(node);
    assert.match(refused, /storage\.missing/);
    assert.match(refused, /--repair/);

    await peer.start();
    node.args = ['--repair', '--storage', 'folder', '--queue-capacity', '2', '--peer', peer.ws, ...NET];
    const started = await node.start();
    const repairLine = node.lines.find((l) => l.event === 'repair');
    assert.ok(repairLine, node.tail.join('\n'));
    assert.equal(started.entries, 23, `25 names, 3 entry blocks gone, one back from the queue: ${JSON.stringify(repairLine)}`);
    assert.equal(repairLine.damaged, 3);
    assert.equal(repairLine.fromQueue, 1);
    assert.deepEqual(repairLine.lost.sort(), ['local1.vfs', 'shared7.vfs']);

    // Catch-up with the peer gives shared7 back; local1 was nowhere but in the damaged folder.
    await eventually(async () => (await node.status()).repair.recovered.includes('shared7.vfs'), { timeoutMs: 20_000 });
    const status = await node.status();
    assert.deepEqual(status.repair.lost, ['local1.vfs']);
    assert.equal(status.repair.code, 'repair.names_lost');
    assert.equal(status.entries, 24);
    assert.equal((await node.resolve('shared7.vfs')).status, 200);
    assert.equal((await node.resolve('local4.vfs')).status, 200);
    assert.equal((await node.resolve('local1.vfs')).status, 404);
    // The peer gets what only this node held (the queue, and catch-up for what left it).
    await eventually(async () => (await peer.status()).root === (await node.status()).root, { timeoutMs: 20_000 });
    for (const l of ['local0', 'local2', 'local3', 'local4']) assert.equal((await peer.resolve(`${l}.vfs`)).status, 200, l);

    // The folder is whole again: a plain start loads it.
    await node.stop();
    node.args = ['--storage', 'folder', '--peer', peer.ws, ...NET];
    assert.equal((await node.start()).entries, 24);
  } finally {
    await node.kill();
    await peer.kill();
  }
});

test('a corrupt block in the database: --repair loads the rest and the peer gives the name back', async () => {
  const peer = new ServeProcess(2, undefined, ['--memory', ...NET]);
  await peer.start();
  const data = await tempDir();
  const node = new ServeProcess(1, data, ['--peer', peer.ws, ...NET]);
  await node.start();
  try {
    await registerNames(node, labels('db', 10));
    await eventually(async () => (await peer.status()).root === (await node.status()).root, { timeoutMs: 20_000 });
    const victim = await entryCid(node, 'db3');
    await node.stop();
    const db = await openDatabase(data);
    const bytes = new Uint8Array(/** @type {Uint8Array} */ (db.blocks.getBinary(victim.bytes)));
    bytes[bytes.length - 1] ^= 1;
    await db.blocks.put(victim.bytes, bytes);
    await db.env.close();

    const refused = await refusal(node);
    assert.match(refused, /storage\.corrupt/);
    assert.match(refused, /--repair/);

    node.args = ['--repair', '--peer', peer.ws, ...NET];
    assert.equal((await node.start()).entries, 9);
    await eventually(async () => (await node.status()).repair.lost.length === 0, { timeoutMs: 20_000 });
    const status = await node.status();
    assert.deepEqual(status.repair.recovered, ['db3.vfs']);
    assert.equal(status.repair.code, undefined);
    assert.equal(status.root, (await peer.status()).root);
    await node.stop();
    node.args = NET;
    assert.equal((await node.start()).entries, 10);
  } finally {
    await node.kill();
    await peer.kill();
  }
});
