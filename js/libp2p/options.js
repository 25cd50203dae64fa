// @ts-check
/**
 * The libp2p options of `vns serve`, declared once: each drives a CLI flag, its usage line
 * and a field of `startLibp2p`'s options.
 *
 * ```js
 * const { values } = parseArgs({ args, options: { ...LIBP2P_FLAGS } });
 * startServer({ libp2p: libp2pOptionsFromFlags(values) }); // undefined without --libp2p
 * ```
 * @module
 */

/** What a libp2p node uses when not told otherwise. */
export const LIBP2P_DEFAULTS = Object.freeze({
  listen: Object.freeze(['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws']),
  wantedPeers: 8,
  maxConnections: 64,
});

/** `parseArgs` declarations of the libp2p flags. */
export const LIBP2P_FLAGS = Object.freeze({
  libp2p: { type: /** @type {const} */ ('boolean') },
  'libp2p-listen': { type: /** @type {const} */ ('string'), multiple: /** @type {const} */ (true) },
  'libp2p-bootstrap': { type: /** @type {const} */ ('string'), multiple: /** @type {const} */ (true) },
  'libp2p-peers': { type: /** @type {const} */ ('string') },
  'libp2p-max-connections': { type: /** @type {const} */ ('string') },
});

/** Usage lines of the libp2p flags. */
export const LIBP2P_USAGE = [
  '  --libp2p                 also join the network over libp2p (gossipsub deltas, DHT discovery, /vns/sync/1 catch-up)',
  `  --libp2p-listen MA       a multiaddr to listen on, repeatable (default ${LIBP2P_DEFAULTS.listen.join(' and ')})`,
  '  --libp2p-bootstrap MA    a node to join through (/ip4/…/tcp/…/p2p/12D3…), repeatable',
  `  --libp2p-peers N         connections discovery looks for (default ${LIBP2P_DEFAULTS.wantedPeers})`,
  `  --libp2p-max-connections N  the most libp2p connections kept (default ${LIBP2P_DEFAULTS.maxConnections})`,
].join('\n');

/** @param {string} flag @param {unknown} raw @returns {number | undefined} */
function count(flag, raw) {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== 'string' || !Number.isSafeInteger(n) || n < 1) {
    throw new Error(`--${flag}: expected a positive integer, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/**
 * The libp2p options the flags ask for, or `undefined` without `--libp2p` (the other libp2p
 * flags then are an error: they would do nothing).
 * @param {Record<string, unknown>} values parsed flags
 * @returns {Omit<import('./node.js').Libp2pOptions, 'data'> | undefined}
 */
export function libp2pOptionsFromFlags(values) {
  const given = Object.keys(LIBP2P_FLAGS).filter((f) => f !== 'libp2p' && values[f] !== undefined);
  if (!values.libp2p) {
    if (given.length) throw new Error(`--${given[0]} needs --libp2p`);
    return undefined;
  }
  const list = (/** @type {string} */ flag) => /** @type {string[] | undefined} */ (values[flag]);
  return {
    listen: list('libp2p-listen'),
    bootstrap: list('libp2p-bootstrap') ?? [],
    wantedPeers: count('libp2p-peers', values['libp2p-peers']),
    maxConnections: count('libp2p-max-connections', values['libp2p-max-connections']),
  };
}
