// @ts-check
// Peer management on real node-datachannel connections: the cap on peers, a dead peer
// replaced by another client, and the ICE servers handed to every connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RTCPeerConnection } from 'node-datachannel/polyfill';
import { connectWebRTC, generateKeys } from 'vns';
import { eventually, testNode } from 'vns/testing';
import { localHub } from './hub-link.mjs';

const FAST = { minDelayMs: 50, maxDelayMs: 500, discoverIntervalMs: 100, connectTimeoutMs: 5_000 };

/** @param {ReturnType<typeof connectWebRTC>} rtc */
const open = (rtc) => rtc.peers().filter((p) => p.state === 'open').length;

// Only the cap is asserted here. "Every client gets a peer" does not always hold: with a cap
// of 2, four clients can fill each other's caps (a-b, a-c, b-d, c-d), and the fifth, whose id
// is the largest, is called by no one and calls no one (the smaller id calls). Tracked as a
// peer-management limitation in the README.
test('no client keeps more WebRTC peers than its cap', { timeout: 60_000 }, async () => {
  const { join } = localHub();
  const nodes = await Promise.all([0, 1, 2, 3, 4].map(() => testNode()));
  const rtcs = nodes.map((vns) => connectWebRTC(vns, { signalling: join(), maxPeers: 2, ...FAST }));
  try {
    await eventually(() => rtcs.filter((r) => open(r) >= 1).length >= 4, { timeoutMs: 30_000, what: 'peers for four clients' });
    // Give discovery time to overshoot if it could.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    for (const r of rtcs) assert.ok(r.peers().length <= 2, `at most 2 peers (${r.peers().length})`);
  } finally {
    for (const n of nodes) await n.close();
  }
});

test('a peer that goes away is replaced by another client', { timeout: 60_000 }, async () => {
  const { join } = localHub();
  const [a, b, c] = await Promise.all([testNode(), testNode(), testNode()]);
  try {
    const ra = connectWebRTC(a, { signalling: join(), maxPeers: 1, ...FAST });
    const rb = connectWebRTC(b, { signalling: join(), maxPeers: 1, ...FAST });
    await eventually(() => open(ra) === 1 && open(rb) === 1, { timeoutMs: 20_000, what: 'a and b linked' });
    const rc = connectWebRTC(c, { signalling: join(), maxPeers: 1, ...FAST });
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(rc.peers().filter((p) => p.state === 'open').length, 0, 'a and b are full');
    await b.close();
    await eventually(() => open(ra) === 1 && open(rc) === 1 && ra.peers()[0].id === rc.id, { timeoutMs: 20_000, what: 'a linked to c instead' });
    await c.register(generateKeys(), 'after-replacement', []);
    await eventually(() => a.resolve('after-replacement'), { timeoutMs: 10_000, what: 'the name at a' });
  } finally {
    for (const n of [a, b, c]) if (!n.closed) await n.close();
  }
});

test('every connection gets the configured ICE servers (none by default)', async () => {
  /** @type {unknown[]} */
  const configs = [];
  class Recording extends RTCPeerConnection {
    /** @param {RTCConfiguration} config */
    constructor(config) {
      super(config);
      configs.push(config.iceServers);
    }
  }
  const { join } = localHub();
  const [a, b] = await Promise.all([testNode(), testNode()]);
  const turn = { urls: 'turn:127.0.0.1:3478', username: 'u', credential: 'p' };
  try {
    const Impl = /** @type {any} */ (Recording);
    const ra = connectWebRTC(a, { signalling: join(), RTCPeerConnection: Impl, iceServers: [turn], ...FAST });
    const rb = connectWebRTC(b, { signalling: join(), RTCPeerConnection: Impl, ...FAST });
    await eventually(() => configs.length === 2, { timeoutMs: 10_000, what: 'two connections' });
    const ids = [ra.id, rb.id];
    assert.ok(ids.every(Boolean));
    assert.deepEqual(configs.sort((x, y) => JSON.stringify(x).length - JSON.stringify(y).length), [[], [turn]]);
  } finally {
    await a.close();
    await b.close();
  }
});
