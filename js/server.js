// @ts-check
/**
 * `vns serve`: a VNS peer for Node. One port carries the WebSocket peer endpoint (`/vns`),
 * the HTTP API (`/api/vns/…`), Prometheus metrics (`/metrics`) and the demo page (`/`).
 *
 * ```js
 * import { startServer } from 'vns/server';
 * const server = await startServer({ port: 7420, data: './vns-data', peers: ['ws://peer:7420/vns'] });
 * console.log(server.url);  // http://127.0.0.1:7420
 * await server.close();     // closes peers, saves state and queue
 * ```
 *
 * | module | concept |
 * |---|---|
 * | `node-options.js` | the node's options, declared once (CLI flags, `open`, `status.open`) |
 * | `server-api.js` | the API routes and the node's status |
 * | `server-metrics.js` | the server's counters and the `/metrics` table |
 * | `server-http.js` | coded HTTP errors, bodies, answers |
 * | `node-server.js` | the WebSocket peer endpoint |
 * @module
 */
import { join } from 'node:path';
import { open, connectWebSocket } from './node.js';
import { peerUpgrades } from './node-server.js';
import { openOptions } from './node-options.js';
import { handleApi } from './server-api.js';
import { serverMetrics } from './server-metrics.js';
import { HttpError, describe, sendOk } from './server-http.js';
import { PACKAGE_ROOT, serveStatic } from './static-files.js';
import { httpStatusFor } from './codes.js';
import { startDns, DOH_PATH, createHttpServer } from './dns/index.js';

/** Default port of `vns serve`. */
export const DEFAULT_PORT = 7420;
/** Largest sync frame a peer may send over the WebSocket (the core refuses past 1 MiB). */
const MAX_PEER_MESSAGE = 4 * 1024 * 1024;

/**
 * Options of `startServer`. Network options must match the peers' (they change the network id).
 * @typedef {import('./node-options.js').NodeOptions & {
 *   port?: number,
 *   host?: string,
 *   data?: string,
 *   memory?: boolean,
 *   storage?: 'db' | 'folder',
 *   forceEmpty?: boolean,
 *   maxPeers?: number,
 *   maxPeersPerAddress?: number,
 *   peers?: string[],
 *   www?: string,
 *   log?: (event: string, fields: Record<string, unknown>) => void,
 *   dns?: import('./dns/options.js').DnsOptions,
 *   tls?: import('./dns/https.js').TlsOptions,
 * }} ServerOptions
 */

/**
 * A running server.
 * @typedef {{
 *   url: string,
 *   wsUrl: string,
 *   port: number,
 *   vns: import('./core.js').Vns,
 *   dns: { host: string, port: number } | null,
 *   close(): Promise<void>,
 * }} Server
 */

/**
 * HTTP status for an error code, from the list of every code (`js/codes.js`, generated from
 * `src/codes/`): malformed input 400, rate limit 429, missing 404, a valid request the rules
 * refuse 422, anything unlisted 500.
 * @param {string} code
 */
function statusFor(code) {
  return httpStatusFor(code);
}

/**
 * Answers a failed request with its code; a response already started is cut.
 * @param {import('node:http').ServerResponse} res @param {unknown} e
 */
function sendError(res, e) {
  const { code, message } = describe(e);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(e instanceof HttpError ? e.status : statusFor(code), { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { code, message } }));
}

/**
 * Starts a peer: opens the store, listens, dials `peers`.
 * @param {ServerOptions} [options]
 * @returns {Promise<Server>}
 */
