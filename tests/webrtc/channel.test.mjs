// @ts-check
// One data channel as a peer link, on a scripted channel: a link that hears nothing past the
// silence timeout ends as `silent`; frames are cut into chunks no larger than 16 KiB and joined
// again; a message that is not a chunk closes the session.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attachDataChannel, CHUNK_PAYLOAD } from '../../js/webrtc-channel.js';
import { testNode, eventually } from 'vns/testing';
import { generateKeys } from 'vns';

/** A data channel whose other end is the test: `sent` holds what the link sent. */
function scriptedChannel() {
  /** @type {Map<string, Array<(e: any) => void>>} */
  const listeners = new Map();
  /** @type {Array<Uint8Array | string>} */
  const sent = [];
  const channel = {
    readyState: 'open',
    binaryType: 'blob',
    /** @param {Uint8Array | string} data */
    send(data) {
      sent.push(typeof data === 'string' ? data : data.slice());
    },
    close() {
      if (channel.readyState === 'closed') return;
      channel.readyState = 'closed';
      for (const l of listeners.get('close') ?? []) l({});
    },
    /** @param {string} type @param {(e: any) => void} listener */
    addEventListener(type, listener) {
      listeners.set(type, [...(listeners.get(type) ?? []), listener]);
    },
    /** Delivers `data` to the link as the other end would. @param {unknown} data */
    deliver(data) {
      for (const l of listeners.get('message') ?? []) l({ data });
    },
  };
  return { channel, sent };
}

test('a link that hears nothing past the silence timeout ends as silent', async () => {
  const vns = await testNode();
  try {
    const { channel, sent } = scriptedChannel();
    const link = attachDataChannel(vns, channel, { silenceMs: 300, pingIntervalMs: 50 });
    assert.equal(await link.closed, 'silent');
    assert.equal(channel.readyState, 'closed');
    assert.ok(sent.some((m) => typeof m === 'string' && /^ping:\d+$/.test(m)), 'it pinged before giving up');
  } finally {
    await vns.close();
  }
});

test('a link that is answered stays up and measures the round trip', async () => {
  const vns = await testNode();
  try {
    const { channel, sent } = scriptedChannel();
    const link = attachDataChannel(vns, channel, { silenceMs: 300, pingIntervalMs: 50 });
    const answered = setInterval(() => {
      for (const m of sent.splice(0)) if (typeof m === 'string' && m.startsWith('ping:')) channel.deliver(`pong:${m.slice(5)}`);
    }, 20);
    await new Promise((resolve) => setTimeout(resolve, 700));
    clearInterval(answered);
    assert.equal(link.stats.open, true);
    assert.equal(typeof link.stats.rttMs, 'number');
    link.close();
    assert.equal(await link.closed, 'closed');
  } finally {
    await vns.close();
  }
});

test('frames go out in chunks of at most 16 KiB that join back into the frame', async () => {
  const [full, empty] = await Promise.all([testNode(), testNode()]);
  try {
    // Entries of over 1 KiB, so that one `entries` answer (48 of them) spans several chunks.
    const keys = generateKeys();
    for (let i = 0; i < 60; i += 1) await full.register(keys, `chunk-${i}`, [0, 1, 2, 3].map((n) => ({ type: 'TXT', value: `${n}`.repeat(250) })));
    const a = scriptedChannel();
    const b = scriptedChannel();
    // Each side's sends reach the other, as over a real channel.
    const pump = setInterval(() => {
      for (const m of a.sent.splice(0)) b.channel.deliver(typeof m === 'string' ? m : m.slice().buffer);
      for (const m of b.sent.splice(0)) a.channel.deliver(typeof m === 'string' ? m : m.slice().buffer);
    }, 5);
    /** @type {Uint8Array[]} */
    const chunks = [];
    const send = a.channel.send;
    a.channel.send = (data) => {
      if (typeof data !== 'string') chunks.push(data.slice());
      send(data);
    };
    attachDataChannel(full, a.channel);
    attachDataChannel(empty, b.channel);
    await eventually(() => empty.size === 60, { timeoutMs: 10_000, what: 'catch-up over chunks' });
    clearInterval(pump);
    assert.equal(empty.merkleRoot(), full.merkleRoot());
    for (const c of chunks) assert.ok(c.length <= CHUNK_PAYLOAD + 1 && (c[0] === 0 || c[0] === 1), `chunk of ${c.length} bytes, flag ${c[0]}`);
    assert.ok(chunks.some((c) => c[0] === 1), 'a frame spanned several chunks');
  } finally {
    await full.close();
    await empty.close();
  }
});

test('a message that is not a chunk closes the session', async () => {
  const vns = await testNode();
  try {
    /** @type {string[]} */
    const errors = [];
    vns.addEventListener('error', (e) => errors.push(/** @type {any} */ (e.detail).code));
    const { channel } = scriptedChannel();
    const link = attachDataChannel(vns, channel);
    channel.deliver(new Uint8Array([7, 1, 2, 3]).buffer);
    assert.equal(await link.closed, 'closed');
    assert.ok(errors.length >= 1, 'reported as a peer error');
  } finally {
    await vns.close();
  }
});

test('each side tells its count of other peers once per change, and a bad count closes the session', async () => {
  const vns = await testNode();
  try {
    const { channel, sent } = scriptedChannel();
    const link = attachDataChannel(vns, channel, { pingIntervalMs: 60_000 });
    link.tellPeers(2);
    link.tellPeers(2);
    link.tellPeers(3);
    assert.deepEqual(sent.filter((m) => typeof m === 'string' && m.startsWith('peers:')), ['peers:2', 'peers:3'], 'sent once per change');
    assert.equal(link.stats.remotePeers, null, 'nothing told yet');
    channel.deliver('peers:4');
    assert.equal(link.stats.remotePeers, 4);
    assert.equal(link.stats.open, true);
    for (const bad of ['peers:65536', 'peers:-1', 'peers:', 'peers:1.5', 'peers:123456']) {
      const other = scriptedChannel();
      const closing = attachDataChannel(vns, other.channel, { pingIntervalMs: 60_000 });
      other.channel.deliver(bad);
      assert.equal(await closing.closed, 'closed', bad);
    }
    link.close();
  } finally {
    await vns.close();
  }
});

test('a channel that throws on a send while it still reads as open ends the link, nothing thrown', async () => {
  const vns = await testNode();
  try {
    const { channel } = scriptedChannel();
    const link = attachDataChannel(vns, channel, { silenceMs: 5_000, pingIntervalMs: 30 });
    // As node-datachannel does when the other side closed a moment ago.
    channel.send = () => {
      throw new Error('libdatachannel error while sending data channel message: DataChannel is closed');
    };
    assert.equal(await link.closed, 'closed', 'the ping that failed ended the link');
    const other = scriptedChannel();
    const answering = attachDataChannel(vns, other.channel, { pingIntervalMs: 60_000 });
    other.channel.send = () => {
      throw new Error('closed');
    };
    other.channel.deliver('ping:1');
    assert.equal(await answering.closed, 'closed', 'the pong that failed ended the link');
  } finally {
    await vns.close();
  }
});
