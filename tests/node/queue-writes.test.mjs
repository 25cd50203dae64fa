// Bytes a save hands to a real folder (and to the database) when the delta queue is full:
// the queue is stored as chunks, so a save writes the chunks that changed, not the queue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, generateKeys, fsStorage, dbStorage, attachMessagePort } from 'vns';
import { eventually } from 'vns/testing';
import { tempDirs } from '../support/temp-dirs.mjs';

const tempDir = tempDirs('vns-queue-writes-');

/** A full queue, as the default capacity holds. */
const QUEUE = 1000;
/** What one change's save may write of the queue: two chunks of 16 deltas (~5 KB each at
 * most) and the record (~2.6 KB), where the whole queue is ~300 KB. */
const QUEUE_BOUND = 12_000;
/** What the whole save may write: that, the change's entry and the tree nodes on its path
 * (~10 KB at 1,000 names). */
const BOUND = 24_000;

/** Whether `bytes` is a queue chunk: DAG-CBOR `{ "n": …` (docs/protocol.md, "Saved delta
 * queue"); entries start `{ "ops"`, tree nodes `{ "e"`. @param {Uint8Array} bytes */
const isChunk = (bytes) => bytes[0] === 0xa2 && bytes[1] === 0x61 && bytes[2] === 0x6e;

/** @typedef {Awaited<ReturnType<typeof fsStorage>> | Awaited<ReturnType<typeof dbStorage>>} Adapter */

/**
 * `adapter`, counting the bytes of every block and state entry written through it.
 * @template {Adapter} A
 * @param {A} adapter
 */
function counting(adapter) {
  const counted = { ...adapter, written: 0, queue: 0, stateWrites: /** @type {string[]} */ ([]) };
  /** @param {Uint8Array} bytes */
  const block = (bytes) => {
    counted.written += bytes.length;
    if (isChunk(bytes)) counted.queue += bytes.length;
  };
  /** @param {string} key @param {Uint8Array | undefined} bytes */
  const state = (key, bytes) => {
    counted.written += bytes?.length ?? 0;
    if (key === 'queue') counted.queue += bytes?.length ?? 0;
    counted.stateWrites.push(key);
  };
  /** @param {Uint8Array} key @param {Uint8Array} bytes */
  counted.put = async (key, bytes) => {
    block(bytes);
    return adapter.put(key, bytes);
  };
  /** @param {string} key @param {Uint8Array | undefined} bytes */
  counted.setState = async (key, bytes) => {
    state(key, bytes);
    return adapter.setState(key, bytes);
  };
  if ('commit' in adapter) {
    const commit = adapter.commit;
    /** @param {[Uint8Array, Uint8Array][]} puts @param {[string, Uint8Array | undefined][]} entries */
    const counting = async (puts, entries) => {
      for (const [, bytes] of puts) block(bytes);
      for (const [key, bytes] of entries) state(key, bytes);
      return commit(puts, entries);
    };
    Object.assign(counted, { commit: counting });
  }
  return counted;
}

const options = /** @type {const} */ ({ network: 'testing', difficulty: 4, registrationsPerHour: 100_000, saveDelayMs: 3_600_000 });

/**
 * Fills a node's queue with `QUEUE` registrations (no peer takes them), saves, then measures
 * the saves of one update and of one more registration (which pushes the oldest out).
 * @param {Adapter} adapter
 */
async function measure(adapter) {
  const store = counting(adapter);
  const vns = await open({ storage: store, ...options });
  const keys = generateKeys();
  const labels = Array.from({ length: QUEUE }, (_, i) => `queued${String(i).padStart(4, '0')}`);
  for (const label of labels) await vns.register(keys, label, [{ type: 'TXT', value: `first ${label}` }]);
  await vns.save();
  assert.equal(vns.queueStatus().size, QUEUE, 'every change waits in the queue');
  const full = store.written;

  const saveOf = async (/** @type {() => Promise<unknown>} */ change) => {
    store.written = 0;
    store.queue = 0;
    await change();
    await vns.save();
    return { all: store.written, queue: store.queue };
  };
  const update = await saveOf(() => vns.update(keys, labels[500], [{ type: 'TXT', value: 'changed' }]));
  const register = await saveOf(() => vns.register(keys, 'oneoverfull', [{ type: 'TXT', value: 'new' }]));
  store.stateWrites.length = 0;
  const nothing = await saveOf(async () => {});
  const untouched = store.stateWrites.slice();
  const queue = vns.queueStatus();
  await vns.close();
  return { full, update, register, nothing, untouched, queue, labels, keys };
}

for (const [kind, make] of /** @type {const} */ ([
  ['folder', (/** @type {string} */ dir) => fsStorage(dir)],
  ['database', (/** @type {string} */ dir) => dbStorage(dir)],
])) {
  test(`${kind}: with a full queue of ${QUEUE}, one change's save writes under ${QUEUE_BOUND} bytes of the queue (${BOUND} in all), and the queue survives a restart`, async () => {
    const dir = await tempDir();
    const got = await measure(await make(dir));
    const line = (/** @type {{ all: number, queue: number }} */ w) => `${w.all} B (${w.queue} B of the queue)`;
    console.log(`${kind}: first save ${got.full} B; one update ${line(got.update)}; one registration into the full queue ${line(got.register)}; no change ${line(got.nothing)}`);
    assert.ok(got.full > 250_000, `the first save wrote the queue and its entries (${got.full} B)`);
    for (const [what, w] of /** @type {const} */ ([['update', got.update], ['registration', got.register]])) {
      assert.ok(w.queue > 0, `one ${what}'s save wrote the queue's change`);
      assert.ok(w.queue < QUEUE_BOUND, `one ${what}'s save wrote ${w.queue} B of the queue`);
      assert.ok(w.all < BOUND, `one ${what}'s save wrote ${w.all} B`);
    }
    assert.equal(got.nothing.all, 0, 'a save with nothing changed writes nothing');
    assert.deepEqual(got.untouched, [], 'and no state entry');
    assert.equal(got.queue.size, QUEUE);
    assert.equal(got.queue.dropped, 1, 'the registration pushed the oldest out');

    const again = await open({ storage: await make(dir), ...options });
    try {
      assert.deepEqual(again.queueStatus(), got.queue, 'the queue, its size and counters, came back');
      // Its entries came back too: a peer gets every one of them from the queue.
      const peer = await open({ storage: 'memory', ...options });
      const channel = new MessageChannel();
      const links = [attachMessagePort(again, channel.port1), attachMessagePort(peer, channel.port2)];
      try {
        await eventually(() => again.queueStatus().replayed === got.queue.replayed + QUEUE, { what: 'the queue replayed', timeoutMs: 60_000 });
        await eventually(() => peer.size === QUEUE + 1, { what: 'the peer holding every name', timeoutMs: 60_000 });
        assert.equal((await peer.resolve(`${got.labels[500]}.vfs`)).records[0].value, 'changed');
      } finally {
        for (const link of links) link.close();
        channel.port1.close();
        await peer.close();
      }
    } finally {
      await again.close();
    }
  });
}
