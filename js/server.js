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
 * | `server-log.js` | log lines with levels, human or JSON |
 * | `server-lock.js` | one server per data folder |
 * | `server-network.js` | network ids in words |
 * | `server-command.js` | `vns serve`: the banner and the signals |
 * | `node-server.js` | the WebSocket peer endpoint |
 * | `server-signal.js` | WebRTC signalling between the endpoint's clients |
 * @module
 */
import { join, resolve } from 'node:path';
import { open, connectWebSocket } from './node.js';
import { WebSocket } from 'ws';
import { observeFrames, peerUpgrades } from './node-server.js';
import { openOptions } from './node-options.js';
import { handleApi } from './server-api.js';
import { serverMetrics } from './server-metrics.js';
import { HttpError, describe, sendOk } from './server-http.js';
import { PACKAGE_ROOT, serveStatic } from './static-files.js';
import { httpStatusFor } from './codes.js';
import { startDns, DOH_PATH, createHttpServer } from './dns/index.js';
import { silentLog } from './server-log.js';
import { lockDataFolder } from './server-lock.js';
import { networkNames } from './server-network.js';
import { signalHub } from './server-signal.js';
import { trackRepair, withRepairHint } from './repair.js';
import { startScrubber } from './scrub.js';
import { logClockHealth } from './server-clock.js';

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
 *   repair?: boolean,
 *   scrubIntervalMs?: number,
 *   maxPeers?: number,
 *   maxPeersPerAddress?: number,
 *   peers?: string[],
 *   www?: string,
 *   log?: import('./server-log.js').Log,
 *   dns?: import('./dns/options.js').DnsOptions,
 *   tls?: import('./dns/https.js').TlsOptions,
 *   libp2p?: Omit<import('./libp2p/node.js').Libp2pOptions, 'data'>,
 * }} ServerOptions
 */

/**
 * A running server: where it listens, its network in words, its data folder (absolute;
 * `null` in memory), its node.
 * @typedef {{
 *   url: string,
 *   wsUrl: string,
 *   port: number,
 *   host: string,
 *   network: import('./server-network.js').NetworkLabel,
 *   data: string | null,
 *   vns: import('./core.js').Vns,
 *   dns: { host: string, port: number } | null,
 *   libp2p: import('./libp2p/node.js').Libp2pNode | null,
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
 * The error of a port that cannot be listened on, with the port named and what to do.
 * @param {unknown} e @param {string} host @param {number} port
 */
function listenError(e, host, port) {
  const code = /** @type {NodeJS.ErrnoException} */ (e)?.code;
  if (code === 'EADDRINUSE') {
    return Object.assign(
      new Error(`port ${port} on ${host} is already in use (another vns serve?); stop that process, or pick another port with --port N (0: any free port)`),
      { code: 'serve.port_in_use' },
    );
  }
  if (code === 'EACCES') {
    return Object.assign(new Error(`port ${port} on ${host} may not be used by this user (ports under 1024 need privileges); pick another with --port N`), {
      code: 'serve.port_in_use',
    });
  }
  return e;
}

/**
 * Starts a peer: locks and opens the store, listens, dials `peers`.
 * @param {ServerOptions} [options]
 * @returns {Promise<Server>}
 */
export async function startServer(options = {}) {
  const log = options.log ?? silentLog;
  const www = options.www ?? join(PACKAGE_ROOT, 'www');
  const data = options.memory ? null : resolve(options.data ?? 'vns-data');
  const lock = data === null ? undefined : await lockDataFolder(data);
  /** Undoes what started so far when a later step fails. @type {Array<() => Promise<void>>} */
  const undo = [async () => lock?.release()];
  const unwind = async () => {
    for (const step of undo.reverse()) await step().catch(() => {});
  };
  try {
    return await listening(options, { log, www, data, lock, undo });
  } catch (e) {
    await unwind();
    throw e;
  }
}

/**
 * The part of `startServer` after the lock: a failure here undoes the steps in `undo`.
 * @param {ServerOptions} options
 * @param {{ log: import('./server-log.js').Log, www: string, data: string | null, lock: { release(): Promise<void> } | undefined, undo: Array<() => Promise<void>> }} started
 * @returns {Promise<Server>}
 */
