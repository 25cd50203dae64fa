#!/usr/bin/env node
// @ts-check
/**
 * The `vns` command: run a peer (`vns serve`) and manage names through a node's HTTP API.
 * Changes are built and signed locally (the secret key never leaves this machine) and sent to
 * the node as signed entry blocks.
 *
 * ```sh
 * vns key new                       # creates ~/.vns/key.json
 * vns register alice --ip 192.0.2.1 # proof-of-work with a progress bar, then sent to the node
 * vns resolve alice.vfs --json
 * ```
 * @module
 */
import { readFile } from 'node:fs/promises';
import { startServer, DEFAULT_PORT } from './server.js';
import { optionsFromFlags, FlagError } from './node-options.js';
import { dnsOptionsFromFlags } from './dns/index.js';
import { CliError, EXIT, usage } from './cli/errors.js';
import { parse, intFlag, args } from './cli/options.js';
import { getJson } from './cli/node-client.js';
import { keyCommand } from './cli/keys.js';
import { nameCommand } from './cli/names.js';
import { commandHelp, overview } from './cli/help.js';

/** @typedef {import('./cli/options.js').Flags} Flags */

/**
 * Runs one command. Returns [json value, human text, exit code].
 * @param {string} command @param {string[]} rest @param {Flags} flags
 * @returns {Promise<[unknown, string, number]>}
 */
async function run(command, rest, flags) {
  if (command === 'key') {
    const [json, text] = await keyCommand(rest, flags);
    return [json, text, EXIT.ok];
  }
  const named = await nameCommand(command, rest, flags);
  if (named) return named;
  if (command === 'status') {
    args(rest, 0, '`status` without arguments');
    const s = await getJson(flags, '/api/vns/status');
    const text = [
      `network  ${s.network.network} (difficulty ${s.network.difficulty}, id ${s.network.networkId.slice(0, 16)}…)`,
      `entries  ${s.entries}`,
      `root     ${s.root}`,
      `peers    ${s.peers} connected`,
      `queue    ${s.queue.size} of ${s.queue.capacity} (${s.queue.dropped} dropped)`,
      dnsLine(s.dns),
    ].join('\n');
    return [s, text, EXIT.ok];
  }
  throw usage(`unknown command ${JSON.stringify(command)}`);
}

/**
 * The certificate and key of `--tls-cert` / `--tls-key` (both or neither).
 * @param {Flags} flags
 */
async function tlsFiles(flags) {
  const [certPath, keyPath] = [flags['tls-cert'], flags['tls-key']];
  if (certPath === undefined && keyPath === undefined) return undefined;
  if (typeof certPath !== 'string' || typeof keyPath !== 'string') throw usage('--tls-cert and --tls-key go together');
  try {
    return { cert: await readFile(certPath), key: await readFile(keyPath) };
  } catch (e) {
    throw new CliError('cli.bad_tls', `cannot read the TLS certificate or key: ${e instanceof Error ? e.message : e}`);
  }
}

/**
 * The `dns` line of `vns status`: where DNS is answered and how much.
 * @param {{ listening: { host: string, port: number } | null, queries: Record<string, number>, rateLimited: number }} dns
 */
function dnsLine(dns) {
  const where = dns.listening ? `UDP/TCP ${dns.listening.host}:${dns.listening.port} and DoH` : 'DoH only';
  const queries = Object.values(dns.queries).reduce((a, b) => a + b, 0);
  return `dns      ${where} (${queries} queries, ${dns.rateLimited} rate-limited)`;
}

/** @param {Flags} flags */
async function serve(flags, /** @type {string[]} */ rest) {
  if (rest.length) throw usage(`serve takes no arguments (got ${rest.join(' ')})`);
  let nodeOptions;
  try {
    nodeOptions = optionsFromFlags(flags);
  } catch (e) {
    throw e instanceof FlagError ? usage(e.message) : e;
  }
  const json = Boolean(flags.json);
  /** @param {string} event @param {Record<string, unknown>} fields */
  const log = (event, fields) => {
    if (json) console.log(JSON.stringify({ event, ...fields }));
    else if (event !== 'op') console.error(`vns serve: ${event} ${JSON.stringify(fields)}`);
  };
  let dns;
  try {
    dns = dnsOptionsFromFlags(flags);
  } catch (e) {
    throw usage(e instanceof Error ? e.message : String(e));
  }
  const server = await startServer({
    port: intFlag(flags, 'port') ?? DEFAULT_PORT,
    host: flags.host,
    data: flags.data,
    memory: flags.memory,
    forceEmpty: Boolean(flags['force-empty']),
    maxPeers: intFlag(flags, 'max-peers'),
    maxPeersPerAddress: intFlag(flags, 'max-peers-per-address'),
    peers: flags.peer ? [...flags.peer] : [],
    ...nodeOptions,
    log,
    dns,
    tls: await tlsFiles(flags),
  });
  const where = flags.memory ? 'memory (nothing kept)' : (flags.data ?? 'vns-data');
  if (json) {
    log('listening', { url: server.url, ws: server.wsUrl, port: server.port, dns: server.dns, data: where, entries: server.vns.size, root: server.vns.merkleRoot() });
  } else {
    console.log(`vns serve: listening on ${server.url} (peers: ${server.wsUrl}; data: ${where}; ${server.vns.size} names)`);
    console.log(`vns serve: demo page ${server.url}/  API ${server.url}/api/vns/status  metrics ${server.url}/metrics`);
    const udp = server.dns ? `; UDP/TCP on ${server.dns.host}:${server.dns.port}` : '';
    console.log(`vns serve: DNS for .vfs: DoH ${server.url}/dns-query${udp}`);
  }
  let stopping = false;
  const stop = async (/** @type {string} */ signal) => {
    if (stopping) return;
    stopping = true;
    log('stopping', { signal });
    try {
      await server.close();
      process.exit(EXIT.ok);
    } catch (e) {
      console.error(`vns serve: could not save on shutdown: ${e instanceof Error ? e.message : e}`);
      process.exit(EXIT.failed);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

async function main() {
  let flags;
  try {
    const parsed = parse(process.argv.slice(2));
    flags = parsed.values;
    const [command, ...rest] = parsed.positionals;
    if (flags.help || !command || command === 'help') {
      console.log(command === 'help' ? commandHelp(rest[0] ?? '') : command ? commandHelp(command) : overview());
      process.exit(command || flags.help ? EXIT.ok : EXIT.usage);
    }
    if (command === 'serve') return await serve(flags, rest);
    const [json, text, exit] = await run(command, rest, flags);
    console.log(flags.json ? JSON.stringify(json, null, 2) : text);
    if (exit !== EXIT.ok) process.exit(exit);
  } catch (e) {
    const code = typeof e === 'object' && e && 'code' in e ? String(e.code) : 'vns.internal';
    const message = e instanceof Error ? e.message : String(e);
    if (flags?.json) console.log(JSON.stringify({ error: { code, message } }, null, 2));
    console.error(`vns: ${message} (${code})`);
    if (e instanceof CliError && e.code === 'cli.usage') console.error(`run \`vns ${process.argv[2] && !process.argv[2].startsWith('-') ? `${process.argv[2]} ` : ''}--help\` for usage`);
    process.exit(e instanceof CliError ? e.exit : EXIT.failed);
  }
}

await main();
