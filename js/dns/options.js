// @ts-check
/**
 * The DNS options of `vns serve`, declared once: each drives a CLI flag, its usage line, and
 * a field of `DnsOptions`.
 *
 * ```js
 * const { values } = parseArgs({ args, options: { ...DNS_FLAGS } });
 * startServer({ dns: dnsOptionsFromFlags(values) });
 * ```
 * @module
 */
import { RATE_LIMIT_DEFAULTS } from './rate-limit.js';
import { LISTEN_DEFAULTS } from './listener.js';
import { DEFAULT_NEGATIVE_TTL } from './zone.js';

/**
 * Options of the node's DNS service. DoH at `/dns-query` is always served on the HTTP
 * port; `listen` adds the UDP and TCP listener.
 * @typedef {{
 *   listen?: { host?: string, port: number },
 *   rateLimit?: import('./rate-limit.js').RateLimitOptions,
 *   maxTcpConnections?: number,
 *   tcpIdleMs?: number,
 *   negativeTtl?: number,
 * }} DnsOptions
 */

/**
 * The numeric options by flag: where the value goes, what it means, its default.
 * @satisfies {Record<string, { rate?: Exclude<keyof import('./rate-limit.js').RateLimitOptions, 'now'>, field?: 'maxTcpConnections' | 'tcpIdleMs' | 'negativeTtl', help: string, fallback: number }>}
 */
const NUMERIC = /** @type {const} */ ({
  'dns-rate': { rate: 'responsesPerSecond', help: 'UDP responses a second per source network, 0: no limit', fallback: RATE_LIMIT_DEFAULTS.responsesPerSecond },
  'dns-burst': { rate: 'burst', help: 'responses a source network may get at once', fallback: RATE_LIMIT_DEFAULTS.burst },
  'dns-slip': { rate: 'slip', help: 'every Nth limited response goes out truncated (TC), 0: never', fallback: RATE_LIMIT_DEFAULTS.slip },
  'dns-prefix4': { rate: 'ipv4PrefixLength', help: 'IPv4 prefix length of a source network', fallback: RATE_LIMIT_DEFAULTS.ipv4PrefixLength },
  'dns-prefix6': { rate: 'ipv6PrefixLength', help: 'IPv6 prefix length of a source network', fallback: RATE_LIMIT_DEFAULTS.ipv6PrefixLength },
  'dns-tcp-max': { field: 'maxTcpConnections', help: 'DNS TCP connections open at once', fallback: LISTEN_DEFAULTS.maxTcpConnections },
  'dns-negative-ttl': { field: 'negativeTtl', help: 'seconds resolvers keep NXDOMAIN/NODATA (SOA minimum)', fallback: DEFAULT_NEGATIVE_TTL },
});

/** @typedef {keyof typeof NUMERIC} NumericFlag */
/** @typedef {{ flag: NumericFlag, rate?: Exclude<keyof import('./rate-limit.js').RateLimitOptions, 'now'>, field?: 'maxTcpConnections' | 'tcpIdleMs' | 'negativeTtl', help: string, fallback: number }} NumericOption */
/** @type {NumericOption[]} */
const NUMERIC_LIST = Object.entries(NUMERIC).map(([flag, o]) => ({ flag: /** @type {NumericFlag} */ (flag), ...o }));

/**
 * `parseArgs` option declarations of the DNS flags (all strings, checked below).
 * @type {{ readonly [K in 'dns' | NumericFlag]: { readonly type: 'string' } }}
 */
export const DNS_FLAGS = /** @type {never} */ (
  Object.freeze(Object.fromEntries(['dns', ...Object.keys(NUMERIC)].map((flag) => [flag, { type: 'string' }])))
);

/** Usage lines of the DNS flags. */
export const DNS_USAGE = [
  '  --dns [ADDR:]PORT   also answer DNS for .vfs over UDP and TCP (DoH is always at /dns-query)',
  ...NUMERIC_LIST.map((o) => `  --${o.flag} N${' '.repeat(Math.max(1, 16 - o.flag.length))}${o.help} (default ${o.fallback})`),
].join('\n');

/**
 * `[ADDR:]PORT` → host and port (`5353`, `127.0.0.1:5353`, `[::1]:5353`).
 * @param {string} text
 * @returns {{ host?: string, port: number }}
 */
export function parseListen(text) {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]:|([^:[\]]+):)?(\d{1,5})$/.exec(text);
  const port = match ? Number(match[3]) : NaN;
  if (!match || port > 65535) throw new Error(`--dns: expected [ADDR:]PORT, got ${JSON.stringify(text)}`);
  const host = match[1] ?? match[2];
  return host === undefined ? { port } : { host, port };
}

/**
 * `DnsOptions` from parsed flags; throws an `Error` naming the flag on a bad value.
 * @param {Record<string, unknown>} flags
 * @returns {DnsOptions}
 */
export function dnsOptionsFromFlags(flags) {
  /** @type {DnsOptions} */
  const options = {};
  if (typeof flags.dns === 'string') options.listen = parseListen(flags.dns);
  /** @type {import('./rate-limit.js').RateLimitOptions} */
  const rateLimit = {};
  for (const o of NUMERIC_LIST) {
    const raw = flags[o.flag];
    if (raw === undefined) continue;
    const n = Number(raw);
    if (typeof raw !== 'string' || !Number.isSafeInteger(n) || n < 0) {
      throw new Error(`--${o.flag}: expected a non-negative integer, got ${JSON.stringify(raw)}`);
    }
    if (o.rate) rateLimit[o.rate] = n;
    if (o.field) options[o.field] = n;
  }
  if (Object.keys(rateLimit).length) options.rateLimit = rateLimit;
  return options;
}
