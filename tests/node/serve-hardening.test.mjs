// `vns serve` as a real process against an operator's bad day: a data folder that lost its
// root pointer, a flood of idle sockets, odd HTTP requests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { open, generateKeys, connectWebSocket } from 'vns';
import { eventually } from 'vns/testing';
import { startServe } from '../support/serve-process.mjs';
import { tempDirs } from '../support/temp-dirs.mjs';

const NET = ['--network', 'testing', '--difficulty', '6', '--registrations-per-hour', '1000'];
const tempDir = tempDirs('vns-hardening-');

/**
 * A signed registration built on a client node of the server's network: the entry bytes.
 * @param {string} url @param {string} name @param {{ type: string, value: string }[]} records
 */
async function signedRegistration(url, name, records) {
  const status = await (await fetch(`${url}/api/vns/status`)).json();
  const client = await open({ storage: 'memory', ...status.open });
  try {
    await client.register(generateKeys(), name, records);
    return /** @type {Uint8Array} */ (client.entryBlock(name));
  } finally {
    await client.close();
  }
}

/** @param {string} url @param {Uint8Array} bytes @param {Record<string, string>} [headers] */
const post = (url, bytes, headers = {}) =>
  fetch(`${url}/api/vns/ops`, { method: 'POST', body: /** @type {BodyInit} */ (/** @type {unknown} */ (bytes)), headers: { 'content-type': 'application/vnd.ipld.dag-cbor', ...headers } });

/** Every file under `dir`, recursively. @param {string} dir */
const filesUnder = async (dir) => (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).length;

test('a data folder with blocks but no root is refused; --force-empty starts empty and keeps the blocks', async () => {
  const data = await tempDir();
  const args = ['--data', data, '--storage', 'folder', ...NET];
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
  assert.match(started.message, /exited \(1\) before listening/);
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
  const fresh = await startServe(['--data', await tempDir(), '--storage', 'folder', ...NET]);
  fresh.child.kill('SIGKILL');
  await fresh.exited;
});

test('a save and a load of more blocks than the descriptor limit reach a folder under ulimit -n 1024', async () => {
  // The core hands the adapter every block of a save at once; 5,000 puts in flight would need
  // 5,000 descriptors. Run in a child process so the limit applies to it alone.
  const script = fileURLToPath(new URL('./many-writes.mjs', import.meta.url));
  const run = spawnSync('bash', ['-c', `ulimit -n 1024 && exec "${process.execPath}" "${script}" "$0" 5000`, await tempDir()], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), { written: 5000, read: 5000, deleted: 5000 });
});

test('idle sockets from one address are refused past the per-address cap; another address still syncs and POSTs succeed', async () => {
  const CAP = 8;
  // The accepted idle sockets must outlive the handshake timeout (10 s) while 5,000 open: the
  // cap is what this measures (the timeout has its own test in tests/multinode/).
  const node = await startServe(['--memory', '--max-peers-per-address', String(CAP), '--handshake-timeout-ms', '600000', ...NET]);
  /** @type {WebSocket[]} */
  const sockets = [];
  try {
    const idle = 5000;
    /** @type {string[]} */
    const closes = [];
    /** Opens one raw socket from 127.0.0.1 (it never sends anything); resolves once it opened. */
    const openOne = () =>
      new Promise((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${node.port}/vns`);
        sockets.push(ws);
        ws.once('close', (code, reason) => {
          closes.push(`${code} ${reason}`);
          resolve(undefined);
        });
        ws.once('error', () => {});
        ws.once('open', () => resolve(undefined));
      });
    for (let i = 0; i < idle; i += 500) {
      await Promise.all(Array.from({ length: Math.min(500, idle - i) }, openOne));
    }
    await eventually(() => closes.length >= idle - CAP, { timeoutMs: 60_000, what: 'the refusals' });
    await new Promise((r) => setTimeout(r, 500)); // no further socket closes
    assert.equal(sockets.filter((ws) => ws.readyState === WebSocket.OPEN).length, CAP, 'the cap from one address');
    assert.deepEqual(new Set(closes), new Set(['1013 vns.too_many_peers']), 'refused with 1013 and the reason');
    assert.equal(closes.length, idle - CAP);

    // A second address (127.0.0.2 is loopback too) still gets a peer link that syncs.
    const bytes = await signedRegistration(node.url, 'flooded', [{ type: 'TXT', value: 'still here' }]);
    const status = await (await fetch(`${node.url}/api/vns/status`)).json();
    const peer = await open({ storage: 'memory', ...status.open, tickIntervalMs: 50 });
    // Bound to 127.0.0.2: the kernel would otherwise pick 127.0.0.1 as the source address.
    class FromSecondAddress extends WebSocket {
      /** @param {string | URL} url @param {string | string[]} [protocols] */
      constructor(url, protocols) {
        super(url, protocols, { localAddress: '127.0.0.2' });
      }
    }
    const link = connectWebSocket(peer, `ws://127.0.0.1:${node.port}/vns`, { minDelayMs: 50, WebSocket: FromSecondAddress });
    try {
      assert.equal((await post(node.url, bytes)).status, 200, 'POST succeeds under the flood');
      await eventually(() => peer.resolve('flooded').catch(() => null), { timeoutMs: 15_000, what: 'flooded.vfs on the peer' });
    } finally {
      link.stop();
      await peer.close();
    }
    const metrics = await (await fetch(`${node.url}/metrics`)).text();
    assert.match(metrics, new RegExp(`^vns_peers_refused_total\\{reason="address"\\} ${idle - CAP}$`, 'm'));
  } finally {
    for (const ws of sockets) ws.terminate();
    node.child.kill('SIGKILL');
    await node.exited;
  }
});

test('a malformed percent-encoding is a 400 with its code; HEAD on the API answers like GET without a body', async () => {
  const node = await startServe(['--memory', ...NET]);
  try {
    const bad = await fetch(`${node.url}/api/vns/resolve/%`);
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).error.code, 'http.bad_path');
    const get = await fetch(`${node.url}/api/vns/status`);
    const head = await fetch(`${node.url}/api/vns/status`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-type'), get.headers.get('content-type'));
    assert.equal((await head.arrayBuffer()).byteLength, 0);
    assert.ok((await get.arrayBuffer()).byteLength > 0);
  } finally {
    node.child.kill('SIGKILL');
    await node.exited;
  }
});
