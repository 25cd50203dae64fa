// Shared by the DNS tests: a `vns serve` node with DNS on free loopback ports, names
// registered through the real CLI, a self-signed certificate made with openssl, the real DNS
// clients run as child processes, and a tiny UDP/TCP client built on dns-packet.
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import packet from 'dns-packet';
import { startServe, cli } from '../support/serve-process.mjs';

export { cli };

/** dnspython lives in this venv (scripts/setup.sh makes it). */
export const PYTHON = fileURLToPath(new URL('../../target/dns-venv/bin/python', import.meta.url));

/**
 * Runs a program to completion; never rejects: { code, stdout, stderr }.
 * @param {string} file @param {string[]} args @param {{ timeout?: number, env?: Record<string, string> }} [options]
 */
export function run(file, args, { timeout = 15_000, env } = {}) {
  return new Promise((resolve) => {
    execFile(file, args, { timeout, env: env ? { ...process.env, ...env } : process.env }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** A temporary folder, removed by the returned function. */
export async function tempDir(prefix = 'vns-dns-') {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made with openssl (never committed).
 * @param {string} dir
 */
export async function selfSigned(dir) {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const made = await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', key, '-out', cert,
  ]);
  if (made.code !== 0) throw new Error(`openssl failed: ${made.stderr}`);
  return { cert, key };
}

/**
 * Starts `vns serve` on the testing network with DNS on a free loopback port.
 * @param {string[]} extra more `serve` arguments
 */
export async function startDnsNode(extra = []) {
  const node = await startServe(['--memory', '--network', 'testing', '--difficulty', '8', '--dns', '127.0.0.1:0', ...extra]);
  const listening = /** @type {{ dns: { host: string, port: number } }} */ (node.lines.find((l) => l.event === 'listening'));
  // Not a spread: the process helper's url and ws are getters, which a spread would drop.
  return Object.assign(node, { dnsPort: listening.dns.port, stop: () => node.child.kill('SIGKILL') });
}

/**
 * Runs the CLI against `nodeUrl` with a fresh key in `dir`, throwing on failure.
 * @param {string} nodeUrl @param {string} dir
 */
export function cliAs(nodeUrl, dir) {
  const env = { VNS_NODE: nodeUrl, VNS_KEY: join(dir, 'key.json'), NODE_TLS_REJECT_UNAUTHORIZED: '0', NODE_NO_WARNINGS: '1' };
  return async (/** @type {string[]} */ ...args) => {
    const r = await cli(args, env);
    if (r.code !== 0) throw new Error(`vns ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
    return r;
  };
}

/**
 * One query over UDP from `source` (a loopback address); resolves with the decoded answer
 * and its size, or `null` after `timeoutMs`.
 * @param {number} port @param {string} name @param {string} [type]
 * @param {{ source?: string, timeoutMs?: number, edns?: number, id?: number }} [options]
 */
export async function udpQuery(port, name, type = 'A', { source, timeoutMs = 1000, edns, id = 4242 } = {}) {
  const query = packet.encode({
    id,
    type: 'query',
    flags: packet.RECURSION_DESIRED,
    questions: [{ name, type }],
    additionals: edns ? [{ type: 'OPT', name: '.', udpPayloadSize: edns }] : [],
  });
  const bytes = await udpRaw(port, query, { source, timeoutMs });
  return bytes ? { ...packet.decode(bytes), size: bytes.length, querySize: query.length } : null;
}

/**
 * Sends raw bytes over UDP; resolves with the first reply's bytes, or `null` after `timeoutMs`.
 * @param {number} port @param {Uint8Array} bytes @param {{ source?: string, timeoutMs?: number }} [options]
 */
export function udpRaw(port, bytes, { source, timeoutMs = 1000 } = {}) {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      resolve(null);
    }, timeoutMs);
    socket.once('message', (message) => {
      clearTimeout(timer);
      socket.close();
      resolve(message);
    });
    socket.once('error', reject);
    socket.bind(0, source ?? '127.0.0.1', () => socket.send(bytes, port, '127.0.0.1'));
  });
}

/**
 * One query over TCP; resolves with the decoded answer.
 * @param {number} port @param {string} name @param {string} [type]
 */
export function tcpQuery(port, name, type = 'A') {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      if (data.length >= 2 && data.length >= 2 + data.readUInt16BE(0)) {
        socket.destroy();
        resolve(packet.decode(data.subarray(2, 2 + data.readUInt16BE(0))));
      }
    });
    socket.on('error', reject);
    socket.write(packet.streamEncode({ id: 7, type: 'query', flags: packet.RECURSION_DESIRED, questions: [{ name, type }] }));
  });
}

/** The low four bits of the flags: the rcode's name. @param {{ flags?: number }} answer */
export function rcodeOf(answer) {
  return ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'][(answer.flags ?? 0) & 0xf];
}

/**
 * Polls `check` until it returns a truthy value or `ms` pass; resolves with the value and
 * the time it took.
 * @template T
 * @param {() => Promise<T>} check @param {number} ms
 */
export async function within(check, ms) {
  const start = performance.now();
  for (;;) {
    const value = await check();
    const took = performance.now() - start;
    if (value || took > ms) return { value, took };
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A sample of a Prometheus metric from a node's /metrics page, or 0. @param {string} text @param {string} line */
export function metric(text, line) {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found ? Number(found.slice(line.length + 1)) : 0;
}
