// @ts-check
/**
 * The node's HTTP listener: plain HTTP/1.1, or HTTPS with HTTP/2 and HTTP/1.1 on the same
 * port when given a certificate. Browsers only use DNS-over-HTTPS over HTTPS, and dig and
 * kdig only over HTTP/2; with `allowHTTP1` the page, the API and the sync WebSocket (an
 * HTTP/1.1 upgrade) keep working on that port.
 *
 * ```js
 * const { server, closeAllConnections } = createHttpServer(handler, { cert, key });
 * server.listen(7420);
 * ```
 * @module
 */
import { createServer } from 'node:http';
import { createSecureServer } from 'node:http2';

/** A certificate chain and its private key, PEM. @typedef {{ cert: string | Buffer, key: string | Buffer }} TlsOptions */

/**
 * A request handler; over HTTP/2 it gets the compatibility API's request and response,
 * which offer what the node's routes use (method, url, headers, body stream, writeHead, end).
 * @typedef {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void} Handler
 */

/**
 * An HTTP server, or an HTTPS one with HTTP/2 when `tls` is given.
 * @param {Handler} handler
 * @param {TlsOptions} [tls]
 * @returns {{ server: import('node:http').Server, secure: boolean, closeAllConnections(): void }}
 */
export function createHttpServer(handler, tls) {
  if (!tls) {
    const server = createServer(handler);
    return { server, secure: false, closeAllConnections: () => server.closeAllConnections() };
  }
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set();
  const secure = createSecureServer({ cert: tls.cert, key: tls.key, allowHTTP1: true }, /** @type {(req: import('node:http2').Http2ServerRequest, res: import('node:http2').Http2ServerResponse) => void} */ (
    /** @type {unknown} */ (handler)
  ));
  secure.on('connection', (/** @type {import('node:net').Socket} */ socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // Offers what the node uses of an http.Server: listen, address, close, 'upgrade' (HTTP/1.1
  // upgrades reach the HTTP/2 server's 'upgrade' event when allowHTTP1 is on).
  const server = /** @type {import('node:http').Server} */ (/** @type {unknown} */ (secure));
  return {
    server,
    secure: true,
    closeAllConnections: () => {
      for (const socket of sockets) socket.destroy();
    },
  };
}
