// @ts-check
/**
 * DNS for a `vns serve` node: the `.vfs` zone answered from the node's namespace over DoH at
 * `/dns-query` (always) and over UDP and TCP (with `listen`), with counters for `status` and
 * `/metrics`. See README "DNS" and docs/protocol.md "DNS".
 *
 * ```js
 * const dns = await startDns(vns, { listen: { host: '127.0.0.1', port: 5353 } });
 * // in the HTTP handler: if (url.pathname === DOH_PATH) return dns.doh(req, res, url);
 * await dns.close();
 * ```
 * @module
 */
import { canonicalName } from '../node.js';
import { DnsService } from './service.js';
import { listenDns } from './listener.js';
import { answerDoh } from './doh.js';

export { DOH_PATH } from './doh.js';
export { DNS_FLAGS, DNS_USAGE, dnsOptionsFromFlags } from './options.js';
export { createHttpServer } from './https.js';

/**
 * A node's running DNS service.
 * @typedef {{
 *   service: DnsService,
 *   listening: { host: string, port: number } | null,
 *   doh(req: import('./doh.js').DohRequest, res: import('./doh.js').DohResponse, url: URL): Promise<void>,
 *   status(): Record<string, unknown>,
 *   metrics(): import('../metrics.js').Metric[],
 *   close(): Promise<void>,
 * }} NodeDns
 */

/**
 * Starts DNS for `vns`.
 * @param {import('../core.js').Vns} vns
 * @param {import('./options.js').DnsOptions & { host?: string, now?: () => number }} [options]
 *   `host`: the listener's address when `listen` names none (the node's HTTP host)
 * @returns {Promise<NodeDns>}
 */
export async function startDns(vns, options = {}) {
  const service = new DnsService(vns, {
    canonicalName,
    negativeTtl: options.negativeTtl,
    rateLimit: options.rateLimit,
    now: options.now,
  });
  const listener = options.listen
    ? await listenDns(service, {
        host: options.listen.host ?? options.host,
        port: options.listen.port,
        maxTcpConnections: options.maxTcpConnections,
        tcpIdleMs: options.tcpIdleMs,
      })
    : undefined;
  // `ns.vfs` answers with the listener's address when it is a concrete one.
  if (listener && !['0.0.0.0', '::'].includes(listener.host)) service.zone.setNsAddresses([listener.host]);
  const listening = listener ? { host: listener.host, port: listener.port } : null;
  return {
    service,
    listening,
    doh: (req, res, url) => answerDoh(service, req, res, url),
    status: () => ({ listening, ...service.counters.status() }),
    metrics: () => service.counters.metrics(),
    close: async () => listener?.close(),
  };
}