async function listening(options, { log, www, data, lock, undo }) {
  // A large store takes minutes to load (a million names): say so at once, and how long it took.
  const loadStarted = performance.now();
  if (data !== null) log('info', 'loading', `loading the names stored in ${data}`, { data });
  const vns = await open({
    ...openOptions(options),
    ...(data === null
      ? { storage: 'memory' }
      : { path: data, forceEmpty: options.forceEmpty, repair: options.repair, ...(options.storage === 'folder' && { storage: 'folder' }) }),
  }).catch((e) => Promise.reject(withRepairHint(e)));
  undo.push(() => vns.close());
  if (data !== null) {
    const ms = Math.round(performance.now() - loadStarted);
    log('info', 'loaded', `${vns.size} names loaded in ${(ms / 1000).toFixed(1)} s`, { entries: vns.size, ms });
  }
  const repairReport = vns.repairReport;
  const repair = repairReport && trackRepair(vns, repairReport, log);
  await repair?.saved;
  const names = await networkNames(vns, openOptions(options).network ?? 'main');
  const metrics = serverMetrics(vns);
  logClockHealth(vns, log);
  const host = options.host ?? '127.0.0.1';
  const dns = await startDns(vns, { ...options.dns, host });
  undo.push(() => dns.close());
  // Loaded only when asked for: libp2p takes a while to import.
  const p2p = options.libp2p ? await (await import('./libp2p/node.js')).startLibp2p(vns, { ...options.libp2p, data, log }) : null;
  if (p2p) undo.push(() => p2p.close());
  vns.addEventListener('error', (e) => {
    const detail = e.detail;
    if (detail.type === 'peer-error') {
      const words = detail.code === 'sync.network_mismatch' ? names.mismatch(detail.message) : detail.message;
      log('warn', 'peer-error', `peer session ${detail.peer} closed: ${words} (${detail.code})`, { peer: detail.peer, code: detail.code, detail: words });
      return;
    }
    const { code, message } = describe('error' in detail ? detail.error : detail);
    log('error', 'error', `${detail.type} failed: ${message} (${code})`, { type: detail.type, detail: { code, message } });
  });
  vns.addEventListener('peer', (e) => {
    const { type, peer } = e.detail;
    const code = type === 'peer-disconnected' ? (e.detail.code ?? null) : undefined;
    const words = type === 'peer-connected' ? 'connected' : `disconnected${code ? ` (${code})` : ''}`;
    log('debug', 'peer', `peer session ${peer} ${words}`, { ...e.detail });
  });

  // The data folder is scrubbed in the background (nothing to scrub in memory).
  const scrubber = data === null ? undefined : startScrubber(vns, { intervalMs: options.scrubIntervalMs, log, counts: metrics.counts });
  undo.push(async () => scrubber?.stop());

  /** @type {import('./server-api.js').ApiContext} */
  const api = { vns, counts: metrics.counts, join: openOptions(options, { network: true }), links: new Set(), log, dns, libp2p: p2p, observe: metrics.observe, repair, scrubber };

  /**
   * The routes, first match wins; each answers with a value for `sendOk` or throws.
   * @type {Array<{ match: (req: import('node:http').IncomingMessage, url: URL) => boolean, answer: (req: import('node:http').IncomingMessage, url: URL, res: import('node:http').ServerResponse) => Promise<unknown> | unknown }>}
   */
  const routes = [
    { match: (_req, url) => url.pathname.startsWith('/api/vns/'), answer: (req, url) => handleApi(api, req, url) },
    {
      match: (req, url) => url.pathname === '/metrics' && req.method === 'GET',
      answer: async (_req, _url, res) => {
        const text = await metrics.render([...dns.metrics(), ...(p2p?.metrics() ?? [])]);
        res.writeHead(200, { 'content-type': metrics.contentType }).end(text);
      },
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

  const signalling = signalHub({
    onClosed: (code) => metrics.counts.signalClosed.inc(code),
    onRelayed: (kind) => metrics.counts.signalRelayed.inc(kind),
  });
  metrics.counts.signalReachable = () => signalling.reachable;
  const peers = peerUpgrades(vns, {
    signalling,
    path: '/vns',
    maxPayload: MAX_PEER_MESSAGE,
    limits: {
      maxPeers: options.maxPeers,
      maxPeersPerAddress: options.maxPeersPerAddress,
      onRefused: (reason) => metrics.counts.peersRefused.inc(reason),
    },
    onFrame: metrics.observe.frame,
    onPeer(req, closed) {
      const link = { direction: /** @type {const} */ ('in'), remote: `${req.socket.remoteAddress}:${req.socket.remotePort}` };
      api.links.add(link);
      closed.then(() => api.links.delete(link));
    },
  });
  http.on('upgrade', peers.upgrade);
  undo.push(() => peers.close());

  // Listeners start here and stop in `close`, nowhere else.
  const wanted = options.port ?? DEFAULT_PORT;
  await /** @type {Promise<void>} */ (
    new Promise((resolve, reject) => {
      http.once('error', (e) => reject(listenError(e, host, wanted)));
      http.listen(wanted, host, () => resolve());
    })
  );
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const shown = host.includes(':') ? `[${host}]` : host;

  /** npm `ws`, its frames measured. */
  class MeasuredWebSocket extends WebSocket {
    /** @param {string} url */
    constructor(url) {
      super(url);
      observeFrames(this, metrics.observe.frame);
    }
  }
  const dialers = (options.peers ?? []).map((peerUrl) => {
    api.links.add({ direction: 'out', remote: peerUrl });
    return connectWebSocket(vns, peerUrl, {
      WebSocket: /** @type {import('./websocket.js').WebSocketConstructor} */ (/** @type {unknown} */ (MeasuredWebSocket)),
      onRetry: (retry) => {
        const wait = `retrying in ${(retry.delayMs / 1000).toFixed(1)} s`;
        const why =
          retry.code === 'sync.network_mismatch' && retry.message ? `is on another network: ${names.mismatch(retry.message)}`
          : retry.code ? `closed the session: ${retry.message ?? retry.code} (${retry.code})`
          : retry.handshake ? 'disconnected'
          : 'cannot be reached';
        log(retry.handshake ? 'info' : 'warn', 'peer-retry', `peer ${peerUrl} ${why}; ${wait}`, { url: peerUrl, code: retry.code, handshake: retry.handshake, delayMs: retry.delayMs });
      },
    });
  });

  /** @type {Promise<void> | undefined} */
  let closing;
  const close = () =>
    (closing ??= (async () => {
      for (const d of dialers) d.stop();
      await scrubber?.stop();
      const peersClosed = peers.close();
      closeAllConnections();
      await new Promise((resolve) => http.close(() => resolve(undefined)));
      await peersClosed;
      await dns.close();
      await p2p?.close();
      try {
        await vns.close(); // saves state and queue
      } finally {
        await lock?.release();
      }
    })());

  const [web, ws] = secure ? ['https', 'wss'] : ['http', 'ws'];
  return {
    url: `${web}://${shown}:${port}`,
    wsUrl: `${ws}://${shown}:${port}/vns`,
    port,
    host,
    network: names.self,
    data,
    vns,
    dns: dns.listening,
    libp2p: p2p,
    close,
  };
}
