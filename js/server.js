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
 * @module
 */
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { open, connectWebSocket } from './node.js';
import { attachWebSocket } from './websocket.js';
import { renderMetrics, LabelledCounter } from './metrics.js';
import { PACKAGE_ROOT, serveStatic } from './static-files.js';
import { startDns, DOH_PATH, createHttpServer } from './dns/index.js';

/** Default port of `vns serve`. */
export const DEFAULT_PORT = 7420;
/** Largest request body accepted (an entry is at most 16 KiB). */
const MAX_BODY = 64 * 1024;

/**
 * Options of `startServer`. Network options must match the peers' (they change the network id).
 * @typedef {{
 *   port?: number,
 *   host?: string,
 *   data?: string,
 *   memory?: boolean,
 *   peers?: string[],
 *   www?: string,
 *   network?: 'main' | 'testing',
 *   difficulty?: number,
 *   registrationPeriodMs?: number,
 *   gracePeriodMs?: number,
 *   sweepIntervalMs?: number,
 *   registrationsPerHour?: number,
 *   queueCapacity?: number,
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

/** An HTTP error with a VNS-style code. */
class HttpError extends Error {
  /** @param {number} status @param {string} code @param {string} message */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * HTTP status for a rule code: malformed input 400, rate limit 429, missing 404, a valid
 * request the rules refuse 422.
 * @param {string} code
 */
function statusFor(code) {
  if (code === 'store.rate_limited') return 429;
  if (code.endsWith('not_found')) return 404;
  if (/^(entry|block|name|record|identity|vns\.invalid)/.test(code)) return 400;
  return 422;
}

/** @param {unknown} e @returns {{ code: string, message: string }} */
function describe(e) {
  const code = typeof e === 'object' && e && 'code' in e && typeof e.code === 'string' ? e.code : 'vns.internal';
  const message =
    e instanceof Error ? e.message
    : typeof e === 'object' && e && 'message' in e && typeof e.message === 'string' ? e.message
    : String(e);
  return { code, message };
}

/**
 * @param {import('node:http').IncomingMessage} req
 * @returns {Promise<Uint8Array>}
 */
function readBody(req) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    req.on('data', (/** @type {Buffer} */ chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        // Answer 413 and discard the rest of the body, so the client reads the answer.
        reject(new HttpError(413, 'http.too_large', `request body over ${MAX_BODY} bytes`));
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

/**
 * Starts a peer: opens the store, listens, dials `peers`.
 * @param {ServerOptions} [options]
 * @returns {Promise<Server>}
 */
export async function startServer(options = {}) {
  const log = options.log ?? (() => {});
  const www = options.www ?? join(PACKAGE_ROOT, 'www');
  /** The options a client passes to `open` to join this node's network. */
  const networkOptions = {
    network: options.network ?? 'main',
    ...(options.difficulty !== undefined && { difficulty: options.difficulty }),
    ...(options.registrationPeriodMs !== undefined && { registrationPeriodMs: options.registrationPeriodMs }),
    ...(options.gracePeriodMs !== undefined && { gracePeriodMs: options.gracePeriodMs }),
  };
  const vns = await open({
    ...networkOptions,
    ...(options.memory ? { storage: 'memory' } : { path: options.data ?? 'vns-data' }),
    sweepIntervalMs: options.sweepIntervalMs,
    registrationsPerHour: options.registrationsPerHour,
    queueCapacity: options.queueCapacity,
  });
  const dns = await startDns(vns, { ...options.dns, host: options.host ?? '127.0.0.1' });

  const counts = {
    sweeps: 0,
    swept: 0,
    saveFailures: 0,
    blocksWritten: 0,
    blocksDeleted: 0,
    collections: 0,
    storageGcFailures: 0,
    apiAccepted: 0,
    apiDuplicates: 0,
    apiRejected: new LabelledCounter(),
    queueOverflows: 0,
  };
  vns.addEventListener('sweep', (e) => {
    counts.sweeps += 1;
    counts.swept += /** @type {CustomEvent<{ removed: string[] }>} */ (e).detail.removed.length;
  });
  vns.addEventListener('save', (e) => {
    const report = /** @type {CustomEvent<import('./core.js').SaveReport>} */ (e).detail;
    counts.blocksWritten += report.blocks;
    counts.blocksDeleted += report.pruned;
  });
  vns.addEventListener('gc', (e) => {
    counts.collections += 1;
    counts.blocksDeleted += /** @type {CustomEvent<import('./core.js').GcReport>} */ (e).detail.removed;
  });
  vns.addEventListener('queue-overflow', () => {
    counts.queueOverflows += 1;
  });
  vns.addEventListener('error', (e) => {
    const detail = /** @type {CustomEvent<{ type: string }>} */ (e).detail;
    if (detail.type === 'save') counts.saveFailures += 1;
    if (detail.type === 'prune' || detail.type === 'gc') counts.storageGcFailures += 1;
    log('error', { detail: describe(/** @type {{ error?: unknown }} */ (detail).error ?? detail) });
  });
  vns.addEventListener('peer', (e) => log('peer', /** @type {CustomEvent} */ (e).detail));

  /** @type {Set<{ direction: 'in' | 'out', remote: string }>} */
  const links = new Set();

  /** Saves now; a failure is counted and reported, the change stays pending for the next. */
  const persist = async () => {
    try {
      await vns.save();
    } catch (e) {
      counts.saveFailures += 1;
      throw new HttpError(503, describe(e).code, `accepted but not yet saved: ${describe(e).message}`);
    }
  };

  const status = () => ({
    network: { ...networkOptions, difficulty: vns.difficulty, networkId: vns.networkId },
    open: { ...networkOptions, difficulty: vns.difficulty },
    entries: vns.size,
    root: vns.merkleRoot(),
    peers: vns.peers().length,
    links: [...links],
    queue: vns.queueStatus(),
    stats: vns.stats(),
    dns: dns.status(),
  });

  const metrics = () => {
    const stats = vns.stats();
    const queue = vns.queueStatus();
    /** @type {Array<[Record<string, string>, number]>} */
    const rejected = [
      ...Object.entries(stats.rejected).map(([code, n]) => /** @type {[Record<string, string>, number]} */ ([{ source: 'peer', code }, n])),
      ...counts.apiRejected.entries().map(([code, n]) => /** @type {[Record<string, string>, number]} */ ([{ source: 'api', code }, n])),
    ];
    /** @type {(name: string, help: string, value: number, type?: 'counter' | 'gauge') => import('./metrics.js').Metric} */
    const one = (name, help, value, type = 'counter') => ({ name, help, type, samples: [[{}, value]] });
    return renderMetrics([
      one('vns_entries', 'Names held in the store.', vns.size, 'gauge'),
      one('vns_peers', 'Peers with a completed handshake.', vns.peers().length, 'gauge'),
      one('vns_queue_size', 'Deltas waiting in the offline queue.', queue.size, 'gauge'),
      one('vns_queue_capacity', 'Capacity of the offline queue.', queue.capacity, 'gauge'),
      one('vns_queue_dropped_total', 'Deltas dropped because the queue was full.', queue.dropped),
      one('vns_queue_replayed_total', 'Deltas replayed from the queue.', queue.replayed),
      one('vns_sweep_runs_total', 'Expiry sweeps run.', counts.sweeps),
      one('vns_swept_names_total', 'Names removed by expiry sweeps.', counts.swept),
      one('vns_persist_failures_total', 'Saves to storage that failed.', counts.saveFailures),
      one('vns_blocks_written_total', 'Blocks written by saves.', counts.blocksWritten),
      one('vns_blocks_deleted_total', 'Unreachable blocks deleted by saves and garbage collections.', counts.blocksDeleted),
      one('vns_gc_runs_total', 'Garbage collections run (after sweeps that removed names).', counts.collections),
      one('vns_gc_failures_total', 'Deletions of unreachable blocks that failed (retried later).', counts.storageGcFailures),
      {
        name: 'vns_ops_accepted_total',
        help: 'New versions accepted, by source (peer sync or the HTTP API).',
        type: 'counter',
        samples: [[{ source: 'peer' }, stats.accepted], [{ source: 'api' }, counts.apiAccepted]],
      },
      {
        name: 'vns_ops_duplicate_total',
        help: 'Versions received that were already held.',
        type: 'counter',
        samples: [[{ source: 'peer' }, stats.duplicates], [{ source: 'api' }, counts.apiDuplicates]],
      },
      { name: 'vns_ops_rejected_total', help: 'Versions refused, by source and rule code.', type: 'counter', samples: rejected },
      one('vns_frames_in_total', 'Sync frames received.', stats.framesIn),
      one('vns_frames_out_total', 'Sync frames sent.', stats.framesOut),
      one('vns_bytes_in_total', 'Sync bytes received.', stats.bytesIn),
      one('vns_bytes_out_total', 'Sync bytes sent.', stats.bytesOut),
      one('vns_sessions_opened_total', 'Peer handshakes completed.', stats.sessionsOpened),
      one('vns_sessions_failed_total', 'Peer sessions closed on an error.', stats.sessionsFailed),
      one('vns_catchups_total', 'Merkle catch-ups completed.', stats.catchups),
      ...dns.metrics(),
    ]);
  };

  /**
   * The API routes. Each returns a JSON value or bytes, or throws an `HttpError` / coded error.
   * @param {import('node:http').IncomingMessage} req
   * @param {URL} url
   * @returns {Promise<unknown>}
   */
  const api = async (req, url) => {
    const path = url.pathname.slice('/api/vns'.length);
    const [, route, arg] = path.split('/');
    const name = arg === undefined ? '' : decodeURIComponent(arg);
    if (req.method === 'GET' && route === 'resolve' && name) {
      const resolved = await vns.resolve(name);
      const proof = vns.proof(name);
      return {
        ...resolved,
        entry: vns.verifyProof(proof, name),
        proof: { root: proof.root, blocks: proof.blocks.map((b) => Buffer.from(b).toString('base64')) },
      };
    }
    if (req.method === 'GET' && route === 'entry' && name) {
      const bytes = vns.entryBlock(name);
      if (!bytes) throw new HttpError(404, 'resolve.not_found', `${name} is not held by this node`);
      return bytes;
    }
    if (req.method === 'GET' && route === 'names') {
      const owner = url.searchParams.get('owner');
      if (!owner) throw new HttpError(400, 'vns.invalid_argument', 'owner: missing (?owner=<peer id>)');
      return { owner, names: vns.namesByOwner(owner) };
    }
    if (req.method === 'GET' && route === 'status') return status();
    if (req.method === 'POST' && route === 'ops') {
      const bytes = await readBody(req);
      let submitted;
      try {
        submitted = vns.submit(bytes);
      } catch (e) {
        counts.apiRejected.inc(describe(e).code);
        throw e;
      }
      if (submitted.accepted) counts.apiAccepted += 1;
      else counts.apiDuplicates += 1;
      await persist();
      log('op', { name: submitted.name, accepted: submitted.accepted });
      return { ...submitted, resolved: await vns.resolve(submitted.name).catch(() => null) };
    }
    throw new HttpError(404, 'http.not_found', `no API route ${req.method} ${url.pathname}`);
  };

  const { server: http, secure, closeAllConnections } = createHttpServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      if (url.pathname.startsWith('/api/vns/')) {
        const body = await api(req, url);
        if (body instanceof Uint8Array) {
          res.writeHead(200, { 'content-type': 'application/vnd.ipld.dag-cbor' }).end(body);
        } else {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        }
      } else if (url.pathname === '/metrics' && req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metrics());
      } else if (url.pathname === DOH_PATH) {
        await dns.doh(req, res, url);
      } else if (req.method === 'GET' || req.method === 'HEAD') {
        await serveStatic(req, res, www, url.pathname);
      } else {
        throw new HttpError(405, 'http.method_not_allowed', `${req.method} is not served here`);
      }
    } catch (e) {
      const { code, message } = describe(e);
      const statusCode = e instanceof HttpError ? e.status : statusFor(code);
      if (!res.headersSent) {
        res.writeHead(statusCode, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code, message } }));
      } else {
        res.destroy();
      }
    }
  }, options.tls);

  // Longer than clients keep idle connections (undici: 4 s), so a client never reuses a
  // connection the server is closing at that moment.
  http.keepAliveTimeout = 65_000;

  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 });
  http.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/vns') {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const link = { direction: /** @type {const} */ ('in'), remote: `${req.socket.remoteAddress}:${req.socket.remotePort}` };
      links.add(link);
      const socketLike = /** @type {import('./websocket.js').SocketLike} */ (/** @type {unknown} */ (ws));
      attachWebSocket(vns, socketLike).then(() => links.delete(link));
    });
  });

  await /** @type {Promise<void>} */ (
    new Promise((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port ?? DEFAULT_PORT, options.host ?? '127.0.0.1', () => resolve());
    })
  ).catch(async (e) => {
    await dns.close();
    throw e;
  });
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const host = options.host ?? '127.0.0.1';
  const shown = host.includes(':') ? `[${host}]` : host;

  const dialers = (options.peers ?? []).map((peerUrl) => {
    const link = { direction: /** @type {const} */ ('out'), remote: peerUrl };
    links.add(link);
    return connectWebSocket(vns, peerUrl);
  });

  let closing;
  const close = () =>
    (closing ??= (async () => {
      for (const d of dialers) d.stop();
      for (const client of wss.clients) client.terminate();
      wss.close();
      closeAllConnections();
      await new Promise((resolve) => http.close(() => resolve(undefined)));
      await dns.close();
      await vns.close(); // saves state and queue
    })());

  const [web, ws] = secure ? ['https', 'wss'] : ['http', 'ws'];
  return { url: `${web}://${shown}:${port}`, wsUrl: `${ws}://${shown}:${port}/vns`, port, vns, dns: dns.listening, close };
}
