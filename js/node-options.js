// @ts-check
/**
 * The options of a `vns serve` node: each drives its CLI flag (`vns serve --grace-period-ms
 * N`), its `startServer` option, and, for the network options (those that change the network
 * id), the `open` options a client finds in `GET /api/vns/status`. The node's options are
 * declared once, in the core (`nodeOptions()`, which also reads and checks them in
 * `VnsNode.open`); this table derives from that list and adds the shim's own timer option.
 *
 * ```js
 * const flags = cliFlags();                    // for node:util parseArgs
 * const options = optionsFromFlags(values);    // { network: 'testing', difficulty: 8, … }
 * const join = openOptions(options, { network: true }); // what a client passes to open()
 * ```
 * @module
 */

import { nodeOptions } from './node.js';

/**
 * One option: its `startServer`/`open` key, its CLI flag, the flag's placeholder in the
 * usage text, whether it is part of the network (peers must agree on it), and its meaning in
 * one line naming its default (the core's description).
 * @typedef {{
 *   key: NodeOptionKey,
 *   flag: string,
 *   placeholder: string,
 *   choices?: readonly string[],
 *   network: boolean,
 *   help: string,
 * }} NodeOption
 */

/**
 * @typedef {import('../pkg/web/vns.js').NodeOptionSpec['key'] | 'sweepIntervalMs'} NodeOptionKey
 */

/**
 * The options' values as `startServer` takes them.
 * @typedef {{
 *   network?: 'main' | 'testing',
 *   difficulty?: number,
 *   registrationPeriodMs?: number,
 *   gracePeriodMs?: number,
 *   sweepIntervalMs?: number,
 *   registrationsPerHour?: number,
 *   queueCapacity?: number,
 *   handshakeTimeoutMs?: number,
 *   clockOffsetMs?: number,
 * }} NodeOptions
 */

/** The shim's own option (a JS timer), listed after the core's network options. @type {NodeOption} */
const SWEEP_INTERVAL = {
  key: 'sweepIntervalMs',
  flag: 'sweep-interval-ms',
  placeholder: 'N',
  network: false,
  help: 'how often expired names are removed, in ms (default one hour)',
};

