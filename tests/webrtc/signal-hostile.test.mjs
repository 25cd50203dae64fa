// @ts-check
// Hostile signalling against a real `vns serve`: oversized, malformed and out-of-order
// frames and an offer flood each close the client that sent them, are counted in /metrics,
// and leave the other clients signalling; nothing reaches a client that is not reachable.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { connectWebSocket } from 'vns';
import { eventually, testNode } from 'vns/testing';
import { startServe, parseMetrics } from '../support/serve-process.mjs';

/** @typedef {import('../../js/webrtc-signal.js').DownFrame} DownFrame */

const node = await startServe(['--memory', '--network', 'testing', '--difficulty', '4']);
/** @type {Array<() => Promise<void>>} */
const cleanup = [];
after(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => {});
  await node.stop();
});

/** A client: its node, its signalling link, the frames it got, and its raw socket's closes. */
async function client() {
  const vns = await testNode();
  /** @type {WebSocket[]} */
  const sockets = [];
  /** @type {Array<{ code: number, reason: string }>} */
  const closes = [];
  class Captured extends WebSocket {
    /** @param {string} url */
    constructor(url) {
      super(url);
      sockets.push(this);
      this.on('close', (code, reason) => closes.push({ code, reason: reason.toString() }));
    }
  }
  const link = connectWebSocket(vns, node.ws, { WebSocket: /** @type {any} */ (Captured), minDelayMs: 60_000, maxDelayMs: 60_000 });
  /** @type {DownFrame[]} */
  const frames = [];
  link.signalling.listen({ frame: (f) => frames.push(f) });
  cleanup.push(async () => {
    link.stop();
    await vns.close();
  });
  await eventually(() => link.signalling.open, { timeoutMs: 10_000, what: 'handshake' });
  return {
    link,
    frames,
    closes,
    /** Sends raw text on the current socket. @param {string} text */
    raw: (text) => sockets[sockets.length - 1].send(text),
    /** Announces and waits for the welcome; the session id. */
    async announce() {
      link.signalling.send({ type: 'announce' });
      const welcome = await eventually(() => frames.find((f) => f.type === 'welcome'), { timeoutMs: 5_000, what: 'welcome' });
      return /** @type {{ id: string }} */ (welcome).id;
    },
  };
}

/** The node's signalling counters. */
async function counters() {
  const metrics = parseMetrics(await (await fetch(`${node.url}/metrics`)).text());
  /** @param {string} code */
  const closed = (code) => metrics.get(`vns_signal_closed_total{code="${code}"}`) ?? 0;
  return { closed, reachable: metrics.get('vns_signal_reachable') ?? 0 };
}

const offer = (/** @type {string} */ to) => JSON.stringify({ type: 'signal', to, data: { sdp: { type: 'offer', sdp: 'v=0\r\n' }, peers: 0 } });

test('hostile signalling closes only the hostile client, and is counted', { timeout: 60_000 }, async () => {
  const honest = await client();
  const other = await client();
  const silent = await client(); // never announces: nothing may be relayed to it
  const honestId = await honest.announce();
  const otherId = await other.announce();

  /** @type {Array<[string, (c: Awaited<ReturnType<typeof client>>) => void]>} */
  const attacks = [
    ['signal.too_large', (c) => c.raw(JSON.stringify({ type: 'peers', pad: 'x'.repeat(17 * 1024) }))],
    ['signal.malformed', (c) => c.raw('this is not JSON')],
    ['signal.malformed', (c) => c.raw(JSON.stringify({ type: 'announce', extra: 1 }))],
    ['signal.malformed', (c) => c.raw(offer(otherId))], // a signal before announce
    ['signal.malformed', (c) => c.raw(JSON.stringify({ type: 'signal', to: 'not-an-id', data: {} }))],
    // An offer that does not say how many peers its sender holds, or says it wrongly.
    ['signal.malformed', (c) => c.announce().then(() => c.raw(JSON.stringify({ type: 'signal', to: otherId, data: { sdp: { type: 'offer', sdp: 'v=0\r\n' } } })))],
    ['signal.malformed', (c) => c.announce().then(() => c.raw(JSON.stringify({ type: 'signal', to: otherId, data: { sdp: { type: 'offer', sdp: 'v=0\r\n' }, peers: -1 } })))],
    ['signal.malformed', (c) => c.announce().then(() => c.raw(JSON.stringify({ type: 'signal', to: otherId, data: { busy: false } })))],
  ];
  for (const [code, attack] of attacks) {
    const hostile = await client();
    const before = (await counters()).closed(code);
    attack(hostile);
    await eventually(() => hostile.closes.length > 0, { timeoutMs: 5_000, what: `close for ${code}` });
    assert.equal(hostile.closes[0].code, 4000);
    assert.ok(hostile.closes[0].reason.startsWith(`${code}: `), hostile.closes[0].reason);
    assert.equal((await counters()).closed(code), before + 1, `${code} counted`);
  }

  // An offer flood: the burst is relayed, then the flooder is closed.
  const flooder = await client();
  await flooder.announce();
  for (let i = 0; i < 40; i += 1) flooder.raw(offer(honestId));
  await eventually(() => flooder.closes.length > 0, { timeoutMs: 5_000, what: 'flooder closed' });
  assert.ok(flooder.closes[0].reason.startsWith('signal.rate_limited: '), flooder.closes[0].reason);
  const offers = () => honest.frames.filter((f) => f.type === 'signal').length;
  await eventually(() => offers() > 0, { timeoutMs: 5_000, what: 'the burst relayed' });
  assert.ok(offers() <= 12, `at most the burst reached the target (${offers()})`);
  assert.equal((await counters()).closed('signal.rate_limited'), 1);

  // Honest clients keep signalling: each finds the other and a signal gets through.
  other.frames.length = 0;
  other.link.signalling.send({ type: 'peers' });
  const list = await eventually(() => other.frames.find((f) => f.type === 'peers'), { timeoutMs: 5_000, what: 'peers' });
  assert.deepEqual(/** @type {{ ids: string[] }} */ (list).ids, [honestId], 'only reachable clients are listed, never the asker');
  other.link.signalling.send({ type: 'signal', to: honestId, data: { candidate: { candidate: 'candidate:1 1 UDP 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 } } });
  const relayed = await eventually(() => honest.frames.find((f) => f.type === 'signal' && f.from === otherId), { timeoutMs: 5_000, what: 'relayed candidate' });
  assert.deepEqual(/** @type {{ data: unknown }} */ (relayed).data, { candidate: { candidate: 'candidate:1 1 UDP 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 } });
  // A target that is not reachable is answered `gone`, and the silent client got nothing.
  other.link.signalling.send({ type: 'signal', to: 'f'.repeat(32), data: { sdp: { type: 'offer', sdp: 'v=0\r\n' }, peers: 0 } });
  await eventually(() => other.frames.some((f) => f.type === 'gone'), { timeoutMs: 5_000, what: 'gone' });
  assert.deepEqual(silent.frames, []);
  assert.equal(honest.closes.length + other.closes.length + silent.closes.length, 0, 'honest sockets untouched');
  assert.equal((await counters()).reachable, 2);
});
