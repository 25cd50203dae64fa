// @ts-check
/**
 * The DNS listener: UDP and TCP on one address and port (RFC 1035, RFC 7766), in front of a
 * `DnsService`. TCP connections are bounded in number and idle time, and a client that does
 * not read its answers stops being read (its pipelined queries wait in the kernel, not here).
 *
 * ```js
 * const listener = await listenDns(service, { host: '127.0.0.1', port: 5353 });
 * console.log(listener.port);
 * await listener.close();
 * ```
 * @module
 */
import { createSocket } from 'node:dgram';
import { createServer, isIPv6 } from 'node:net';

/**
 * Listener options.
 * @typedef {{
 *   host?: string,
 *   port?: number,
 *   maxTcpConnections?: number,
 *   tcpIdleMs?: number,
 * }} ListenOptions
 */

/** Defaults: 100 TCP connections at once, closed after 10 s without a query (RFC 7766 §6.2.3). */
export const LISTEN_DEFAULTS = Object.freeze({ maxTcpConnections: 100, tcpIdleMs: 10_000 });
/** Bytes of answers waiting to be written on one connection before it stops being read. */
const TCP_WRITE_HIGH_WATER = 64 * 1024;

/**
 * A running listener.
 * @typedef {{ host: string, port: number, close(): Promise<void> }} DnsListener
 */

/**
 * Listens on UDP and TCP. With port 0 the system picks a port free for both.
 * @param {import('./service.js').DnsService} service
 * @param {ListenOptions} [options]
 * @returns {Promise<DnsListener>}
 */
export async function listenDns(service, options = {}) {
  const host = options.host ?? '127.0.0.1';
  const maxTcp = options.maxTcpConnections ?? LISTEN_DEFAULTS.maxTcpConnections;
  const idleMs = options.tcpIdleMs ?? LISTEN_DEFAULTS.tcpIdleMs;
  // A port picked for UDP may be taken for TCP: try a few.
  for (let attempt = 0; ; attempt++) {
    const udp = await bindUdp(service, host, options.port ?? 0);
    const port = udp.address().port;
    try {
      const tcp = await bindTcp(service, host, port, maxTcp, idleMs);
      return {
        host,
        port,
        close: async () => {
          udp.close();
          tcp.closeAll();
          await new Promise((resolve) => tcp.server.close(() => resolve(undefined)));
        },
      };
    } catch (e) {
      udp.close();
      const inUse = typeof e === 'object' && e && 'code' in e && e.code === 'EADDRINUSE';
      if (!inUse || options.port || attempt >= 10) throw e;
    }
  }
}

/**
 * @param {import('./service.js').DnsService} service @param {string} host @param {number} port
 * @returns {Promise<import('node:dgram').Socket>}
 */
function bindUdp(service, host, port) {
  // A deep receive queue rides out bursts (the kernel caps it at its rmem_max).
  const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', recvBufferSize: 4 * 1024 * 1024 });
  socket.on('message', (message, remote) => {
    const answer = service.respond(message, 'udp', remote.address);
    if (answer) socket.send(answer.bytes, remote.port, remote.address, () => {});
  });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      // An ICMP error or a full send buffer concerns one packet, never the listener.
      socket.on('error', () => {});
      resolve(socket);
    });
  });
}

/**
 * @param {import('./service.js').DnsService} service @param {string} host @param {number} port
 * @param {number} maxConnections @param {number} idleMs
 * @returns {Promise<{ server: import('node:net').Server, closeAll(): void }>}
 */
function bindTcp(service, host, port, maxConnections, idleMs) {
  /** @type {Set<import('node:net').Socket>} */
  const open = new Set();
  const server = createServer((socket) => {
    if (open.size >= maxConnections) {
      service.counters.tcpRefused += 1;
      socket.destroy();
      return;
    }
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setTimeout(idleMs, () => socket.destroy());
    const source = socket.remoteAddress ?? '';
    /** @type {Buffer} */
    let pending = Buffer.alloc(0);
    socket.on('data', (/** @type {Buffer} */ chunk) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const length = pending.readUInt16BE(0);
        const message = pending.subarray(2, 2 + length);
        pending = pending.subarray(2 + length);
        const answer = service.respond(message, 'tcp', source);
        if (!answer) continue;
        const prefix = Buffer.alloc(2);
        prefix.writeUInt16BE(answer.bytes.length);
        socket.write(Buffer.concat([prefix, answer.bytes]));
      }
      // A message is at most 2 + 65535 bytes, so `pending` never holds more than one.
      if (socket.writableLength > TCP_WRITE_HIGH_WATER) {
        socket.pause();
        socket.once('drain', () => socket.resume());
      }
    });
  });
  server.maxConnections = maxConnections * 2; // a hard stop past the counted, polite refusal
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({
        server,
        closeAll: () => {
          for (const socket of open) socket.destroy();
        },
      });
    });
  });
}
