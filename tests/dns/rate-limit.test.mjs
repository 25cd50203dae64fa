// The UDP response rate limiter on its own, with a fake clock: buckets per source network,
// refill, slip cadence, and a bounded table under many (forged) sources.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimiter } from '../../js/dns/rate-limit.js';

const clock = () => {
  let now = 0;
  return { now: () => now, advance: (/** @type {number} */ ms) => (now += ms) };
};

test('a source network gets its burst, then every slip-th limited response slips, the rest drop', () => {
  const time = clock();
  const limiter = new RateLimiter({ responsesPerSecond: 10, burst: 3, slip: 2, now: time.now });
  const seen = Array.from({ length: 7 }, () => limiter.check('192.0.2.1'));
  assert.deepEqual(seen, ['answer', 'answer', 'answer', 'drop', 'slip', 'drop', 'slip']);
  time.advance(100); // one token back at 10 a second
  assert.equal(limiter.check('192.0.2.1'), 'answer');
  assert.notEqual(limiter.check('192.0.2.1'), 'answer');
});

test('addresses share a bucket within the prefix (/24, /56 by default, IPv4-mapped IPv6 as IPv4)', () => {
  const limiter = new RateLimiter({ responsesPerSecond: 1, burst: 1, slip: 0, now: () => 0 });
  assert.equal(limiter.check('192.0.2.1'), 'answer');
  assert.equal(limiter.check('192.0.2.200'), 'drop', 'same /24');
  assert.equal(limiter.check('::ffff:192.0.2.9'), 'drop', 'mapped into the same /24');
  assert.equal(limiter.check('192.0.3.1'), 'answer', 'another /24');
  assert.equal(limiter.check('2001:db8:0:100::1'), 'answer');
  assert.equal(limiter.check('2001:db8:0:1ff:ffff::2'), 'drop', 'same /56');
  assert.equal(limiter.check('2001:db8:0:200::1'), 'answer', 'another /56');
  const exact = new RateLimiter({ responsesPerSecond: 1, burst: 1, ipv4PrefixLength: 32, now: () => 0 });
  assert.equal(exact.check('127.0.0.1'), 'answer');
  assert.equal(exact.check('127.0.0.2'), 'answer', '/32: each address its own');
});

test('the table of sources stays bounded however many sources appear', () => {
  const limiter = new RateLimiter({ maxSources: 1000, ipv4PrefixLength: 32, now: () => 0 });
  for (let i = 0; i < 100_000; i++) limiter.check(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
  assert.equal(limiter.size, 1000);
});

test('responsesPerSecond 0 turns limiting off', () => {
  const limiter = new RateLimiter({ responsesPerSecond: 0, now: () => 0 });
  for (let i = 0; i < 1000; i++) assert.equal(limiter.check('192.0.2.1'), 'answer');
  assert.equal(limiter.size, 0);
});
