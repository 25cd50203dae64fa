// @ts-check
/**
 * One node's DNS service, whatever the transport: a query's bytes in, the response's bytes
 * out (or nothing, for a packet not worth answering). UDP answers are rate-limited per source
 * network and fit the client's size; TCP and DoH answers are not limited (their source is
 * proven) and may be up to 64 KiB.
 *
 * ```js
 * const dns = new DnsService(vns, { canonicalName });
 * const answer = dns.respond(queryBytes, 'udp', '192.0.2.7'); // { bytes, ttl } | null
 * ```
 * @module
 */
import { readQuery, writeResponse, writeHeaderOnly, udpLimit, RCODE, RCODE_NAMES, MAX_STREAM_SIZE } from './wire.js';
import { Zone } from './zone.js';
import { RateLimiter } from './rate-limit.js';
import { DnsCounters } from './counters.js';

/** Largest UDP query read; no honest query comes near it (a question is at most ~260 bytes). */
export const MAX_UDP_QUERY = 4096;

/**
 * Options of the DNS service.
 * @typedef {Omit<import('./zone.js').ZoneOptions, 'now'> & {
 *   rateLimit?: import('./rate-limit.js').RateLimitOptions,
 *   now?: () => number,
 * }} DnsServiceOptions
 */

/** An encoded response, and the smallest TTL in it (DoH's `Cache-Control`, RFC 8484 §5.1). */
/** @typedef {{ bytes: Buffer, ttl: number }} DnsAnswer */

/** Answers DNS queries from a node's namespace. */
export class DnsService {
  /** What was received and answered since the start. */
  counters = new DnsCounters();
  /** @type {Zone} */ zone;
  /** @type {RateLimiter} */ #limiter;

  /**
   * @param {import('../core.js').Vns} vns
   * @param {DnsServiceOptions} options
   */
  constructor(vns, options) {
    this.zone = new Zone(vns, options);
    this.#limiter = new RateLimiter({ ...options.rateLimit, now: options.rateLimit?.now ?? options.now });
  }

  /**
   * The response to one query, or `null` when none is sent (a response packet, a packet too
   * short for a header, an oversized UDP packet, or a rate-limited source).
   * @param {Uint8Array} bytes the query (over TCP: without its length prefix)
   * @param {import('./counters.js').Transport} transport
   * @param {string} source the client's IP address (rate limiting over UDP)
   * @returns {DnsAnswer | null}
   */
  respond(bytes, transport, source) {
    try {
      return this.#respond(bytes, transport, source);
    } catch {
      // A bug met by one packet must not take the listener down; the counter shows it.
      return this.#drop('internal_error');
    }
  }

  /** @param {Uint8Array} bytes @param {import('./counters.js').Transport} transport @param {string} source */
  #respond(bytes, transport, source) {
    const udp = transport === 'udp';
    if (udp && bytes.length > MAX_UDP_QUERY) return this.#drop('oversized');
    const read = readQuery(bytes);
    if (!read.ok && 'drop' in read) return this.#drop(read.why);
    const limited = udp ? this.#limiter.check(source) : 'answer';
    if (limited === 'drop') {
      this.counters.rateLimited += 1;
      return this.#drop('rate_limited');
    }
    if (!read.ok) {
      this.counters.malformed.inc(read.why);
      this.counters.response(RCODE_NAMES[read.reply.rcode]);
      return { bytes: writeHeaderOnly(read.reply), ttl: 0 };
    }
    const { query } = read;
    this.counters.query(transport, query.type);
    if (limited === 'slip') {
      this.counters.rateLimited += 1;
      this.counters.slipped += 1;
      this.counters.response('NOERROR');
      // No records, so never bigger than the query: TC asks a real client to use TCP.
      return { bytes: writeResponse({ query, rcode: RCODE.NOERROR, answers: [], authorities: [] }, 0).bytes, ttl: 0 };
    }
    const found =
      query.edns && query.edns.version !== 0
        ? { rcode: RCODE.BADVERS, answers: [], authorities: [] }
        : this.zone.answer(query);
    const authoritative = found.rcode === RCODE.NOERROR || found.rcode === RCODE.NXDOMAIN;
    const { bytes: out, truncated } = writeResponse({ query, ...found, authoritative }, udp ? udpLimit(query) : MAX_STREAM_SIZE);
    if (truncated) this.counters.truncated += 1;
    this.counters.response(RCODE_NAMES[found.rcode] ?? String(found.rcode));
    const ttls = [...found.answers, ...found.authorities].map((rr) => ('ttl' in rr && typeof rr.ttl === 'number' ? rr.ttl : 0));
    return { bytes: out, ttl: ttls.length ? Math.min(...ttls) : 0 };
  }

  /** @param {string} why @returns {null} */
  #drop(why) {
    this.counters.drop(why);
    return null;
  }
}
