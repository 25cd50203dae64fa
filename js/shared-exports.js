// @ts-check
/**
 * What every entry point (browser/Deno `index.js`, Node `node.js`) exports alike.
 * @module
 */
export { inlineSolver } from './inline-solver.js';
export {
  Vns,
  DEFAULT_SWEEP_INTERVAL_MS,
  DEFAULT_TICK_INTERVAL_MS,
  DEFAULT_SAVE_DELAY_MS,
} from './core.js';
export { attachMessagePort } from './message-port.js';
export { attachWebSocket } from './websocket.js';

/**
 * The `code` of every error VNS throws (generated from the Rust list of codes).
 * @typedef {import('./codes.js').ErrorCode} ErrorCode
 */
