// Puts `count` distinct blocks into a fresh fsStorage folder at once, as the core does for a
// large first save, reads them all back at once, as loading does, and deletes them: run under
// a low `ulimit -n` by the test.
import { fsStorage } from 'vns/fs-storage';
import { CID } from 'multiformats/cid';
import { blake3 } from '@noble/hashes/blake3.js';
import { create } from 'multiformats/hashes/digest';

const [dir, countText] = process.argv.slice(2);
const count = Number(countText);
const storage = await fsStorage(dir);
const blocks = Array.from({ length: count }, (_, i) => {
  const bytes = new TextEncoder().encode(`block ${i}`);
  // 0x1e is blake3 in the multicodec table; 0x71 DAG-CBOR, the codec fsStorage reads back.
  return { key: CID.createV1(0x71, create(0x1e, blake3(bytes))).bytes, bytes };
});
await Promise.all(blocks.map((b) => storage.put(b.key, b.bytes)));
const listed = await storage.list();
if (listed.length !== count) throw new Error(`listed ${listed.length} of ${count}`);
const read = await Promise.all(blocks.map((b) => storage.get(b.key)));
const same = read.filter((bytes, i) => bytes && Buffer.from(bytes).equals(blocks[i].bytes)).length;
if (same !== count) throw new Error(`read back ${same} of ${count}`);
await Promise.all(blocks.map((b) => storage.delete(b.key)));
console.log(JSON.stringify({ written: count, read: same, deleted: count }));
