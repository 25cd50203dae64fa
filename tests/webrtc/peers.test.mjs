// @ts-check
// Peer management on real node-datachannel connections: every client gets a peer and none
// goes over its cap (clients joining at once, late clients meeting full ones, clients whose
// peers stop), a dead peer replaced by another client, and the ICE servers handed to every
// connection.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cleanup } from 'node-datachannel';
import { RTCPeerConnection } from 'node-datachannel/polyfill';
import { connectWebRTC, generateKeys } from 'vns';
import { eventually, testNode } from 'vns/testing';
import { localHub } from './hub-link.mjs';

// Once on a loaded machine, this file's process stayed alive after every test had passed and
// every connection was closed, until node-datachannel's native side was released: release it.
after(() => cleanup());

const FAST = { minDelayMs: 50, maxDelayMs: 500, discoverIntervalMs: 100, connectTimeoutMs: 5_000 };

/** @param {ReturnType<typeof connectWebRTC>} rtc */
const open = (rtc) => rtc.peers().filter((p) => p.state === 'open').length;

/** Links of every client, checked: at least one open, none over `cap`. @param {ReturnType<typeof connectWebRTC>[]} rtcs @param {number} cap */
const everyoneLinked = (rtcs, cap) => rtcs.every((r) => open(r) >= 1 && r.peers().length <= cap);

/** Signalling faults seen by the hub of the test running now. @type {string[]} */
let faults = [];

/** What each client holds (id: open/all), and any signalling fault, for a failure message. @param {ReturnType<typeof connectWebRTC>[]} rtcs */
const shape = (rtcs) => `${rtcs.map((r) => `${r.id?.slice(0, 4)}:${open(r)}/${r.peers().length}`).join(' ')}; faults: [${faults}]`;

/**
 * Waits until every client has an open peer, then watches for a while that none goes over
 * `cap` (discovery keeps running, so an overshoot would show) and that nobody loses its last peer.
 * @param {ReturnType<typeof connectWebRTC>[]} rtcs @param {number} cap @param {string} what
 */
async function assertEveryoneLinked(rtcs, cap, what) {
  await eventually(() => everyoneLinked(rtcs, cap), { timeoutMs: 40_000, what: `${what}: every client with an open peer (${shape(rtcs)})` });
  const until = Date.now() + 1_500;
  while (Date.now() < until) {
    for (const r of rtcs) assert.ok(r.peers().length <= cap, `${what}: at most ${cap} peers (${shape(rtcs)})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await eventually(() => everyoneLinked(rtcs, cap), { timeoutMs: 10_000, what: `${what}: still linked (${shape(rtcs)})` });
}

/**
 * `count` clients with a cap of `cap` on one hub; `first` of them join at once, the others one
 * by one after the first are full (so a late one meets clients that filled their caps).
 * @param {number} count @param {number} cap @param {number} first
 */
async function network(count, cap, first) {
  // A client that keeps to the rules is never closed by the node for a signalling fault.
  /** @type {string[]} */
  const seen = [];
  faults = seen;
  const { join } = localHub({ onClosed: (code) => seen.push(code) });
  const nodes = await Promise.all(Array.from({ length: count }, () => testNode()));
  const connect = (/** @type {import('../../js/core.js').Vns} */ vns) => connectWebRTC(vns, { signalling: join(), maxPeers: cap, ...FAST });
  const rtcs = nodes.slice(0, first).map(connect);
  return { nodes, rtcs, connect, faults: seen };
}

test('cap 2, five clients joining at once: every client gets a peer, none goes over the cap', { timeout: 90_000 }, async () => {
  const { nodes, rtcs, faults } = await network(5, 2, 5);
  try {
    await assertEveryoneLinked(rtcs, 2, 'five at once');
    assert.deepEqual(faults, [], 'no client broke the signalling bounds');
  } finally {
    for (const n of nodes) await n.close();
  }
});

test('cap 2: clients joining a full triangle get peers, one by one', { timeout: 90_000 }, async () => {
  const { nodes, rtcs, connect, faults } = await network(5, 2, 3);
  try {
    // Three clients with a cap of 2 fill each other's caps: a triangle, nobody has room.
    await eventually(() => rtcs.every((r) => open(r) === 2), { timeoutMs: 30_000, what: `a full triangle (${shape(rtcs)})` });
    for (const vns of nodes.slice(3)) {
      rtcs.push(connect(vns));
      await assertEveryoneLinked(rtcs, 2, `${rtcs.length} clients`);
    }
    assert.deepEqual(faults, [], 'no client broke the signalling bounds');
  } finally {
    for (const n of nodes) await n.close();
  }
});

test('cap 6: an eighth client joining seven full ones gets a peer', { timeout: 120_000 }, async () => {
  const { nodes, rtcs, connect, faults } = await network(8, 6, 7);
  try {
    // Seven clients with a cap of 6 link every pair: all full.
    await eventually(() => rtcs.every((r) => open(r) === 6), { timeoutMs: 60_000, what: `seven full clients (${shape(rtcs)})` });
    rtcs.push(connect(nodes[7]));
    await assertEveryoneLinked(rtcs, 6, 'eight clients');
    await nodes[7].register(generateKeys(), 'late-joiner', []);
    await eventually(() => nodes[0].resolve('late-joiner'), { timeoutMs: 10_000, what: 'the late joiner\'s name at the first client' });
    assert.deepEqual(faults, [], 'no client broke the signalling bounds');
  } finally {
    for (const n of nodes) await n.close();
  }
});

test('cap 2: a client whose peers all stop gets a replacement', { timeout: 90_000 }, async () => {
  const { nodes, rtcs, faults } = await network(5, 2, 5);
  try {
    await assertEveryoneLinked(rtcs, 2, 'five clients');
    // The client with the fewest open peers loses all of them.
    const lonely = rtcs.reduce((best, r) => (open(r) < open(best) ? r : best));
    const gone = new Set(lonely.peers().map((p) => p.id));
    const stopping = rtcs.filter((r) => r.id !== undefined && gone.has(r.id));
    for (const r of stopping) await nodes[rtcs.indexOf(r)].close();
    const left = rtcs.filter((r) => !stopping.includes(r));
    await assertEveryoneLinked(left, 2, `${left.length} clients after ${stopping.length} stopped`);
    // A call to a stopped client that was under way ends at its connect timeout.
    await eventually(() => lonely.peers().every((p) => !gone.has(p.id)), { timeoutMs: FAST.connectTimeoutMs + 2_000, what: 'the lonely client linked only to clients that still run' });
    assert.deepEqual(faults, [], 'no client broke the signalling bounds');
  } finally {
    for (const n of nodes) if (!n.closed) await n.close();
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
