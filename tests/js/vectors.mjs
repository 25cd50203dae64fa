// The known answers of tests/vectors/ checked with other libraries than the ones VNS is built
// on, as a second implementation would: @ipld/dag-cbor decodes every encoded value and
// re-encodes it to the same bytes, @noble/hashes' BLAKE3 and multiformats give the hashes
// and CIDs, node:crypto verifies the Ed25519 signatures, and the proof-of-work input is laid
// out from the protocol document.
//
//   node --test tests/js/vectors.mjs
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import * as dagCbor from '@ipld/dag-cbor';
import { CID } from 'multiformats/cid';
import { create as digestOf } from 'multiformats/hashes/digest';
import { blake3 } from '@noble/hashes/blake3.js';

const load = (/** @type {string} */ file) =>
  JSON.parse(readFileSync(new URL(`../vectors/${file}`, import.meta.url), 'utf8'));
const hex = (/** @type {Uint8Array} */ b) => Buffer.from(b).toString('hex');
const bytes = (/** @type {string} */ h) => new Uint8Array(Buffer.from(h, 'hex'));
const cidOf = (/** @type {Uint8Array} */ b) => CID.create(1, dagCbor.code, digestOf(0x1e, blake3(b)));

/** Decodes with @ipld/dag-cbor and checks the bytes are its canonical encoding. */
function decode(/** @type {string} */ h) {
  const value = dagCbor.decode(bytes(h));
  assert.equal(hex(dagCbor.encode(value)), h, 'canonical DAG-CBOR');
  return value;
}

test('network ids: BLAKE3 of the documented map', () => {
  for (const { name, inputs, outputs } of load('network.json').networks) {
    const { reserved, ...params } = inputs;
    assert.deepEqual(decode(outputs.id_input_cbor), { params, reserved }, name);
    assert.equal(hex(blake3(bytes(outputs.id_input_cbor))), outputs.network_id, name);
  }
});

test('records and record sets', () => {
  const { records, sets } = load('records.json');
  for (const { name, outputs } of records) assert.deepEqual(decode(outputs.cbor), outputs.canonical, name);
  for (const { name, inputs, outputs } of sets) {
    assert.deepEqual(decode(outputs.cbor), inputs.records, name);
    assert.equal(hex(blake3(bytes(outputs.cbor))), outputs.hash, name);
  }
});

test('ops: fields, hash, signing message and Ed25519 signature', () => {
  const spki = bytes('302a300506032b6570032100'); // DER prefix of a raw Ed25519 public key
  for (const { name, inputs, outputs } of load('ops.json').ops) {
    const op = decode(outputs.op_cbor);
    const expected = { v: 1, kind: inputs.kind, name: inputs.name, seq: inputs.seq, ts: inputs.ts, signer: bytes(outputs.signer), records: bytes(inputs.records), expires: inputs.expires };
    for (const key of ['lineage', 'prev', 'new_owner']) if (inputs[key] !== null) expected[key] = bytes(inputs[key]);
    if (inputs.nonce !== null) expected.nonce = inputs.nonce;
    assert.deepEqual(op, expected, name);
    assert.equal(hex(blake3(bytes(outputs.op_cbor))), outputs.op_hash, name);
    assert.equal(outputs.signing_message, hex(Buffer.from('vns/op/v1\0')) + outputs.op_cbor, name);
    const key = createPublicKey({ key: Buffer.concat([spki, bytes(outputs.signer)]), format: 'der', type: 'spki' });
    assert.ok(verify(null, bytes(outputs.signing_message), key, bytes(outputs.signature)), `${name}: signature`);
    assert.deepEqual(decode(outputs.signed_op_cbor), { op, sig: bytes(outputs.signature) }, name);
  }
});

test('entries: { ops, records } blocks and their CIDs', () => {
  for (const { name, inputs, outputs } of load('entries.json').entries) {
    const entry = decode(outputs.cbor);
    assert.deepEqual(entry, { ops: inputs.ops.map(decode), records: inputs.records }, name);
    assert.equal(cidOf(bytes(outputs.cbor)).toString(), outputs.cid, name);
  }
});

test('proof-of-work inputs laid out from the document', () => {
  for (const { name, inputs, outputs } of load('pow.json').pow) {
    const nameBytes = Buffer.from(inputs.name);
    const ts = Buffer.alloc(8);
    ts.writeBigUInt64BE(BigInt(inputs.ts));
    const nonce = Buffer.alloc(8);
    nonce.writeBigUInt64BE(BigInt(inputs.nonce));
    const input = Buffer.concat([Buffer.from('vns/pow/v1\0'), Buffer.from([nameBytes.length]), nameBytes, bytes(inputs.owner), ts, nonce]);
    assert.equal(hex(input), outputs.input, name);
    const hash = blake3(input);
    assert.equal(hex(hash), outputs.hash, name);
    const zeros = [...hash].findIndex((b) => b !== 0);
    assert.equal(zeros * 8 + Math.clz32(hash[zeros]) - 24, outputs.leading_zero_bits, name);
    assert.equal(outputs.leading_zero_bits >= inputs.difficulty, outputs.meets_difficulty, name);
  }
});

test('tree nodes: blocks, CIDs, links and prefix-compressed keys', () => {
  for (const { name, inputs, outputs } of load('tree.json').trees) {
    assert.equal(outputs.nodes[0].cid, outputs.root, name);
    const keys = [];
    for (const node of outputs.nodes) {
      assert.equal(cidOf(bytes(node.cbor)).toString(), node.cid, name);
      const { e, l } = decode(node.cbor);
      assert.ok(l === null || CID.asCID(l), name);
      let previous = new Uint8Array();
      for (const { p, k, v, t } of e) {
        const key = new Uint8Array([...previous.subarray(0, p), ...k]);
        keys.push(Buffer.from(key).toString());
        assert.ok(CID.asCID(v) && (t === null || CID.asCID(t)), name);
        previous = key;
      }
    }
    assert.deepEqual(keys.sort(), inputs.pairs.map((x) => x.name).sort(), `${name}: every name is in one node`);
  }
});

/** CIDs as strings and bytes as hex, like the vector files write them. */
function plain(/** @type {unknown} */ value) {
  const cid = CID.asCID(value);
  if (cid) return cid.toString();
  if (value instanceof Uint8Array) return hex(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

test('sync frames: { m: { kind: fields }, v: 2 }, entries embedded as maps', () => {
  for (const { name, inputs, outputs } of load('sync.json').messages) {
    const frame = decode(outputs.frame);
    const [[kind, fields]] = Object.entries(inputs);
    assert.equal(frame.v, 2, name);
    const expected = { ...fields };
    if (expected.entries) expected.entries = expected.entries.map((e) => plain(decode(e)));
    assert.deepEqual(plain(frame.m), { [kind]: expected }, name);
  }
});

test('saved state: the root pointer is the binary CID', () => {
  const { root, queue } = load('state.json');
  for (const { inputs, outputs } of root) assert.equal(hex(CID.parse(inputs.root).bytes), outputs.bytes);
  for (const { name, outputs } of queue) assert.equal(decode(outputs.bytes).v, 1, name);
});
