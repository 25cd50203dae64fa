#!/usr/bin/env node
// @ts-check
/**
 * The `vns` command: run a peer (`vns serve`) and manage names through a node's HTTP API, or
 * as a light client of it (`resolve` by default, changes with `--light`). Changes are built
 * and signed locally (the secret key never leaves this machine) and sent to the node as
 * signed entry blocks.
 *
 * ```sh
 * vns key new                       # creates ~/.vns/key.json
 * vns register alice --ip 192.0.2.1 # proof-of-work with a progress bar, then sent to the node
 * vns resolve alice.vfs --json
 * ```
 * @module
 */
import { readFile } from 'node:fs/promises';
import { DEFAULT_PORT } from './server.js';
import { runServe } from './server-command.js';
import { createLogger } from './server-log.js';
import { optionsFromFlags, FlagError, logLevelFlag } from './node-options.js';
import { dnsOptionsFromFlags } from './dns/index.js';
import { libp2pOptionsFromFlags } from './libp2p/options.js';
import { CliError, EXIT, usage } from './cli/errors.js';
import { parse, intFlag, args, storageFlag } from './cli/options.js';
import { getJson } from './cli/node-client.js';
import { keyCommand } from './cli/keys.js';
import { nameCommand } from './cli/names.js';
import { useLight } from './cli/light-client.js';
import { commandHelp, overview } from './cli/help.js';

/** @typedef {import('./cli/options.js').Flags} Flags */

/**
 * Runs one command. Returns [json value, human text, exit code].
 * @param {string} command @param {string[]} rest @param {Flags} flags
 * @returns {Promise<[unknown, string, number]>}
 */
async function run(command, rest, flags) {
  useLight(command, flags); // --light or --no-light on a command without a light path: usage
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
  let level;
  try {
    level = logLevelFlag(flags['log-level']);
  } catch (e) {
    throw usage(e instanceof Error ? e.message : String(e));
  }
  const log = createLogger({ json: Boolean(flags.json), level });
  let dns;
  let libp2p;
  try {
    dns = dnsOptionsFromFlags(flags);
    libp2p = libp2pOptionsFromFlags(flags);
  } catch (e) {
    throw usage(e instanceof Error ? e.message : String(e));
  }
  await runServe({
    port: intFlag(flags, 'port') ?? DEFAULT_PORT,
    host: flags.host,
    data: flags.data,
    memory: flags.memory,
    storage: storageFlag(flags.storage),
    forceEmpty: Boolean(flags['force-empty']),
    repair: Boolean(flags.repair),
    scrubIntervalMs: secondsToMs(intFlag(flags, 'scrub-interval')),
    maxPeers: intFlag(flags, 'max-peers'),
    maxPeersPerAddress: intFlag(flags, 'max-peers-per-address'),
    peers: flags.peer ? [...flags.peer] : [],
    ...nodeOptions,
    log,
    dns,
    libp2p,
    tls: await tlsFiles(flags),
  });
}

/** @param {number | undefined} seconds */
const secondsToMs = (seconds) => (seconds === undefined ? undefined : seconds * 1000);

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
