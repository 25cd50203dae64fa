// `vns serve` as a real process: the HTTP API, metrics, the demo page, WebSocket peers,
// clean shutdown on SIGTERM, and state that survives SIGKILL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { decode, encode } from '@ipld/dag-cbor';
import { CID } from 'multiformats/cid';
import { open, generateKeys, connectWebSocket } from 'vns';
import { eventually } from 'vns/testing';
import { startServe } from '../support/serve-process.mjs';
import { tempDirs } from '../support/temp-dirs.mjs';

const NET = ['--network', 'testing', '--difficulty', '6', '--registrations-per-hour', '1000'];
const tempDir = tempDirs('vns-serve-');

/**
 * A signed registration built on a client node of the server's network: the entry bytes.
 * @param {string} url @param {string} name
 * @param {import('../../pkg/web/vns.js').RecordInput[]} records
 */
async function signedRegistration(url, name, records, keys = generateKeys()) {
  const status = await (await fetch(`${url}/api/vns/status`)).json();
  const client = await open({ storage: 'memory', ...status.open });
  try {
    await client.register(keys, name, records);
    const bytes = client.entryBlock(name);
    assert.ok(bytes, 'the client holds its registration');
    return { bytes, keys };
  } finally {
    await client.close();
  }
}

/**
 * Every CID linked from a decoded DAG-CBOR value.
 * @param {unknown} value @returns {CID[]}
 */
