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
 * usage text, and whether it is part of the network (peers must agree on it).
 * @typedef {{
 *   key: NodeOptionKey,
 *   flag: string,
 *   placeholder: string,
 *   choices?: readonly string[],
 *   network: boolean,
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
 * }} NodeOptions
 */

/** The shim's own option (a JS timer), listed after the core's network options. @type {NodeOption} */
const SWEEP_INTERVAL = { key: 'sweepIntervalMs', flag: 'sweep-interval-ms', placeholder: 'N', network: false };

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
      ...(spec.choices ? { choices: Object.freeze([...spec.choices]) } : {}),
    };
    const lastNetwork = spec.network && !all[i + 1]?.network;
    return lastNetwork ? [option, SWEEP_INTERVAL] : [option];
  }),
);

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
