// @ts-check
/**
 * The libp2p options of `vns serve`, declared once (`LIBP2P_OPTIONS`): each entry drives a
 * CLI flag, its usage line, a field of `startLibp2p`'s options with its default, and what
 * `status.libp2p.options` reports.
 *
 * ```js
 * const { values } = parseArgs({ args, options: { ...LIBP2P_FLAGS } });
 * startServer({ libp2p: libp2pOptionsFromFlags(values) }); // undefined without --libp2p
 * ```
 * @module
 */
import { isIPv4, isIPv6 } from 'node:net';

/**
 * The options `vns serve` passes to `startLibp2p` (all but the data folder).
 * @typedef {{
 *   listen?: string[],
 *   bootstrap?: string[],
 *   wantedPeers?: number,
 *   maxConnections?: number,
 *   allow?: string[],
 *   inboundPerSecond?: number,
 *   pendingUpgrades?: number,
 * }} Libp2pFlagOptions
 */

/**
 * One libp2p option: its `startLibp2p` key, its CLI flag and placeholder, whether it repeats,
 * its default, its meaning in one line, and how one flag value is read (throwing a message
 * that names the flag).
 * @typedef {{
 *   key: keyof Libp2pFlagOptions,
 *   flag: string,
 *   placeholder: string,
 *   multiple: boolean,
 *   fallback: number | readonly string[],
 *   help: string,
 *   read: (flag: string, raw: string) => number | string,
 * }} Libp2pOption
 */

