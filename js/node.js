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
import { initSync, VnsNode, VnsLight, Keys, powSearch, canonicalName, checkRecord, recordRules, nodeOptions } from '../pkg/web/vns.js';
import { openWith } from './core.js';
import { openLight, isLight } from './light.js';
import { deepFreeze } from './answer-cache.js';
import { connectWebSocket as connect } from './websocket.js';
import { fsStorage, DEFAULT_DATA_DIR } from './fs-storage.js';
import { dbStorage } from './db-storage.js';

initSync({ module: readFileSync(new URL('../pkg/web/vns_bg.wasm', import.meta.url)) });

export * from './shared-exports.js';
export { serveWebSocket } from './node-server.js';
export { fsStorage, DEFAULT_DATA_DIR } from './fs-storage.js';
export { dbStorage } from './db-storage.js';
export { Keys, VnsNode, powSearch, canonicalName, checkRecord, nodeOptions };

/**
 * The protocol's record rules, read once from the core: record types, the default TTL and
 * its bounds, size limits. Record editors take their choices and defaults from here.
 * @type {Readonly<import('../pkg/web/vns.js').RecordRules>}
 */
export const RECORD_RULES = deepFreeze(recordRules());

/**
 * Opens a node. Storage defaults to the database in the folder `path` (default
 * `./vns-data`; see `dbStorage`), which takes over a folder the folder storage wrote there;
 * `storage: 'folder'` keeps one file per block in that folder instead (`fsStorage`),
 * `storage: 'memory'` makes a throwaway node, and any adapter object is used as given. Stored
 * blocks without a root pointer are refused (`storage.root_missing`) unless `forceEmpty` is
 * given.
 *
 * ```js
 * const vns = await open({ path: './vns-data' });                    // LMDB database
 * const old = await open({ path: './vns-data', storage: 'folder' }); // blockstore-fs folder
 * const light = await open({ mode: 'light', network: 'testing' });    // no replica at all
 * ```
 * @overload
 * @param {NodeOpenOptions} [options]
 * @returns {Promise<import('./core.js').Vns>}
 */
/**
 * @overload
 * @param {import('./light.js').LightOpenOptions} options
 * @returns {Promise<import('./light.js').LightVns>}
 */
/**
 * @param {NodeOpenOptions | import('./light.js').LightOpenOptions} [options]
 * @returns {Promise<import('./core.js').Vns | import('./light.js').LightVns>}
 */
export async function open(options = {}) {
  if (isLight(options)) return openLight({ VnsLight, canonicalName }, options);
  const { path = DEFAULT_DATA_DIR, forceEmpty = false, storage, ...rest } = options;
  const chosen =
    storage === 'folder' ? await fsStorage(path, { forceEmpty })
    : storage ?? (await dbStorage(path, { forceEmpty }));
  return openWith({ VnsNode, powSearch }, { ...rest, storage: chosen });
}

/**
 * Options of Node's `open`: the core's, plus where the data lives and in which storage.
 * @typedef {Omit<import('./core.js').OpenOptions, 'storage'> & {
 *   storage?: import('./core.js').OpenOptions['storage'] | 'folder',
 *   path?: string,
 *   forceEmpty?: boolean,
 * }} NodeOpenOptions
 */

/** A fresh owner keypair. */
export function generateKeys() {
  return Keys.generate();
}

/**
 * `connectWebSocket` with npm `ws` as the default WebSocket.
 * @param {import('./core.js').Vns | import('./light.js').LightVns} vns
 * @param {string} url
 * @param {import('./websocket.js').ConnectOptions} [options]
 */
export function connectWebSocket(vns, url, options = {}) {
  const WebSocketImpl = /** @type {import('./websocket.js').WebSocketConstructor} */ (
    /** @type {unknown} */ (WebSocket)
  );
  return connect(vns, url, { WebSocket: WebSocketImpl, ...options });
}
