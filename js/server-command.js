// @ts-check
/**
 * `vns serve` once its flags are read: starts the server, announces what runs (network and
 * difficulty, the data folder's absolute path, the peer endpoint, the page, API, metrics and
 * DNS), and saves and exits on SIGINT or SIGTERM.
 *
 * ```js
 * const log = createLogger({ json: false, level: 'info' });
 * await runServe({ port: 7420, data: './vns-data', log });
 * // … info  vns serve on network main (difficulty 22): 0 names, data /home/me/vns-data
 * ```
 * @module
 */
import { startServer } from './server.js';

/**
 * The banner: one `listening` event whose fields say everything (the JSON line tests and
 * tools read), and human lines.
 * @param {import('./server-log.js').Log} log
 * @param {import('./server.js').Server} server
 */
export function announce(log, server) {
  const { network, vns } = server;
  const data = server.data ?? 'memory (nothing kept)';
  const local = server.host === '127.0.0.1' || server.host === '::1' || server.host === 'localhost';
  const reach = local ? ' (this machine only: peers elsewhere need --host 0.0.0.0 or a reachable address)' : '';
  log('info', 'listening', `vns serve on network ${network.label} (difficulty ${network.difficulty}): ${vns.size} names, data ${data}`, {
    url: server.url,
    ws: server.wsUrl,
    port: server.port,
    dns: server.dns,
    data,
    network: { name: network.name, base: network.base, id: network.id, difficulty: network.difficulty },
    entries: vns.size,
    root: vns.merkleRoot(),
  });
  log('info', 'endpoint', `peer endpoint (for other nodes' --peer): ${server.wsUrl}${reach}`, { ws: server.wsUrl });
  log('info', 'endpoint', `demo page ${server.url}/  API ${server.url}/api/vns/status  metrics ${server.url}/metrics`, { url: server.url });
  const udp = server.dns ? `; UDP/TCP on ${server.dns.host}:${server.dns.port}` : '';
  log('info', 'endpoint', `DNS for .vfs: DoH ${server.url}/dns-query${udp}`, { dns: server.dns });
  if (server.libp2p) {
    const addresses = server.libp2p.addresses();
    log('info', 'libp2p', `libp2p peer ${server.libp2p.peerId} on ${addresses.join(' ')} (for other nodes' --libp2p-bootstrap)`, {
      peerId: server.libp2p.peerId,
      addresses,
    });
  }
}

/**
 * Runs `vns serve` until a signal: starts, announces, and on SIGINT/SIGTERM closes (saving)
 * and exits 0, or 1 if the last save failed.
 * @param {import('./server.js').ServerOptions & { log: import('./server-log.js').Log }} options
 * @returns {Promise<import('./server.js').Server>}
 */
export async function runServe(options) {
  const { log } = options;
  const server = await startServer(options);
  announce(log, server);
  let stopping = false;
  const stop = async (/** @type {string} */ signal) => {
    if (stopping) return;
    stopping = true;
    log('info', 'stopping', `stopping on ${signal}: saving`, { signal });
    try {
      await server.close();
      process.exit(0);
    } catch (e) {
      log('error', 'error', `could not save on shutdown: ${e instanceof Error ? e.message : e}`, { type: 'shutdown' });
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  return server;
}