/** `registrationPeriodMs` → `registration-period-ms`. @param {string} key */
function kebab(key) {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * Every node option, in the order the usage text lists them: the core's (`nodeOptions()`),
 * with the shim's sweep interval after the network options.
 * @type {readonly NodeOption[]}
 */
export const NODE_OPTIONS = Object.freeze(
  nodeOptions().flatMap((spec, i, all) => {
    /** @type {NodeOption} */
    const option = {
      key: spec.key,
      flag: kebab(spec.key),
      placeholder: spec.choices ? spec.choices.join('|') : 'N',
      network: spec.network,
      help: spec.description,
      ...(spec.choices ? { choices: Object.freeze([...spec.choices]) } : {}),
    };
    const lastNetwork = spec.network && !all[i + 1]?.network;
    return lastNetwork ? [option, SWEEP_INTERVAL] : [option];
  }),
);

/**
 * One flag of `vns serve` that is not a network option: the server's own (where it listens,
 * its folder, its peers, its logs). `multiple` flags may be given more than once.
 * @typedef {{
 *   flag: string,
 *   type: 'string' | 'boolean',
 *   multiple?: boolean,
 *   placeholder?: string,
 *   default: string,
 *   help: string,
 * }} ServeFlag
 */

/** The levels of `--log-level`, most severe first: a level shows itself and those before it. */
export const LOG_LEVELS = /** @type {const} */ (['error', 'warn', 'info', 'debug']);

/** @typedef {typeof LOG_LEVELS[number]} LogLevel */

/** The level logs show when `--log-level` is not given. */
export const DEFAULT_LOG_LEVEL = 'info';

/** Every server flag of `vns serve`, in the order its help lists them. @type {readonly ServeFlag[]} */
export const SERVE_FLAGS = Object.freeze([
  { flag: 'port', type: 'string', placeholder: 'N', default: '7420', help: 'the port of the HTTP API, the peer endpoint (/vns), /metrics and the page (0: any free one)' },
  {
    flag: 'host',
    type: 'string',
    placeholder: 'ADDR',
    default: '127.0.0.1',
    help: "the address to listen on (this machine only by default); peers and browsers on other machines need --host 0.0.0.0 or the machine's address",
  },
  { flag: 'data', type: 'string', placeholder: 'DIR', default: './vns-data', help: 'the data folder (locked: one `vns serve` per folder)' },
  {
    flag: 'storage',
    type: 'string',
    placeholder: 'db|folder',
    default: 'db',
    help: 'db: one LMDB database in the folder (an old block folder is moved into it); folder: one file per block',
  },
  { flag: 'memory', type: 'boolean', default: 'off', help: 'keep nothing on disk (instead of --data)' },
  { flag: 'force-empty', type: 'boolean', default: 'off', help: 'start empty when the folder holds blocks but no root (the blocks are kept)' },
  { flag: 'scrub-interval', type: 'string', placeholder: 'S', default: '21600', help: 'seconds between background scrubs of the stored blocks against their CIDs (0: only on demand, POST /api/vns/scrub)' },
  { flag: 'repair', type: 'boolean', default: 'off', help: 'start on a damaged store: load every intact entry, report the damage and the names lost, fetch the rest from peers' },
  { flag: 'peer', type: 'string', multiple: true, placeholder: 'URL', default: 'none', help: 'a peer to dial and keep connected (ws://host:port/vns), repeatable' },
  { flag: 'max-peers', type: 'string', placeholder: 'N', default: '1000', help: 'peer links accepted in all' },
  { flag: 'max-peers-per-address', type: 'string', placeholder: 'N', default: '16', help: 'peer links accepted from one address' },
  { flag: 'log-level', type: 'string', placeholder: LOG_LEVELS.join('|'), default: DEFAULT_LOG_LEVEL, help: 'the least severe log lines shown' },
  { flag: 'json', type: 'boolean', default: 'off', help: 'log JSON lines on stdout instead of human lines' },
]);

/**
 * The `--log-level` flag's value (the default when absent).
 * @param {unknown} raw
 * @returns {LogLevel}
 */
export function logLevelFlag(raw) {
  if (raw === undefined) return DEFAULT_LOG_LEVEL;
  const level = LOG_LEVELS.find((l) => l === raw);
  if (!level) throw new FlagError(`--log-level: expected ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(raw)}`);
  return level;
}

/** The network a node joins when none is given. */
export const DEFAULT_NETWORK = 'main';

/**
 * The options as `node:util` `parseArgs` declares them (every value a string).
 * @returns {Record<string, { type: 'string' }>}
 */
export function cliFlags() {
  return Object.fromEntries(NODE_OPTIONS.map((o) => [o.flag, { type: /** @type {const} */ ('string') }]));
}

/** The usage text of the flags: `[--network main|testing] [--difficulty N] …`. */
export function usageText() {
  return NODE_OPTIONS.map((o) => `[--${o.flag} ${o.placeholder}]`).join(' ');
}

/** A flag that cannot be read, with the flag named. */
export class FlagError extends Error {}

/**
 * A non-negative integer flag's value (`undefined` when absent).
 * @param {string} flag @param {unknown} raw
 * @returns {number | undefined}
 */
export function uintFlag(flag, raw) {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== 'string' || !Number.isSafeInteger(n) || n < 0) {
    throw new FlagError(`--${flag}: expected a non-negative integer, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/**
 * The options given as CLI flags (absent flags stay absent). Integers must be non-negative;
 * the core checks their ranges.
 * @param {Record<string, unknown>} values parsed flags
 * @returns {NodeOptions}
 */
export function optionsFromFlags(values) {
  /** @type {Record<string, string | number>} */
  const options = {};
  for (const { key, flag, choices } of NODE_OPTIONS) {
    const raw = values[flag];
    if (raw === undefined) continue;
    if (choices) {
      if (typeof raw !== 'string') throw new FlagError(`--${flag}: expected a value`);
      if (!choices.includes(raw)) throw new FlagError(`--${flag}: expected ${choices.join(' or ')}, got ${raw}`);
      options[key] = raw;
      continue;
    }
    options[key] = /** @type {number} */ (uintFlag(flag, raw));
  }
  return /** @type {NodeOptions} */ (options);
}

/**
 * The given options of `options` that `open` takes, with the network named; with `network`,
 * only the network options: what a client passes to `open` to join this node's network.
 * @param {NodeOptions} options
 * @param {{ network?: boolean }} [which]
 * @returns {NodeOptions}
 */
export function openOptions(options, { network = false } = {}) {
  /** @type {Record<string, unknown>} */
  const open = { network: options.network ?? DEFAULT_NETWORK };
  for (const o of NODE_OPTIONS) {
    if ((o.network || !network) && options[o.key] !== undefined) open[o.key] = options[o.key];
  }
  return /** @type {NodeOptions} */ (open);
}
