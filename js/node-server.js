// @ts-check
/**
 * WebSocket peer servers for Node (npm `ws`): every accepted connection is a peer. Either on
 * a port of its own (`serveWebSocket`), or on the upgrades of an HTTP server that serves
 * other things too (`peerUpgrades`, as `vns serve` does on `/vns`).
 *
 * ```js
 * const server = await serveWebSocket(vns, { port: 4545 });
 * console.log(server.port);
 * await server.close();
 * ```
 * @module
 */
import { WebSocketServer } from 'ws';
import { attachWebSocket, CLOSE_PROTOCOL_ERROR } from './websocket.js';

/** @typedef {import('./core.js').Vns} Vns */

/**
 * Called for each accepted peer with its request and a promise settled when it closes.
 * @typedef {(req: import('node:http').IncomingMessage, closed: Promise<import('./websocket.js').SessionEnd>) => void} OnPeer
 */

/**
 * Told the size of each frame a link receives (`in`) or sends (`out`).
 * @typedef {(direction: 'in' | 'out', bytes: number) => void} OnFrame
 */

/**
 * Reports the size of each frame `socket` receives and sends to `onFrame`.
 * @param {import('ws').WebSocket} socket @param {OnFrame} onFrame
 */
export function observeFrames(socket, onFrame) {
  socket.on('message', (/** @type {Buffer | ArrayBuffer | Buffer[]} */ data, /** @type {boolean} */ isBinary) => {
    // Text frames are signalling, not sync frames.
    if (isBinary) onFrame('in', Array.isArray(data) ? data.reduce((n, part) => n + part.length, 0) : data.byteLength);
  });
  const send = socket.send.bind(socket);
  socket.send = /** @type {typeof socket.send} */ (
    (/** @type {Uint8Array | string} */ data, /** @type {any[]} */ ...rest) => {
      if (typeof data !== 'string') onFrame('out', data.byteLength);
      return send(data, ...rest);
    }
  );
}

/** @typedef {ReturnType<typeof import('./server-signal.js').signalHub>} SignalHub */

/**
 * A `ws` server whose connections are attached to `vns` (with WebRTC signalling through
 * `hub`, if given), and its closing (which ends every connection first).
 * @param {Vns} vns
 * @param {import('ws').ServerOptions} options
 * @param {OnPeer} [onPeer]
 * @param {OnFrame} [onFrame]
 * @param {SignalHub} [hub]
 */
function peerServer(vns, options, onPeer, onFrame, hub) {
  const server = new WebSocketServer(options);
  server.on('connection', (socket, req) => {
    if (onFrame) observeFrames(socket, onFrame);
    const text = hub?.session((code, reason) => socket.close(CLOSE_PROTOCOL_ERROR, `${code}: ${reason}`.slice(0, 120)));
    const closed = attachWebSocket(vns, /** @type {import('./websocket.js').SocketLike} */ (/** @type {unknown} */ (socket)), text);
    onPeer?.(req, closed);
  });
  const close = () =>
    /** @type {Promise<void>} */ (
      new Promise((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      })
    );
  return { server, close };
}

/**
 * Listens on `host:port` (port 0: a free one) and attaches each connection to `vns`.
 * Closes itself when `vns` closes.
 * @param {Vns} vns
 * @param {{ port?: number, host?: string }} [options]
 * @returns {Promise<{ port: number, close(): Promise<void> }>}
 */
export function serveWebSocket(vns, options = {}) {
  const { server, close } = peerServer(vns, { port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  vns.onClose(() => void close());
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.once('listening', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({ port, close });
    });
  });
}

/**
 * Caps on the peer links a server accepts: in all, and from one remote address. A client
 * over a cap is accepted and at once closed with close code `LIMIT_CLOSE_CODE` (1013, "try
 * again later") and the reason `vns.too_many_peers`, so it knows why; `onRefused` counts it.
 * @typedef {{ maxPeers?: number, maxPeersPerAddress?: number, onRefused?: (reason: 'total' | 'address') => void }} PeerLimits
 */

/** Close code for a client over a connection cap (RFC 6455 1013: try again later). */
export const LIMIT_CLOSE_CODE = 1013;
/** Close reason sent with `LIMIT_CLOSE_CODE`. */
export const LIMIT_REFUSAL = { code: 'vns.too_many_peers' };
/** Default cap on peer links in all. */
export const DEFAULT_MAX_PEERS = 1000;
/** Default cap on peer links from one address. */
export const DEFAULT_MAX_PEERS_PER_ADDRESS = 16;

/**
 * Peers on the WebSocket upgrades of an HTTP server at `path`; other upgrade paths are
 * answered 404. Pass `upgrade` to the HTTP server's `upgrade` event.
 *
 * ```js
 * const peers = peerUpgrades(vns, { path: '/vns' });
 * http.on('upgrade', peers.upgrade);
 * ```
 * @param {Vns} vns
 * @param {{ path: string, maxPayload?: number, onPeer?: OnPeer, onFrame?: OnFrame, limits?: PeerLimits, signalling?: SignalHub }} options
 * @returns {{
 *   upgrade(req: import('node:http').IncomingMessage, socket: import('node:stream').Duplex, head: Buffer): void,
 *   close(): Promise<void>,
 * }}
 */
export function peerUpgrades(vns, { path, maxPayload, onPeer, onFrame, limits = {}, signalling }) {
  const { server, close } = peerServer(vns, { noServer: true, ...(maxPayload !== undefined && { maxPayload }) }, onPeer, onFrame, signalling);
  const { maxPeers = DEFAULT_MAX_PEERS, maxPeersPerAddress = DEFAULT_MAX_PEERS_PER_ADDRESS, onRefused } = limits;
  /** Open links by remote address. @type {Map<string, number>} */
  const perAddress = new Map();
  let total = 0;
  return {
    upgrade(req, socket, head) {
      if (new URL(req.url ?? '/', 'http://localhost').pathname !== path) {
        socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
        return;
      }
      const address = req.socket.remoteAddress ?? '';
      const fromAddress = perAddress.get(address) ?? 0;
      const over = total >= maxPeers ? 'total' : fromAddress >= maxPeersPerAddress ? 'address' : undefined;
      if (over) {
        onRefused?.(over);
        server.handleUpgrade(req, socket, head, (ws) => ws.close(LIMIT_CLOSE_CODE, LIMIT_REFUSAL.code));
        return;
      }
      total += 1;
      perAddress.set(address, fromAddress + 1);
      socket.once('close', () => {
        total -= 1;
        const left = (perAddress.get(address) ?? 1) - 1;
        if (left > 0) perAddress.set(address, left);
        else perAddress.delete(address);
      });
      server.handleUpgrade(req, socket, head, (ws) => server.emit('connection', ws, req));
    },
    close,
  };
}