function links(value) {
  const cid = CID.asCID(value);
  if (cid) return [cid];
  if (value instanceof Uint8Array || value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(links);
}

/** POSTs an entry block to the node at `url`. @param {string} url @param {Uint8Array} bytes */
const post = (url, bytes) =>
  fetch(`${url}/api/vns/ops`, { method: 'POST', body: Buffer.from(bytes), headers: { 'content-type': 'application/vnd.ipld.dag-cbor' } });

test('HTTP API: submit, resolve with proof, names, status, errors, metrics, page', async (t) => {
  const node = await startServe(['--memory', ...NET]);
  t.after(() => node.child.kill('SIGKILL'));
  const { url } = node;

  const { bytes, keys } = await signedRegistration(url, 'alice', [{ type: 'A', value: '192.0.2.1' }]);
  const ok = await post(url, bytes);
  assert.equal(ok.status, 200);
  const body = await ok.json();
  assert.equal(body.name, 'alice.vfs');
  assert.equal(body.accepted, true);
  assert.equal(body.resolved.owner, keys.peerId);

  // The same bytes again: a duplicate, not a second change.
  const again = await (await post(url, bytes)).json();
  assert.equal(again.accepted, false);

  const resolved = await (await fetch(`${url}/api/vns/resolve/alice.vfs`)).json();
  assert.deepEqual(resolved.records, [{ type: 'A', value: '192.0.2.1', ttl: 3600 }]);
  const status = await (await fetch(`${url}/api/vns/status`)).json();
  assert.equal(resolved.proof.root, status.root);
  assert.equal(status.entries, 1);
  assert.equal(status.network.network, 'testing');
  // The proof verifies locally against the node's root, on an independent node.
  const checker = await open({ storage: 'memory', ...status.open });
  const proof = { root: resolved.proof.root, blocks: resolved.proof.blocks.map((/** @type {string} */ b) => Buffer.from(b, 'base64')) };
  assert.equal(checker.verifyProof(proof, 'alice.vfs'), resolved.entry);
  await checker.close();

  const names = await (await fetch(`${url}/api/vns/names?owner=${keys.peerId}`)).json();
  assert.deepEqual(names.names, ['alice.vfs']);

  // Clear errors with the rule's code and a fitting status.
  const missing = await fetch(`${url}/api/vns/resolve/nobody.vfs`);
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error.code, 'resolve.not_found');
  const garbage = await post(url, Buffer.from('not cbor at all'));
  assert.equal(garbage.status, 400);
  assert.equal((await garbage.json()).error.code, 'entry.malformed');
  const huge = await post(url, Buffer.alloc(100_000));
  assert.equal(huge.status, 413);
  // A forged signature: the registration with one bit of its signature flipped.
  const entry = /** @type {{ ops: { sig: Uint8Array }[] }} */ (decode(bytes));
  entry.ops[0].sig[0] ^= 1;
  const forged = await post(url, encode(entry));
  assert.equal(forged.status, 422);
  const forgedCode = (await forged.json()).error.code;
  assert.equal(forgedCode, 'rule.bad_signature');
  const noOwner = await fetch(`${url}/api/vns/names`);
  assert.equal(noOwner.status, 400);
  // A rival registration of the same name by another owner loses.
  const rival = await signedRegistration(url, 'alice', []);
  const lost = await post(url, rival.bytes);
  assert.equal(lost.status, 422);
  assert.equal((await lost.json()).error.code, 'rule.conflict_lost');
  // The store is untouched by all of that.
  const still = await (await fetch(`${url}/api/vns/resolve/alice`)).json();
  assert.equal(still.owner, keys.peerId);

  const held = await fetch(`${url}/api/vns/entry/alice.vfs`);
  assert.equal(held.headers.get('content-type'), 'application/vnd.ipld.dag-cbor');
  assert.deepEqual(new Uint8Array(await held.arrayBuffer()), new Uint8Array(bytes));

  const metrics = await (await fetch(`${url}/metrics`)).text();
  assert.match(metrics, /^vns_entries 1$/m);
  assert.match(metrics, /^vns_ops_accepted_total\{source="api"\} 1$/m);
  assert.match(metrics, /^vns_ops_duplicate_total\{source="api"\} 1$/m);
  assert.match(metrics, /^vns_ops_rejected_total\{source="api",code="entry.malformed"\} 1$/m);
  assert.match(metrics, /^vns_ops_rejected_total\{source="api",code="rule.conflict_lost"\} 1$/m);
  assert.match(metrics, /^vns_ops_rejected_total\{source="api",code="rule.bad_signature"\} 1$/m);
  assert.match(metrics, /^# TYPE vns_queue_dropped_total counter$/m);
  const written = Number(metrics.match(/^vns_blocks_written_total (\d+)$/m)?.[1]);
  assert.ok(written >= 2, `the entry and the tree node above it were saved (${written})`);
  assert.match(metrics, /^vns_blocks_deleted_total \d+$/m);
  assert.match(metrics, /^vns_gc_runs_total 0$/m);
  assert.match(metrics, /^vns_gc_failures_total 0$/m);

  // The demo page and the package's browser modules are served; paths cannot escape.
  const page = await fetch(`${url}/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  const wasm = await fetch(`${url}/pkg/web/vns_bg.wasm`);
  assert.equal(wasm.headers.get('content-type'), 'application/wasm');
  await wasm.arrayBuffer();
  const escape = await fetch(`${url}/js/..%2f..%2fpackage.json`);
  assert.equal(escape.status, 404);
});

test('WebSocket peers: a registration on one process reaches another and a package node', async (t) => {
  const a = await startServe(['--memory', ...NET]);
  t.after(() => a.child.kill('SIGKILL'));
  const b = await startServe(['--memory', ...NET, '--peer', a.ws]);
  t.after(() => b.child.kill('SIGKILL'));
  const status = await (await fetch(`${a.url}/api/vns/status`)).json();
  const watcher = await open({ storage: 'memory', ...status.open, tickIntervalMs: 50 });
  t.after(() => watcher.close());
  connectWebSocket(watcher, b.ws, { minDelayMs: 50 });

  const { bytes } = await signedRegistration(a.url, 'relay', [{ type: 'TXT', value: 'hop' }]);
  assert.equal((await post(a.url, bytes)).status, 200);
  const onB = await eventually(async () => {
    const r = await fetch(`${b.url}/api/vns/resolve/relay`);
    return r.ok && r.json();
  }, { timeoutMs: 15_000, what: 'relay.vfs on node b' });
  assert.equal(onB.records[0].value, 'hop');
  const onWatcher = await eventually(() => watcher.resolve('relay').catch(() => null), { timeoutMs: 15_000, what: 'relay.vfs on the package node' });
  assert.equal(onWatcher.records[0].value, 'hop');
  const rootA = (await (await fetch(`${a.url}/api/vns/status`)).json()).root;
  await eventually(async () => (await (await fetch(`${b.url}/api/vns/status`)).json()).root === rootA, { timeoutMs: 15_000, what: 'equal roots' });
  const metricsB = await (await fetch(`${b.url}/metrics`)).text();
  assert.match(metricsB, /^vns_ops_accepted_total\{source="peer"\} 1$/m);
  assert.match(metricsB, /^vns_peers 2$/m); // node a and the package node
});

test('a node catching up names from a peer times the catch-up in /metrics', async (t) => {
  const a = await startServe(['--memory', ...NET]);
  t.after(() => a.child.kill('SIGKILL'));
  for (const name of ['early', 'earlier']) {
    const { bytes } = await signedRegistration(a.url, name, [{ type: 'TXT', value: name }]);
    assert.equal((await post(a.url, bytes)).status, 200);
  }
  const rootA = (await (await fetch(`${a.url}/api/vns/status`)).json()).root;
  // b starts empty, after both names exist: its handshake with a finds the roots differ.
  const b = await startServe(['--memory', ...NET, '--peer', a.ws]);
  t.after(() => b.child.kill('SIGKILL'));
  await eventually(async () => (await (await fetch(`${b.url}/api/vns/status`)).json()).root === rootA, { timeoutMs: 15_000, what: 'b holds what a holds' });
  const completed = await eventually(async () => {
    const text = await (await fetch(`${b.url}/metrics`)).text();
    const count = Number(text.match(/^vns_catchup_duration_seconds_count\{result="completed"\} (\d+)$/m)?.[1] ?? 0);
    return count >= 1 ? text : null;
  }, { timeoutMs: 15_000, what: 'a completed catch-up in b\'s metrics' });
  assert.match(completed, /^# TYPE vns_catchup_duration_seconds histogram$/m);
  assert.match(completed, /^vns_catchup_duration_seconds_bucket\{le="300",result="completed"\} [1-9]\d*$/m);
  assert.match(completed, /^vns_catchups_total [1-9]\d*$/m);
});

test('SIGTERM saves and exits 0; SIGKILL loses nothing acknowledged; restart resumes', async () => {
  const data = await tempDir();
  const args = ['--data', data, ...NET];
  const first = await startServe(args);
  const one = await signedRegistration(first.url, 'durable', [{ type: 'A', value: '198.51.100.7' }]);
  assert.equal((await post(first.url, one.bytes)).status, 200);
  first.child.kill('SIGTERM');
  const [code] = await first.exited;
  assert.equal(code, 0, 'clean exit on SIGTERM');
  assert.ok(first.lines.some((l) => l.event === 'stopping' && l.signal === 'SIGTERM'));

  const second = await startServe(args);
  const kept = await (await fetch(`${second.url}/api/vns/resolve/durable`)).json();
  assert.equal(kept.records[0].value, '198.51.100.7');
  const two = await signedRegistration(second.url, 'crashproof', [{ type: 'TXT', value: 'acked' }]);
  assert.equal((await post(second.url, two.bytes)).status, 200); // answered after the save
  const rootBefore = (await (await fetch(`${second.url}/api/vns/status`)).json()).root;
  second.child.kill('SIGKILL');
  const [, signal] = await second.exited;
  assert.equal(signal, 'SIGKILL');

  const third = await startServe(args);
  try {
    const status = await (await fetch(`${third.url}/api/vns/status`)).json();
    assert.equal(status.entries, 2);
    assert.equal(status.root, rootBefore);
    const r = await (await fetch(`${third.url}/api/vns/resolve/crashproof`)).json();
    assert.equal(r.records[0].value, 'acked');
    // Not sent to any peer yet: both registrations wait in the persisted delta queue.
    assert.equal(status.queue.size, 2);
  } finally {
    third.child.kill('SIGKILL');
  }
});

test('blocks written by the server decode with @ipld/dag-cbor and match their CIDs', async () => {
  const data = await tempDir();
  // The folder storage: blocks as files an IPFS tool reads (the database holds the same bytes).
  const node = await startServe(['--data', data, '--storage', 'folder', ...NET]);
  const { bytes } = await signedRegistration(node.url, 'ipld', [{ type: 'FS', value: 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi' }]);
  assert.equal((await post(node.url, bytes)).status, 200);
  node.child.kill('SIGTERM');
  await node.exited;
  const { FsBlockstore } = await import('blockstore-fs');
  const { blake3 } = await import('@noble/hashes/blake3.js');
  const { fileState } = await import('vns/file-state');
  const rootBytes = await (await fileState(join(data, 'state'))).get('root');
  assert.ok(rootBytes, 'a root pointer was saved');
  const root = CID.decode(rootBytes);
  const store = new FsBlockstore(join(data, 'blocks'));
  await store.open();
  // Walk from the root: every block decodes, hashes to its CID, and links resolve.
  /** @type {Set<string>} */
  const seen = new Set();
  /** @param {CID} cid */
  const walk = async (cid) => {
    if (seen.has(cid.toString())) return;
    seen.add(cid.toString());
    const chunks = [];
    const got = await store.get(cid);
    if (got instanceof Uint8Array) chunks.push(got);
    else for await (const c of got) chunks.push(c);
    const block = Buffer.concat(chunks);
    assert.equal(cid.code, 0x71, 'dag-cbor');
    assert.deepEqual(Buffer.from(blake3(block)), Buffer.from(cid.multihash.digest));
    const value = decode(block);
    for (const link of links(value)) await walk(link);
  };
  await walk(root);
  assert.ok(seen.size >= 2, `walked ${seen.size} blocks from the root`);
});
