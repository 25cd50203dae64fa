// @ts-check
/**
 * VNS for Node: the same API as the browser entry, with the wasm read from disk and
 * `connectWebSocket` defaulting to npm `ws`.
 *
 * ```js
 * import { open, generateKeys } from 'vns';
 * const vns = await open({ storage: 'memory' });
 * ```
 * @module
 */
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { initSync, VnsNode, Keys, powSearch } from '../pkg/web/vns.js';
import { openWith } from './core.js';
import { connectWebSocket as connect } from './websocket.js';

initSync({ module: readFileSync(new URL('../pkg/web/vns_bg.wasm', import.meta.url)) });

export { Vns, DEFAULT_SWEEP_INTERVAL_MS, DEFAULT_TICK_INTERVAL_MS } from './core.js';
export { attachWebSocket } from './websocket.js';
export { serveWebSocket } from './node-server.js';
export { Keys, VnsNode, powSearch };

/**
 * Opens a node. Node has no IndexedDB: pass `storage: 'memory'` or an adapter object (or
 * load `fake-indexeddb/auto` first).
 * @param {import('./core.js').OpenOptions} [options]
 */
export function open(options) {
  return openWith({ VnsNode, powSearch }, options);
}

/** A fresh owner keypair. */
export function generateKeys() {
  return Keys.generate();
}

/**
 * `connectWebSocket` with npm `ws` as the default WebSocket.
 * @param {import('./core.js').Vns} vns
 * @param {string} url
 * @param {import('./websocket.js').ConnectOptions} [options]
 */
export function connectWebSocket(vns, url, options = {}) {
  const WebSocketImpl = /** @type {import('./websocket.js').WebSocketConstructor} */ (
    /** @type {unknown} */ (WebSocket)
  );
  return connect(vns, url, { WebSocket: WebSocketImpl, ...options });
}
