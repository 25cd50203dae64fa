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
export { LightVns } from './light.js';
export { attachWebSocket } from './websocket.js';
// Recovery phrases: 24 BIP-39 words that are the secret key (docs/protocol.md). Both entry
// points instantiate the wasm behind this glue before anything can call them.
export { generatePhrase, keysFromPhrase, phraseOf } from '../pkg/web/vns.js';
// The wasm heap (linear memory, what is held now and at most): how close a node is to the
// 4 GiB of wasm32 (README, "How many names one node holds").
export { heapStats } from '../pkg/web/vns.js';

/**
 * The `code` of every error VNS throws (generated from the Rust list of codes).
 * @typedef {import('./codes.js').ErrorCode} ErrorCode
 */
