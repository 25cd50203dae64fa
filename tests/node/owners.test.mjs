// The built package's owner questions: availability, history, renewal, recovery phrases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeys, generatePhrase, keysFromPhrase, phraseOf, Keys } from 'vns';
import { testNode } from 'vns/testing';

const DAY = 24 * 60 * 60 * 1000;

test('availability: free, taken, grace, free again, and invalid names with their codes', async () => {
  let clock = Date.UTC(2027, 0, 1);
  const vns = await testNode({ now: () => clock, gracePeriodMs: 10 * DAY });
  try {
    assert.deepEqual(vns.availability('Alice'), { name: 'alice.vfs', state: 'free' });
    const keys = generateKeys();
    await vns.register(keys, 'alice', []);
    const expires = clock + 365 * DAY;
    assert.deepEqual(vns.availability('alice.vfs'), { name: 'alice.vfs', state: 'taken', owner: keys.peerId, expires });
    clock = expires;
    assert.deepEqual(vns.availability('alice'), {
      name: 'alice.vfs', state: 'grace', owner: keys.peerId, expires, graceEnds: expires + 10 * DAY,
    });
    clock = expires + 10 * DAY;
    assert.equal(vns.availability('alice').state, 'free');
    const short = vns.availability('ab');
    assert.equal(short.state, 'invalid');
    assert.equal(short.code, 'name.too_short');
    assert.match(short.message ?? '', /at least 3/);
    assert.equal(vns.availability('admin').code, 'rule.reserved');
    assert.equal(vns.availability('\u202e\u0000').state, 'invalid');
  } finally {
    await vns.close();
  }
});

test('history lists the carried ops, oldest first, with signer, owner and expiry', async () => {
  let clock = Date.UTC(2027, 0, 1);
  const vns = await testNode({ now: () => clock });
  try {
    const [alice, bob] = [generateKeys(), generateKeys()];
    const t0 = clock;
    await vns.register(alice, 'hist', []);
    clock += DAY;
    await vns.update(alice, 'hist', [{ type: 'TXT', value: 'one' }]);
    clock += DAY;
    await vns.renew(alice, 'hist');
    clock += DAY;
    await vns.transfer(alice, 'hist', bob.peerId);
    clock += DAY;
    await vns.update(bob, 'hist', [{ type: 'TXT', value: 'two' }]);
    assert.deepEqual(vns.history('hist.vfs'), [
      { kind: 'register', at: t0, by: alice.peerId, owner: alice.peerId, expires: t0 + 365 * DAY },
      { kind: 'renew', at: t0 + 2 * DAY, by: alice.peerId, owner: alice.peerId, expires: t0 + 367 * DAY },
      { kind: 'transfer', at: t0 + 3 * DAY, by: alice.peerId, owner: bob.peerId },
      { kind: 'update', at: t0 + 4 * DAY, by: bob.peerId, owner: bob.peerId },
    ]);
    assert.throws(() => vns.history('nobody'), { code: 'store.not_found' });
    assert.throws(() => vns.history('x'), { code: 'name.too_short' });
  } finally {
    await vns.close();
  }
});

test('renewal says what a renewal signed now sets and from when it is worthwhile', async () => {
  let clock = Date.UTC(2027, 0, 1);
  const vns = await testNode({ now: () => clock, gracePeriodMs: 10 * DAY });
  try {
    const keys = generateKeys();
    await vns.register(keys, 'renewme', []);
    const expires = clock + 365 * DAY;
    clock += 1_000;
    assert.deepEqual(vns.renewal('renewme'), {
      expires, renewedExpires: expires + 1_000, gain: 1_000, worthwhileFrom: expires - 30 * DAY,
    });
    clock = expires - 30 * DAY;
    const outlook = vns.renewal('renewme');
    await vns.renew(keys, 'renewme');
    assert.equal((await vns.resolve('renewme')).expires, outlook.renewedExpires, 'the outlook is what renew signs');
    assert.equal(outlook.gain, 335 * DAY);
    assert.throws(() => vns.renewal('nobody'), { code: 'store.not_found' });
    clock = outlook.renewedExpires + 10 * DAY;
    assert.throws(() => vns.renewal('renewme'), { code: 'rule.lapsed' });
  } finally {
    await vns.close();
  }
});

test('recovery phrases: 24 words that are the key, and coded errors for wrong ones', () => {
  const phrase = generatePhrase();
  const words = phrase.split(' ');
  assert.equal(words.length, 24);
  const keys = keysFromPhrase(phrase);
  assert.equal(phraseOf(keys), phrase);
  assert.equal(keysFromPhrase(phrase.toUpperCase()).peerId, keys.peerId);
  // The documented vector: the all-zero secret.
  const zero = Keys.fromSecret(new Uint8Array(32));
  assert.equal(phraseOf(zero), `${'abandon '.repeat(23)}art`);
  assert.deepEqual(Array.from(keysFromPhrase(phraseOf(zero)).secret()), Array(32).fill(0));
  assert.throws(() => keysFromPhrase(words.slice(0, 12).join(' ')), { code: 'phrase.bad_length' });
  assert.throws(() => keysFromPhrase([...words.slice(0, 23), 'notaword'].join(' ')), { code: 'phrase.bad_word', message: /word 24/ });
  assert.throws(() => keysFromPhrase('abandon '.repeat(24)), { code: 'phrase.bad_checksum' });
  assert.throws(() => keysFromPhrase('\u0000\uffff'), { code: 'phrase.bad_word' });
});