/** @param {string} flag @param {string} raw */
function positive(flag, raw) {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1) {
    throw new Error(`--${flag}: expected a positive integer, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/** A multiaddr as given (libp2p parses it; a bad one fails the start, naming it). @param {string} _flag @param {string} raw */
const text = (_flag, raw) => raw;

/**
 * An address or network as a multiaddr: `/ip4/ADDR`, `/ip6/ADDR`, either followed by
 * `/ipcidr/N` (libp2p's allow list takes exactly these forms).
 * @param {string} flag @param {string} raw
 */
export function addressRange(flag, raw) {
  const [empty, family, address, cidr, bits, ...rest] = raw.split('/');
  const max = family === 'ip4' ? 32 : 128;
  const addressOk = family === 'ip4' ? isIPv4(address ?? '') : family === 'ip6' && isIPv6(address ?? '');
  const cidrOk = cidr === undefined || (cidr === 'ipcidr' && /^\d{1,3}$/.test(bits ?? '') && Number(bits) <= max);
  if (empty !== '' || !addressOk || !cidrOk || rest.length > 0) {
    throw new Error(`--${flag}: expected /ip4/ADDR or /ip6/ADDR, optionally followed by /ipcidr/BITS, got ${JSON.stringify(raw)}`);
  }
  return raw;
}

/**
 * Every libp2p option, in the order `vns serve --help` lists them.
 * @type {readonly Libp2pOption[]}
 */
export const LIBP2P_OPTIONS = Object.freeze([
  {
    key: 'listen',
    flag: 'libp2p-listen',
    placeholder: 'MA',
    multiple: true,
    fallback: Object.freeze(['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws']),
    help: 'a multiaddr to listen on, repeatable',
    read: text,
  },
  {
    key: 'bootstrap',
    flag: 'libp2p-bootstrap',
    placeholder: 'MA',
    multiple: true,
    fallback: Object.freeze([]),
    help: 'a node to join through (/ip4/…/tcp/…/p2p/12D3…), repeatable',
    read: text,
  },
  { key: 'wantedPeers', flag: 'libp2p-peers', placeholder: 'N', multiple: false, fallback: 8, help: 'connections discovery looks for', read: positive },
  { key: 'maxConnections', flag: 'libp2p-max-connections', placeholder: 'N', multiple: false, fallback: 64, help: 'the most libp2p connections kept', read: positive },
  {
    key: 'inboundPerSecond',
    flag: 'libp2p-inbound-rate',
    placeholder: 'N',
    multiple: false,
    fallback: 5,
    help: 'inbound connections accepted per second from one IP address, the rest refused',
    read: positive,
  },
  {
    key: 'pendingUpgrades',
    flag: 'libp2p-pending-upgrades',
    placeholder: 'N',
    multiple: false,
    fallback: 32,
    help: 'inbound connections in their noise + yamux upgrade at once, the rest refused',
    read: positive,
  },
  {
    key: 'allow',
    flag: 'libp2p-allow',
    placeholder: 'RANGE',
    multiple: true,
    fallback: Object.freeze([]),
    help: 'an address or network (/ip4/10.0.0.0/ipcidr/8) exempt from the two limits above, from --libp2p-max-connections for inbound connections and from pruning, repeatable (use for your own nodes, or /ip4/127.0.0.1 for several nodes on one machine)',
    read: addressRange,
  },
]);

/** What a libp2p node uses when not told otherwise, by `startLibp2p` key. */
export const LIBP2P_DEFAULTS = Object.freeze(
  /** @type {{ listen: readonly string[], bootstrap: readonly string[], wantedPeers: number, maxConnections: number, inboundPerSecond: number, pendingUpgrades: number, allow: readonly string[] }} */ (
    Object.fromEntries(LIBP2P_OPTIONS.map((o) => [o.key, o.fallback]))
  ),
);

/** `parseArgs` declarations of the libp2p flags. */
export const LIBP2P_FLAGS = Object.freeze({
  libp2p: { type: /** @type {const} */ ('boolean') },
  ...Object.fromEntries(LIBP2P_OPTIONS.map((o) => [o.flag, { type: /** @type {const} */ ('string'), ...(o.multiple ? { multiple: /** @type {const} */ (true) } : {}) }])),
});

/** @param {Libp2pOption} o */
function defaultText(o) {
  if (typeof o.fallback === 'number') return ` (default ${o.fallback})`;
  return o.fallback.length ? ` (default ${o.fallback.join(' and ')})` : '';
}

/** Usage lines of the libp2p flags. */
export const LIBP2P_USAGE = [
  '  --libp2p                 also join the network over libp2p (gossipsub deltas, DHT discovery, /vns/sync/1 catch-up)',
  ...LIBP2P_OPTIONS.map((o) => `  ${`--${o.flag} ${o.placeholder}`.padEnd(24)} ${o.help}${defaultText(o)}`),
].join('\n');

/**
 * The libp2p options the flags ask for, or `undefined` without `--libp2p` (the other libp2p
 * flags then are an error: they would do nothing). Options not given are left out, so
 * `startLibp2p` applies `LIBP2P_DEFAULTS`.
 * @param {Record<string, unknown>} values parsed flags
 * @returns {Libp2pFlagOptions | undefined}
 */
export function libp2pOptionsFromFlags(values) {
  const given = LIBP2P_OPTIONS.filter((o) => values[o.flag] !== undefined);
  if (!values.libp2p) {
    if (given.length) throw new Error(`--${given[0].flag} needs --libp2p`);
    return undefined;
  }
  /** @type {Record<string, unknown>} */
  const options = {};
  for (const o of given) {
    const raw = /** @type {string | string[]} */ (values[o.flag]);
    options[o.key] = Array.isArray(raw) ? raw.map((r) => o.read(o.flag, r)) : o.read(o.flag, raw);
  }
  return /** @type {Libp2pFlagOptions} */ (options);
}

/**
 * The options a node runs with: those given, the defaults for the rest (what `status`
 * reports).
 * @param {Libp2pFlagOptions} given
 */
export function libp2pSettings(given) {
  return {
    listen: given.listen ?? [...LIBP2P_DEFAULTS.listen],
    bootstrap: given.bootstrap ?? [...LIBP2P_DEFAULTS.bootstrap],
    wantedPeers: given.wantedPeers ?? LIBP2P_DEFAULTS.wantedPeers,
    maxConnections: given.maxConnections ?? LIBP2P_DEFAULTS.maxConnections,
    inboundPerSecond: given.inboundPerSecond ?? LIBP2P_DEFAULTS.inboundPerSecond,
    pendingUpgrades: given.pendingUpgrades ?? LIBP2P_DEFAULTS.pendingUpgrades,
    allow: given.allow ?? [...LIBP2P_DEFAULTS.allow],
  };
}
