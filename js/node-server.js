// @ts-check
/**
 * A WebSocket peer server for Node (npm `ws`): every accepted connection is a peer.
 *
 * ```js
 * const server = await serveWebSocket(vns, { port: 4545 });
 * console.log(server.port);
 * await server.close();
 * ```
 * @module
 */
import { WebSocketServer } from 'ws';
import { attachWebSocket } from './websocket.js';

/**
 * Listens on `host:port` (port 0: a free one) and attaches each connection to `vns`.
 * Closes itself when `vns` closes.
 * @param {import('./core.js').Vns} vns
 * @param {{ port?: number, host?: string }} [options]
 * @returns {Promise<{ port: number, close(): Promise<void> }>}
 */
export function serveWebSocket(vns, options = {}) {
  const server = new WebSocketServer({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  server.on('connection', (socket) => {
    attachWebSocket(vns, /** @type {import('./websocket.js').SocketLike} */ (/** @type {unknown} */ (socket)));
  });
  const close = () =>
    /** @type {Promise<void>} */ (
      new Promise((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      })
    );
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
