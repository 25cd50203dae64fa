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
import { connectWebRTC as connectRTC } from './webrtc.js';
import { fsStorage, DEFAULT_DATA_DIR } from './fs-storage.js';
import { dbStorage } from './db-storage.js';

initSync({ module: readFileSync(new URL('../pkg/web/vns_bg.wasm', import.meta.url)) });

export * from './shared-exports.js';
export { serveWebSocket } from './node-server.js';
export { fsStorage, DEFAULT_DATA_DIR } from './fs-storage.js';
export { dbStorage } from './db-storage.js';
export { DEFAULT_MAX_WEBRTC_PEERS } from './webrtc.js';
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
 * given, or `repair` (which loads what the blocks hold; see `repairReport`).
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
  if (isLight(options)) {
    // Light mode saves its verified answers in memory unless given a folder or an adapter.
    const { path, storage, ...light } = options;
    const saved = path !== undefined && storage === undefined ? await fsStorage(path, { forceEmpty: true }) : storage;
    return openLight({ VnsLight, canonicalName, powSearch }, { ...light, storage: saved ?? 'memory' });
  }
  const { path = DEFAULT_DATA_DIR, forceEmpty = false, storage, ...rest } = options;
  // A repairing open finds the entries of a store without a root pointer by scanning it.
  const opening = { forceEmpty: forceEmpty || Boolean(rest.repair) };
  const chosen =
    storage === 'folder' ? await fsStorage(path, opening)
    : storage ?? (await dbStorage(path, opening));
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
 * @returns {import('./websocket.js').WebSocketLink}
 */
export function connectWebSocket(vns, url, options = {}) {
  const WebSocketImpl = /** @type {import('./websocket.js').WebSocketConstructor} */ (
    /** @type {unknown} */ (WebSocket)
  );
  return connect(vns, url, { WebSocket: WebSocketImpl, ...options });
}

/**
 * node-datachannel's standard WebRTC API. Named through a variable so that type checking
 * takes the platform's WebRTC types (its declarations clash with lib.dom's) and no bundler
 * follows it.
 */
const POLYFILL = 'node-datachannel/polyfill';

/**
 * `connectWebRTC` with node-datachannel's `RTCPeerConnection` as the default, loaded on the
 * first call only (its native library is not loaded by importing the package).
 *
 * ```js
 * const node = connectWebSocket(vns, 'ws://127.0.0.1:7420/vns');
 * const rtc = connectWebRTC(vns, { signalling: node.signalling });
 * ```
 * @param {import('./core.js').Vns} vns
 * @param {import('./webrtc.js').WebRTCOptions} options
 * @returns {import('./webrtc.js').WebRTCLink}
 */
export function connectWebRTC(vns, options) {
  const load = async () => /** @type {import('./webrtc.js').PeerConnectionConstructor} */ ((await import(POLYFILL)).RTCPeerConnection);
  return connectRTC(vns, { RTCPeerConnection: load, ...options });
}
