// @ts-check
/**
 * VNS for Node: the same API as the browser entry, with the wasm read from disk and
 * `connectWebSocket` defaulting to npm `ws`.
 *
 * ```js
 * import { open, generateKeys } from 'vns';
 * const vns = await open({ path: './vns-data' }); // or { storage: 'memory' }
 * ```
 * @module
 */
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { initSync, VnsNode, Keys, powSearch, canonicalName, checkRecord, recordRules } from '../pkg/web/vns.js';
import { openWith } from './core.js';
import { deepFreeze } from './answer-cache.js';
import { connectWebSocket as connect } from './websocket.js';
import { fsStorage, DEFAULT_DATA_DIR } from './fs-storage.js';

initSync({ module: readFileSync(new URL('../pkg/web/vns_bg.wasm', import.meta.url)) });

export * from './shared-exports.js';
export { serveWebSocket } from './node-server.js';
export { fsStorage, DEFAULT_DATA_DIR } from './fs-storage.js';
export { Keys, VnsNode, powSearch, canonicalName, checkRecord };

/**
 * The protocol's record rules, read once from the core: record types, the default TTL and
 * its bounds, size limits. Record editors take their choices and defaults from here.
 * @type {Readonly<import('../pkg/web/vns.js').RecordRules>}
 */
export const RECORD_RULES = deepFreeze(recordRules());

/**
 * Opens a node. Storage defaults to the filesystem (`path`, default `./vns-data`); pass
 * `storage: 'memory'` for a throwaway node, or any adapter object. A folder holding blocks
 * but no root pointer is refused (`storage.root_missing`) unless `forceEmpty` is given.
 * @param {import('./core.js').OpenOptions & { path?: string, forceEmpty?: boolean }} [options]
 */
export async function open(options = {}) {
  const { path = DEFAULT_DATA_DIR, forceEmpty = false, ...rest } = options;
  const storage = rest.storage ?? (await fsStorage(path, { forceEmpty }));
  return openWith({ VnsNode, powSearch }, { ...rest, storage });
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
