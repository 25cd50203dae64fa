// @ts-check
/**
 * The DHT manifest record and the node key, without processes: a valid manifest passes and
 * every broken one (garbage, truncated, unsigned, re-signed by another key, under another
 * key, stale, from the future, oversized) is refused with `dht.bad_manifest`; the selector
 * keeps the newest valid record; the node key survives a reload and a corrupt key file is
 * refused with `serve.bad_node_key`; the libp2p flags need `--libp2p`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey } from '@libp2p/peer-id';
import { signManifest, validateManifest, manifestKey, manifestRecords, MANIFEST_MAX_AGE_MS, MANIFEST_MAX_SKEW_MS } from '../../js/libp2p/manifest.js';
import { loadNodeKey, NODE_KEY_FILE } from '../../js/libp2p/node-key.js';
import { libp2pOptionsFromFlags } from '../../js/libp2p/options.js';

const NOW = 1_793_491_200_000;
const NETWORK = 'ab'.repeat(32);
const fields = { network: NETWORK, addrs: ['/ip4/127.0.0.1/tcp/4001'], root: 'bafyroot', entries: 7, time: NOW };

/** @param {Promise<unknown>} promise @param {RegExp} why */
async function refused(promise, why) {
  await assert.rejects(promise, (/** @type {any} */ e) => {
    assert.equal(e.code, 'dht.bad_manifest');
    assert.match(e.message, why);
    return true;
  });
}

test('a signed manifest validates and says what it was signed with', async () => {
  const key = await generateKeyPair('Ed25519');
  const { key: dhtKey, value } = await signManifest(key, fields);
  const m = await validateManifest(dhtKey, value, NOW);
  assert.deepEqual(m, { ...fields, peer: peerIdFromPrivateKey(key).toString() });
});

test('broken, forged, stale and future manifests are refused', async () => {
  const key = await generateKeyPair('Ed25519');
  const other = await generateKeyPair('Ed25519');
  const peer = peerIdFromPrivateKey(key).toString();
  const { key: dhtKey, value } = await signManifest(key, fields);
  await refused(validateManifest(dhtKey, new Uint8Array(0), NOW), /bytes/);
  await refused(validateManifest(dhtKey, value.subarray(0, 64), NOW), /bytes/);
  await refused(validateManifest(dhtKey, new Uint8Array(200).fill(0x7b), NOW), /JSON/);
  await refused(validateManifest(dhtKey, new Uint8Array(9000), NOW), /bytes/);
  // Unsigned: a zero signature.
  const unsigned = Uint8Array.from(value);
  unsigned.fill(0, 0, 64);
  await refused(validateManifest(dhtKey, unsigned, NOW), /signature/);
  // One payload byte changed after signing (the entry count 7 becomes 8).
  const tampered = Uint8Array.from(value);
  const count = Buffer.from(tampered).indexOf('"entries":7') + '"entries":'.length;
  assert.equal(tampered[count], 0x37);
  tampered[count] = 0x38;
  await refused(validateManifest(dhtKey, tampered, NOW), /signature/);
  // Signed by another key while naming this peer: its own key under this peer's DHT key.
  const { value: theirs } = await signManifest(other, fields);
  await refused(validateManifest(dhtKey, theirs, NOW), /another network or peer/);
  // A valid record under another network's key.
  await refused(validateManifest(manifestKey('cd'.repeat(32), peer), value, NOW), /another network or peer/);
  await refused(validateManifest(new TextEncoder().encode('/vns/other/x/y'), value, NOW), /not a manifest key/);
  await refused(validateManifest(dhtKey, value, NOW + MANIFEST_MAX_AGE_MS + 1), /stale/);
  await refused(validateManifest(dhtKey, value, NOW - MANIFEST_MAX_SKEW_MS - 1), /ahead/);
  // Right at the edges it passes.
  await validateManifest(dhtKey, value, NOW + MANIFEST_MAX_AGE_MS);
  await validateManifest(dhtKey, value, NOW - MANIFEST_MAX_SKEW_MS);
});

test('the DHT selector keeps the newest valid manifest', async () => {
  const key = await generateKeyPair('Ed25519');
  const older = await signManifest(key, { ...fields, time: NOW - 60_000 });
  const newer = await signManifest(key, { ...fields, time: NOW - 1_000 });
  const broken = Uint8Array.from(newer.value);
  broken[0] ^= 1;
  const { selectors, validators } = manifestRecords(() => NOW);
  assert.equal(await selectors.vns(newer.key, [older.value, broken, newer.value]), 2);
  await assert.rejects(Promise.resolve(validators.vns(newer.key, broken)));
});

test('the node key survives a reload; a corrupt key file is refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vns-node-key-'));
  try {
    const first = await loadNodeKey(dir);
    const again = await loadNodeKey(dir);
    assert.equal(peerIdFromPrivateKey(again).toString(), peerIdFromPrivateKey(first).toString());
    assert.equal((await stat(join(dir, NODE_KEY_FILE))).mode & 0o777, 0o600);
    await writeFile(join(dir, NODE_KEY_FILE), 'not a key');
    await assert.rejects(loadNodeKey(dir), { code: 'serve.bad_node_key' });
    const a = await loadNodeKey(null);
    const b = await loadNodeKey(null);
    assert.notEqual(peerIdFromPrivateKey(a).toString(), peerIdFromPrivateKey(b).toString(), 'no folder: a new key each time');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('libp2p flags are read only with --libp2p', () => {
  assert.equal(libp2pOptionsFromFlags({}), undefined);
  assert.throws(() => libp2pOptionsFromFlags({ 'libp2p-bootstrap': ['/ip4/1.2.3.4/tcp/1'] }), /needs --libp2p/);
  assert.throws(() => libp2pOptionsFromFlags({ libp2p: true, 'libp2p-peers': '0' }), /positive integer/);
  // Only what was given: startLibp2p fills in the defaults.
  assert.deepEqual(libp2pOptionsFromFlags({ libp2p: true, 'libp2p-peers': '3' }), { wantedPeers: 3 });
});
