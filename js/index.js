// @ts-check
/**
 * VNS for browsers and Deno: `import { open, generateKeys } from 'vns'`.
 *
 * ```js
 * import { open, generateKeys, connectWebSocket } from 'vns';
 * const vns = await open({ dbName: 'my-app' });
 * connectWebSocket(vns, 'wss://node.example.com/vns');
 * ```
 * @module
 */
import init, { VnsNode, VnsLight, Keys, powSearch, canonicalName, checkRecord, recordRules, nodeOptions } from '../pkg/web/vns.js';
import { openWith } from './core.js';
import { openShared, sharesTabs } from './tabs.js';
import { openLight, isLight } from './light.js';
import { deepFreeze } from './answer-cache.js';

// Fetches and instantiates the wasm next to the glue (a file: URL in Deno).
await init();

export * from './shared-exports.js';
export { connectWebSocket } from './websocket.js';
export { connectWebRTC, DEFAULT_MAX_WEBRTC_PEERS } from './webrtc.js';
export { workerSolver } from './worker-solver.js';
export { Keys, VnsNode, powSearch, canonicalName, checkRecord, nodeOptions };

/**
 * The protocol's record rules, read once from the core: record types, the default TTL and
 * its bounds, size limits. Record editors take their choices and defaults from here.
 * @type {Readonly<import('../pkg/web/vns.js').RecordRules>}
 */
export const RECORD_RULES = deepFreeze(recordRules());

/**
 * Opens a node (IndexedDB database `"vns"` unless `options` say otherwise), or with
 * `mode: 'light'` a light client that holds no replica (see `light.js`). In a browser, tabs
 * of the origin that open the same database share it: one tab (its `role` is `leader`) holds
 * it and the network links, the others (`follower`) run on it (see tabs.js);
 * `shareTabs: false` opens the database here whatever other tabs do.
 * @overload
 * @param {import('./core.js').OpenOptions} [options]
 * @returns {Promise<import('./core.js').Vns>}
 */
/**
 * @overload
 * @param {import('./light.js').LightOpenOptions} options
 * @returns {Promise<import('./light.js').LightVns>}
 */
/**
 * @param {import('./core.js').OpenOptions | import('./light.js').LightOpenOptions} [options]
 * @returns {Promise<import('./core.js').Vns | import('./light.js').LightVns>}
 */
export function open(options = {}) {
  // Light mode keeps its verified answers in IndexedDB by default, so a reload answers offline.
  if (isLight(options)) return openLight({ VnsLight, canonicalName, powSearch }, { storage: 'indexeddb', ...options });
  const wasm = { VnsNode, powSearch };
  return sharesTabs(options) ? openShared(wasm, options) : openWith(wasm, options);
}

/** A fresh owner keypair. */
export function generateKeys() {
  return Keys.generate();
}