export async function startServer(options = {}) {
  const log = options.log ?? (() => {});
  const www = options.www ?? join(PACKAGE_ROOT, 'www');
  const vns = await open({
    ...openOptions(options),
    ...(options.memory
      ? { storage: 'memory' }
      : { path: options.data ?? 'vns-data', forceEmpty: options.forceEmpty, ...(options.storage === 'folder' && { storage: 'folder' }) }),
  });
  const metrics = serverMetrics(vns);
  const dns = await startDns(vns, { ...options.dns, host: options.host ?? '127.0.0.1' });
  vns.addEventListener('error', (e) => {
    log('error', { detail: describe('error' in e.detail ? e.detail.error : e.detail) });
  });
  vns.addEventListener('peer', (e) => log('peer', e.detail));

  /** @type {import('./server-api.js').ApiContext} */
  const api = { vns, counts: metrics.counts, join: openOptions(options, { network: true }), links: new Set(), log, dns };

  /**
   * The routes, first match wins; each answers with a value for `sendOk` or throws.
   * @type {Array<{ match: (req: import('node:http').IncomingMessage, url: URL) => boolean, answer: (req: import('node:http').IncomingMessage, url: URL, res: import('node:http').ServerResponse) => Promise<unknown> | unknown }>}
   */
  const routes = [
    { match: (_req, url) => url.pathname.startsWith('/api/vns/'), answer: (req, url) => handleApi(api, req, url) },
    {
      match: (req, url) => url.pathname === '/metrics' && req.method === 'GET',
      answer: (_req, _url, res) => void res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metrics.render(dns.metrics())),
    },
    { match: (_req, url) => url.pathname === DOH_PATH, answer: (req, url, res) => dns.doh(req, res, url) },
    { match: (req) => req.method === 'GET' || req.method === 'HEAD', answer: (req, url, res) => serveStatic(req, res, www, url.pathname) },
  ];

  const { server: http, secure, closeAllConnections } = createHttpServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      const route = routes.find((r) => r.match(req, url));
      if (!route) throw new HttpError(405, 'http.method_not_allowed', `${req.method} is not served here`);
      const body = await route.answer(req, url, res);
      if (body !== undefined) sendOk(res, body);
    } catch (e) {
      sendError(res, e);
    }
  }, options.tls);
  // Longer than clients keep idle connections (undici: 4 s), so a client never reuses a
  // connection the server is closing at that moment.
  http.keepAliveTimeout = 65_000;

  const peers = peerUpgrades(vns, {
    path: '/vns',
    maxPayload: MAX_PEER_MESSAGE,
    limits: {
      maxPeers: options.maxPeers,
      maxPeersPerAddress: options.maxPeersPerAddress,
      onRefused: (reason) => metrics.counts.peersRefused.inc(reason),
    },
    onPeer(req, closed) {
      const link = { direction: /** @type {const} */ ('in'), remote: `${req.socket.remoteAddress}:${req.socket.remotePort}` };
      api.links.add(link);
      closed.then(() => api.links.delete(link));
    },
  });
  http.on('upgrade', peers.upgrade);

  // Listeners start here and stop in `close`, nowhere else.
  const host = options.host ?? '127.0.0.1';
  await /** @type {Promise<void>} */ (
    new Promise((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port ?? DEFAULT_PORT, host, () => resolve());
    })
  ).catch(async (e) => {
    await dns.close();
    throw e;
  });
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const shown = host.includes(':') ? `[${host}]` : host;

  const dialers = (options.peers ?? []).map((peerUrl) => {
    api.links.add({ direction: 'out', remote: peerUrl });
    return connectWebSocket(vns, peerUrl);
  });

  /** @type {Promise<void> | undefined} */
  let closing;
  const close = () =>
    (closing ??= (async () => {
      for (const d of dialers) d.stop();
      const peersClosed = peers.close();
      closeAllConnections();
      await new Promise((resolve) => http.close(() => resolve(undefined)));
      await peersClosed;
      await dns.close();
      await vns.close(); // saves state and queue
    })());

  const [web, ws] = secure ? ['https', 'wss'] : ['http', 'ws'];
  return { url: `${web}://${shown}:${port}`, wsUrl: `${ws}://${shown}:${port}/vns`, port, vns, dns: dns.listening, close };
}
