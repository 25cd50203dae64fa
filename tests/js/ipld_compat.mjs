// Checks that VNS blocks are ordinary IPLD: every block written by the Rust core decodes with
// the IPFS ecosystem's own @ipld/dag-cbor, re-encodes to the same bytes, hashes (BLAKE3 via
// multiformats' hasher interface) to its CID, and its links are real CID objects.
//
//   node tests/js/ipld_compat.mjs <folder written by `cargo run --example export_blocks`>
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as dagCbor from '@ipld/dag-cbor';
import { CID } from 'multiformats/cid';
import { from } from 'multiformats/hashes/hasher';
import { blake3 as blake3Hash } from '@noble/hashes/blake3.js';

const dir = process.argv[2] ?? 'target/ipld-blocks';
const blake3 = from({ name: 'blake3', code: 0x1e, encode: (bytes) => blake3Hash(bytes) });

const files = readdirSync(dir).filter((f) => f.endsWith('.cbor'));
const blocks = new Map(files.map((f) => [f.slice(0, -5), readFileSync(join(dir, f))]));

/** Every CID object reachable inside a decoded value. */
function links(value, out = []) {
  const cid = CID.asCID(value);
  if (cid) out.push(cid);
  else if (value instanceof Uint8Array) return out;
  else if (Array.isArray(value)) value.forEach((v) => links(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => links(v, out));
  return out;
}

test('every block decodes, round-trips and matches its CID', async () => {
  assert.ok(blocks.size > 300, `expected tree nodes and 300 entries, found ${blocks.size} blocks`);
  for (const [name, bytes] of blocks) {
    const cid = CID.parse(name);
    assert.equal(cid.version, 1);
    assert.equal(cid.code, dagCbor.code);
    const value = dagCbor.decode(bytes);
    assert.equal(Buffer.compare(dagCbor.encode(value), bytes), 0, `${name} is not canonical`);
    const digest = await blake3.digest(bytes);
    assert.ok(CID.create(1, dagCbor.code, digest).equals(cid), `${name}: CID mismatch`);
  }
});

test('the tree is walkable from the root through CID links alone', () => {
  const root = CID.parse(readFileSync(join(dir, 'root.txt'), 'utf8').trim());
  const seen = new Set();
  let entries = 0;
  const walk = (cid) => {
    const key = cid.toString();
    if (seen.has(key)) return;
    seen.add(key);
    const bytes = blocks.get(key);
    assert.ok(bytes, `linked block ${key} missing`);
    const value = dagCbor.decode(bytes);
    if (Array.isArray(value.ops)) {
      entries += 1;
      assert.match(value.ops[0].op.name, /\.vfs$/);
      return;
    }
    for (const link of links(value)) walk(link);
  };
  walk(root);
  assert.equal(entries, 300);
  assert.equal(seen.size, blocks.size, 'every exported block is reachable from the root');
});
