// @ts-check
/**
 * Response rate limiting for DNS over UDP, where a source address can be forged: each source
 * network (an IPv4 /24 or IPv6 /56 by default, as BIND's RRL) has a token bucket of
 * responses. Past it, responses are dropped, except every `slip`-th one, which goes out as a
 * bare truncated answer (no records, no bigger than the query's question) so that a real
 * client behind that address retries over TCP, where its address is proven. A forged flood
 * thus gets back at most the bucket's rate, never more bytes than it sent; other sources
 * have their own buckets and keep their answers.
 *
 * ```js
 * const limiter = new RateLimiter({ responsesPerSecond: 20, burst: 40 });
 * limiter.check('192.0.2.7'); // 'answer' | 'slip' | 'drop'
 * ```
 * @module
 */
import { isIPv6 } from 'node:net';

/**
 * Rate limiting options (all optional).
 * @typedef {{
 *   responsesPerSecond?: number,
 *   burst?: number,
 *   slip?: number,
 *   ipv4PrefixLength?: number,
 *   ipv6PrefixLength?: number,
 *   maxSources?: number,
 *   now?: () => number,
 * }} RateLimitOptions
 */

/** Defaults: 20 responses a second per source network, bursts of 40, every 2nd limited one slips. */
export const RATE_LIMIT_DEFAULTS = Object.freeze({
  responsesPerSecond: 20,
  burst: 40,
  slip: 2,
  ipv4PrefixLength: 24,
  ipv6PrefixLength: 56,
  maxSources: 100_000,
});

/** A bucket: tokens left, when it was last filled, limited responses seen. */
/** @typedef {{ tokens: number, at: number, limited: number }} Bucket */

/** Token buckets of UDP responses per source network. `responsesPerSecond: 0` turns it off. */
export class RateLimiter {
  /** @type {Map<string, Bucket>} */ #buckets = new Map();
  #rate;
  #burst;
  #slip;
  #v4;
  #v6;
  #maxSources;
  /** @type {() => number} */ #now;

  /** @param {RateLimitOptions} [options] */
  constructor(options = {}) {
    const o = { ...RATE_LIMIT_DEFAULTS, ...definedOnly(options) };
    this.#rate = o.responsesPerSecond;
    this.#burst = Math.max(1, o.burst);
    this.#slip = o.slip;
    this.#v4 = o.ipv4PrefixLength;
    this.#v6 = o.ipv6PrefixLength;
    this.#maxSources = o.maxSources;
    this.#now = options.now ?? Date.now;
  }

  /** Source networks tracked now (bounded by `maxSources`). */
  get size() {
    return this.#buckets.size;
  }

  /**
   * Takes one response from the source's bucket: `answer` if it had one, else `slip` (send
   * a truncated answer) or `drop`.
   * @param {string} address the source IP address
   * @returns {'answer' | 'slip' | 'drop'}
   */
  check(address) {
    if (this.#rate <= 0) return 'answer';
    const key = this.#network(address);
    const now = this.#now();
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      // Full table: forget the oldest source. Forged sources can only refresh others'
      // buckets this way, and each refreshed bucket still holds at most `burst`.
      if (this.#buckets.size >= this.#maxSources) {
        const oldest = this.#buckets.keys().next().value;
        if (oldest !== undefined) this.#buckets.delete(oldest);
      }
      bucket = { tokens: this.#burst, at: now, limited: 0 };
      this.#buckets.set(key, bucket);
    } else {
      bucket.tokens = Math.min(this.#burst, bucket.tokens + ((now - bucket.at) / 1000) * this.#rate);
      bucket.at = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 'answer';
    }
    bucket.limited += 1;
    return this.#slip > 0 && bucket.limited % this.#slip === 0 ? 'slip' : 'drop';
  }

  /**
   * The source network an address belongs to, as a map key.
   * @param {string} address
   */
  #network(address) {
    const mapped = address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
    if (!isIPv6(mapped)) {
      const parts = mapped.split('.').map(Number);
      const value = ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
      const mask = this.#v4 >= 32 ? 0xffffffff : this.#v4 <= 0 ? 0 : (0xffffffff << (32 - this.#v4)) >>> 0;
      return `4/${(value & mask) >>> 0}`;
    }
    const groups = expandIPv6(mapped);
    let bits = '';
    for (const g of groups) bits += g.toString(2).padStart(16, '0');
    return `6/${bits.slice(0, Math.max(0, Math.min(128, this.#v6)))}`;
  }
}

/**
 * The eight 16-bit groups of an IPv6 address (`::` expanded; a zone id dropped).
 * @param {string} address
 * @returns {number[]}
 */
function expandIPv6(address) {
  const [head, tail = ''] = address.split('%')[0].split('::');
  /** @param {string} part */
  const groups = (part) => (part ? part.split(':').map((g) => Number.parseInt(g, 16) || 0) : []);
  const left = groups(head);
  const right = address.includes('::') ? groups(tail) : [];
  return [...left, ...new Array(Math.max(0, 8 - left.length - right.length)).fill(0), ...right];
}

/**
 * `options` without its `undefined` values, so they do not override defaults.
 * @template {object} T
 * @param {T} options
 * @returns {Partial<T>}
 */
export function definedOnly(options) {
  return /** @type {Partial<T>} */ (Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)));
}
