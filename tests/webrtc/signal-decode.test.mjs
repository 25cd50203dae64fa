// @ts-check
// The signalling decoder on the fields peer management relies on: an offer or answer states
// how many other peers its sender holds (an integer from 0 to 65535, required), and `busy` is
// exactly `true`. Everything else, non-canonical or garbage, is refused with `signal.malformed`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSignal, encodeSignal, MAX_PEER_COUNT } from '../../js/webrtc-signal.js';

const ID = '0123456789abcdef'.repeat(2);
/** A relayed signal carrying `data`, as the node sends it. @param {unknown} data */
const down = (data) => JSON.stringify({ type: 'signal', from: ID, data });
/** A signal to another client carrying `data`, as a client sends it. @param {unknown} data */
const up = (data) => JSON.stringify({ type: 'signal', to: ID, data });
const SDP = { type: 'offer', sdp: 'v=0\r\n' };

test('offers, answers and busy round-trip with their fields', () => {
  for (const data of [{ sdp: SDP, peers: 0 }, { sdp: { type: 'answer', sdp: 'v=0\r\n' }, peers: MAX_PEER_COUNT }, { busy: true }]) {
    const frame = decodeSignal(down(data), 'down');
    assert.deepEqual(frame, { type: 'signal', from: ID, data });
    assert.deepEqual(decodeSignal(encodeSignal(decodeSignal(up(data), 'up')), 'up'), { type: 'signal', to: ID, data });
  }
});

test('an offer or answer without a valid peer count is refused', () => {
  const bad = [
    { sdp: SDP },
    { sdp: SDP, peers: -1 },
    { sdp: SDP, peers: MAX_PEER_COUNT + 1 },
    { sdp: SDP, peers: 1.5 },
    { sdp: SDP, peers: '3' },
    { sdp: SDP, peers: null },
    { sdp: SDP, peers: 1, extra: 1 },
    { sdp: { ...SDP, peers: 1 }, peers: 1 },
  ];
  for (const data of bad) {
    assert.throws(() => decodeSignal(up(data), 'up'), (e) => /** @type {{ code?: string }} */ (e).code === 'signal.malformed', JSON.stringify(data));
    assert.throws(() => decodeSignal(down(data), 'down'), (e) => /** @type {{ code?: string }} */ (e).code === 'signal.malformed', JSON.stringify(data));
  }
});

test('busy is exactly {"busy":true}', () => {
  for (const data of [{ busy: false }, { busy: 1 }, { busy: 'true' }, { busy: true, peers: 0 }, { busy: true, sdp: SDP, peers: 0 }, { busy: true, candidate: null }]) {
    assert.throws(() => decodeSignal(up(data), 'up'), (e) => /** @type {{ code?: string }} */ (e).code === 'signal.malformed', JSON.stringify(data));
  }
});

test('a candidate\'s index is null or an integer from 0 to 65535', () => {
  const candidate = (/** @type {unknown} */ index) => ({ candidate: { candidate: 'candidate:1 1 UDP 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: index } });
  for (const index of [null, 0, 65535]) assert.deepEqual(decodeSignal(up(candidate(index)), 'up'), { type: 'signal', to: ID, data: candidate(index) });
  for (const index of [-1, 65536, 0.5, '0', true]) {
    assert.throws(() => decodeSignal(up(candidate(index)), 'up'), (e) => /** @type {{ code?: string }} */ (e).code === 'signal.malformed', String(index));
  }
});
