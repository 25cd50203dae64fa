// @ts-check
/**
 * The options of `open` that are the shim's, not the wasm node's: the timers (with their
 * defaults), the clock, and where each option goes.
 *
 * ```js
 * const { nodeOptions, shimOptions } = splitOpenOptions({ storage: 'memory', tickIntervalMs: 50 });
 * // nodeOptions: { storage: 'memory' }, shimOptions: { tickIntervalMs: 50, … }
 * ```
 * @module
 */

/** @typedef {import('../pkg/web/vns.js').VnsNodeOptions} VnsNodeOptions */
/** @typedef {import('./vns-types.js').OpenOptions} OpenOptions */

/** Default expiry sweep period: hourly. */
export const DEFAULT_SWEEP_INTERVAL_MS = 60 * 60 * 1000;
/** Default sync tick period. */
export const DEFAULT_TICK_INTERVAL_MS = 250;
/** Default delay between a change and the automatic save that persists it. */
export const DEFAULT_SAVE_DELAY_MS = 200;

/**
 * `open`'s options as the wasm node's and the shim's.
 * @param {OpenOptions} options
 * @returns {{ nodeOptions: VnsNodeOptions, shimOptions: OpenOptions }}
 */
export function splitOpenOptions(options) {
  const { sweepIntervalMs, tickIntervalMs, saveDelayMs, now, shareTabs: _shared, ...nodeOptions } = options;
  return { nodeOptions, shimOptions: { sweepIntervalMs, tickIntervalMs, saveDelayMs, now, clockOffsetMs: nodeOptions.clockOffsetMs } };
}

/**
 * The clock a node built with the shim's `options` runs on: `now`, else the system clock,
 * `clockOffsetMs` ahead (a test aid: a node whose clock runs fast, see docs/protocol.md,
 * "Clock health").
 * @param {OpenOptions} options
 * @returns {() => number}
 */
export function shimClock(options) {
  const ahead = options.clockOffsetMs ?? 0;
  return options.now ?? (ahead ? () => Date.now() + ahead : Date.now);
}
