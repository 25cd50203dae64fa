// @ts-check
// Who calls whom and what a full client does with an offer, as pure decisions: the smaller id
// calls; a client alone past its patience calls anyone; a full client makes room only for a
// caller that holds nothing, and only by letting go of a peer that keeps another link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admitOffer, offerWins, shouldCall } from '../../js/webrtc-rules.js';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);
const C = 'c'.repeat(32);

test('the smaller id calls; a client alone past its patience calls smaller ids too', () => {
  const base = { cap: 2, aloneMs: 0, patienceMs: 1_000 };
  assert.equal(shouldCall({ ...base, self: A, id: B, held: 0 }), true);
  assert.equal(shouldCall({ ...base, self: B, id: A, held: 0 }), false, 'not before its patience ran out');
  assert.equal(shouldCall({ ...base, self: B, id: A, held: 0, aloneMs: 1_000 }), true);
  assert.equal(shouldCall({ ...base, self: B, id: A, held: 1, aloneMs: 5_000 }), false, 'only a client that holds nothing');
  assert.equal(shouldCall({ ...base, self: A, id: B, held: 2 }), false, 'never past the cap');
  assert.equal(shouldCall({ ...base, self: A, id: A, held: 0, aloneMs: 5_000 }), false, 'never itself');
});

test('of two offers made at once, the smaller id\'s goes through on both sides', () => {
  assert.equal(offerWins(B, A), true);
  assert.equal(offerWins(A, B), false);
});

test('a client with room answers every offer', () => {
  assert.deepEqual(admitOffer({ held: 1, cap: 2, callerPeers: 5, pending: undefined, established: [] }), { action: 'answer' });
});

test('a full client gives up its own pending call for an offer', () => {
  const established = [{ id: B, otherPeers: 3 }];
  assert.deepEqual(admitOffer({ held: 2, cap: 2, callerPeers: 1, pending: C, established }), { action: 'answer', evict: C });
});

test('a full client turns down a caller that already holds a peer', () => {
  const established = [{ id: B, otherPeers: 3 }, { id: C, otherPeers: 1 }];
  assert.deepEqual(admitOffer({ held: 2, cap: 2, callerPeers: 1, pending: undefined, established }), { action: 'busy' });
});

test('a full client takes a caller that holds nothing by letting go of its best-connected peer', () => {
  const established = [{ id: A, otherPeers: 1 }, { id: B, otherPeers: 4 }, { id: C, otherPeers: 2 }];
  assert.deepEqual(admitOffer({ held: 3, cap: 3, callerPeers: 0, pending: undefined, established }), { action: 'answer', evict: B });
});

test('a full client never leaves a peer alone to take a caller', () => {
  // Peers that told no count, or hold no other link, would be left without a peer.
  const established = [{ id: A, otherPeers: 0 }, { id: B, otherPeers: null }];
  assert.deepEqual(admitOffer({ held: 2, cap: 2, callerPeers: 0, pending: undefined, established }), { action: 'busy' });
  assert.deepEqual(admitOffer({ held: 1, cap: 1, callerPeers: 0, pending: undefined, established: [{ id: A, otherPeers: 0 }] }), { action: 'busy' });
});
