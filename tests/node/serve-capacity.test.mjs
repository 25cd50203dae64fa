// What an operator sees of how much a node holds: the wasm heap as the package and `vns
// serve`'s /metrics report it (linear memory, what is held now and the most held at once,
// counted by the allocator, frees included), and the lines a node logs around its load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heapStats, Keys } from 'vns';
import { ServeProcess, startServe } from '../support/serve-process.mjs';
import { registerNames } from '../support/register-names.mjs';
import { tempDirs } from '../support/temp-dirs.mjs';

const tempDir = tempDirs('vns-capacity-');

const PAGE = 64 * 1024;
const WASM32_LIMIT = 2 ** 32;

/** @param {{ memoryBytes: number, liveBytes: number, peakLiveBytes: number }} heap */
function assertConsistent(heap) {
  assert.ok(heap.memoryBytes > 0 && heap.memoryBytes % PAGE === 0, `memory is whole 64 KiB pages (${heap.memoryBytes})`);
  assert.ok(heap.memoryBytes <= WASM32_LIMIT, 'within wasm32');
  assert.ok(heap.liveBytes > 0, 'the instance holds something once it runs');
  assert.ok(heap.liveBytes <= heap.peakLiveBytes, `held (${heap.liveBytes}) never above the most held (${heap.peakLiveBytes})`);
  assert.ok(heap.peakLiveBytes <= heap.memoryBytes, 'and that fits in linear memory');
}

test('heapStats counts what the wasm allocates and what it frees', () => {
  const before = heapStats();
  assertConsistent(before);
  const keys = Array.from({ length: 2000 }, () => Keys.generate());
  const holding = heapStats();
  assertConsistent(holding);
  // Each Keys holds at least its 32-byte secret and 32-byte public key in the wasm heap.
  assert.ok(holding.liveBytes - before.liveBytes >= 2000 * 64, `2,000 keys held: +${holding.liveBytes - before.liveBytes} bytes`);
  assert.ok(holding.peakLiveBytes >= holding.liveBytes);
  for (const k of keys) k.free();
  const after = heapStats();
  assert.ok(after.liveBytes <= before.liveBytes + 16 * 1024, `freed again: ${after.liveBytes} bytes held, ${before.liveBytes} before`);
  assert.ok(after.peakLiveBytes >= holding.peakLiveBytes, 'the most held does not fall: it remembers the 2,000 keys');
  assert.ok(after.memoryBytes >= holding.memoryBytes, 'linear memory never shrinks');
});

test('/metrics of vns serve reports the wasm heap', { timeout: 60_000 }, async (t) => {
  const node = await startServe(['--memory', '--network', 'testing']);
  t.after(() => node.kill());
  const m = await node.metrics();
  const heap = {
    memoryBytes: Number(m.get('vns_wasm_memory_bytes')),
    liveBytes: Number(m.get('vns_wasm_heap_live_bytes')),
    peakLiveBytes: Number(m.get('vns_wasm_heap_peak_bytes')),
  };
  assertConsistent(heap);
});

test('vns serve says it is loading its folder, then how many names it loaded and how long it took', { timeout: 60_000 }, async () => {
  const data = await tempDir();
  const node = new ServeProcess(1, data, ['--network', 'testing']);
  await node.start();
  try {
    await registerNames(node, ['kept1', 'kept2', 'kept3']);
    assert.equal(await node.stop(), 0);
    await node.start();
    const events = node.lines.map((l) => l.event);
    const [loading, loaded] = ['loading', 'loaded'].map((e) => node.lines.find((l) => l.event === e));
    assert.ok(loading && loaded, `loading and loaded lines: ${events.join(', ')}`);
    assert.ok(events.indexOf('loading') < events.indexOf('loaded') && events.indexOf('loaded') < events.indexOf('listening'), events.join(', '));
    assert.equal(loading.data, data);
    assert.equal(loaded.entries, 3);
    assert.ok(Number.isInteger(loaded.ms) && loaded.ms >= 0);
    assert.match(loaded.message, /^3 names loaded in \d+\.\d s$/);
  } finally {
    await node.kill();
  }
});
