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
import { parseArgs } from 'node:util';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { homedir } from 'node:os';
import { open, generateKeys, Keys } from './node.js';
import { DEFAULT_PORT } from './server.js';
import { runServe } from './server-command.js';
import { createLogger } from './server-log.js';
import { cliFlags, usageText, optionsFromFlags, uintFlag, FlagError, logLevelFlag, LOG_LEVELS } from './node-options.js';
import { DNS_FLAGS, DNS_USAGE, dnsOptionsFromFlags } from './dns/index.js';

const USAGE = `vns: a decentralized name service for .vfs names

Usage:
  vns serve [--port ${DEFAULT_PORT}] [--host 127.0.0.1] [--data ./vns-data [--storage db|folder] [--force-empty] | --memory] [--peer URL]...
            [--max-peers N] [--max-peers-per-address N] [--log-level ${LOG_LEVELS.join('|')}] [--json]
${wrap(usageText(), 12, 96)}
            [--dns [ADDR:]PORT] [--tls-cert FILE --tls-key FILE] [DNS options]
  vns key new [--force]             create a key (Ed25519) at --key
  vns key show                      print the key's owner id
  vns register <name> [records]     register a name (proof-of-work, then signed and sent)
  vns update <name> [records]       replace a name's records
  vns renew <name>                  extend a name by one period
  vns transfer <name> <new-owner>   hand a name to another owner id
  vns resolve <name>                a name's records
  vns names [owner]                 names held by an owner (default: your key)
  vns status                        the node's entries, root, peers and queue

Records: --ip A (IPv4), --ip6 AAAA, --txt TEXT, --cid CID (content), --sync URL (peer
endpoint), each repeatable; --ttl SECONDS applies to all of them (default 3600).

DNS options of serve (README "DNS"; --tls-* serve HTTPS with HTTP/2, for DoH in browsers):
${DNS_USAGE}

Common options:
  --node URL   the node's HTTP address (default $VNS_NODE or http://127.0.0.1:${DEFAULT_PORT})
  --key FILE   the key file (default $VNS_KEY or ~/.vns/key.json)
  --json       machine-readable output on stdout
  --help       this text

Exit codes: 0 success, 1 refused or failed (the message names the rule), 2 usage error,
3 the node cannot be reached.`;

/**
 * `text` broken into lines of at most `width` characters, each indented by `indent`.
 * @param {string} text @param {number} indent @param {number} width
 */
function wrap(text, indent, width) {
  const lines = [''];
  for (const word of text.split(/ (?=\[)/)) {
    const line = lines[lines.length - 1];
    if (line && indent + line.length + 1 + word.length > width) lines.push(word);
    else lines[lines.length - 1] = line ? `${line} ${word}` : word;
  }
  return lines.map((line) => `${' '.repeat(indent)}${line}`).join('\n');
}

/** Exit codes. */
const EXIT = { ok: 0, failed: 1, usage: 2, unreachable: 3 };

/** A failure with an exit code and a VNS-style error code. */
class CliError extends Error {
  /** @param {string} code @param {string} message @param {number} [exit] */
  constructor(code, message, exit = EXIT.failed) {
    super(message);
    this.code = code;
    this.exit = exit;
  }
}

const usage = (/** @type {string} */ message) => new CliError('cli.usage', message, EXIT.usage);

const OPTIONS = /** @type {const} */ ({
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  node: { type: 'string' },
  key: { type: 'string' },
  force: { type: 'boolean' },
  ip: { type: 'string', multiple: true },
  ip6: { type: 'string', multiple: true },
  txt: { type: 'string', multiple: true },
  cid: { type: 'string', multiple: true },
  sync: { type: 'string', multiple: true },
  ttl: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  data: { type: 'string' },
  memory: { type: 'boolean' },
  storage: { type: 'string' },
  'force-empty': { type: 'boolean' },
  'max-peers': { type: 'string' },
  'max-peers-per-address': { type: 'string' },
  peer: { type: 'string', multiple: true },
  'log-level': { type: 'string' },
  ...cliFlags(),
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  ...DNS_FLAGS,
});

/** @typedef {ReturnType<typeof parse>['values']} Flags */

/** @param {string[]} argv */
function parse(argv) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw usage(e instanceof Error ? e.message : String(e));
  }
}

/**
 * A non-negative integer flag.
 * @param {Flags} flags @param {keyof Flags} name
 * @returns {number | undefined}
 */
function intFlag(flags, name) {
  try {
    return uintFlag(name, flags[name]);
  } catch (e) {
    throw e instanceof FlagError ? usage(e.message) : e;
  }
}

/**
 * `--storage`: `db` (the default, one LMDB database in --data) or `folder` (blockstore-fs).
 * @param {string | undefined} value
 * @returns {'db' | 'folder' | undefined}
 */
function storageFlag(value) {
  if (value === undefined || value === 'db' || value === 'folder') return value;
  throw usage(`--storage: ${JSON.stringify(value)} is not a storage (use db or folder)`);
}

/** @param {Flags} flags */
const keyPath = (flags) => flags.key ?? process.env.VNS_KEY ?? join(homedir(), '.vns', 'key.json');
/** @param {Flags} flags */
const nodeUrl = (flags) => (flags.node ?? process.env.VNS_NODE ?? `http://127.0.0.1:${DEFAULT_PORT}`).replace(/\/+$/, '');

/** @param {Flags} flags @returns {Promise<Keys>} */
async function loadKeys(flags) {
  const path = keyPath(flags);
  let text;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new CliError('cli.no_key', `no key at ${path}: create one with \`vns key new\` (or pass --key FILE)`);
  }
  try {
    const { secret } = JSON.parse(text);
    return Keys.fromSecret(Uint8Array.from(Buffer.from(secret, 'hex')));
  } catch (e) {
    throw new CliError('cli.bad_key', `${path} is not a VNS key file: ${e instanceof Error ? e.message : e}`);
  }
}

/** The records given with --ip, --ip6, --txt, --cid, --sync (and --ttl). @param {Flags} flags */
function recordsFrom(flags) {
  const ttl = intFlag(flags, 'ttl');
  /** @type {Array<[string, readonly string[] | undefined]>} */
  const kinds = [['A', flags.ip], ['AAAA', flags.ip6], ['TXT', flags.txt], ['FS', flags.cid], ['SYNC', flags.sync]];
  return kinds.flatMap(([type, values]) =>
    (values ?? []).map((value) => ({ type, value, ...(ttl !== undefined && { ttl }) })),
  );
}

/**
 * Calls the node's HTTP API. Errors from the node keep their rule code.
 * @param {Flags} flags @param {string} path @param {RequestInit} [init]
 */
async function call(flags, path, init) {
  const base = nodeUrl(flags);
  let res;
  try {
    res = await fetch(`${base}${path}`, init);
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? `: ${e.cause.message}` : '';
    throw new CliError('cli.unreachable', `cannot reach the node at ${base}${cause} (start one with \`vns serve\` or pass --node URL)`, EXIT.unreachable);
  }
  if (res.ok) return res;
  const body = await res.json().catch(() => undefined);
  const error = body?.error ?? { code: 'cli.bad_answer', message: `the node answered HTTP ${res.status} ${res.statusText}` };
  throw new CliError(error.code, error.message);
}

/** @param {Flags} flags */
const getJson = async (flags, /** @type {string} */ path) => (await call(flags, path)).json();

/**
 * A throwaway in-memory node on the same network as the server, where changes are built and
 * signed before they are sent.
 * @param {Flags} flags
 */
async function clientNode(flags) {
  const status = await getJson(flags, '/api/vns/status');
  const hour = 60 * 60 * 1000;
  return open({ storage: 'memory', ...status.open, tickIntervalMs: hour, sweepIntervalMs: hour, saveDelayMs: hour });
}

/** @param {Flags} flags @param {Uint8Array} bytes */
async function send(flags, bytes) {
  const res = await call(flags, '/api/vns/ops', {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.ipld.dag-cbor' },
    body: Buffer.from(bytes),
  });
  return res.json();
}

/**
 * A progress bar on stderr while the proof-of-work runs: redrawn in place on a terminal, a
 * line every few seconds otherwise, framed by a start and a done line.
 */
function progressBar() {
  const tty = process.stderr.isTTY;
  let last = 0;
  let started = 0;
  return {
    /** @param {number} difficulty */
    start(difficulty) {
      started = Date.now();
      process.stderr.write(`proof-of-work: ${difficulty} bits, ~${(2 ** difficulty).toLocaleString('en')} hashes expected\n`);
    },
    /** @param {{ attempts: number, expected: number }} p */
    update({ attempts, expected }) {
      const now = Date.now();
      if (now - last < (tty ? 100 : 5000)) return;
      last = now;
      const ratio = Math.min(attempts / expected, 1);
      const width = 30;
      const filled = Math.round(ratio * width);
      const text = `proof-of-work [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${attempts.toLocaleString('en')} of ~${expected.toLocaleString('en')} hashes`;
      process.stderr.write(tty ? `\r${text}` : `${text}\n`);
    },
    done() {
      if (tty && last) process.stderr.write('\n');
      process.stderr.write(`proof-of-work: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    },
  };
}

/**
 * Fetches the name's current entry into `client`, so a change can be built on it.
 * @param {Flags} flags @param {import('./core.js').Vns} client @param {string} name
 */
async function loadEntry(flags, client, name) {
  const res = await call(flags, `/api/vns/entry/${encodeURIComponent(name)}`);
  client.submit(new Uint8Array(await res.arrayBuffer()));
}

/**
 * Fetches the name's entry if the node holds one, so that a registration of a taken name is
 * refused before its proof-of-work. Only an unreachable node is an error here: anything
 * else (not held, lapsed) is left for the node to judge.
 * @param {Flags} flags @param {import('./core.js').Vns} client @param {string} name
 */
async function loadHeld(flags, client, name) {
  try {
    await loadEntry(flags, client, name);
  } catch (e) {
    if (e instanceof CliError && e.exit === EXIT.unreachable) throw e;
  }
}

/**
 * Builds a change on a client node, sends it, and returns the node's answer.
 * @param {Flags} flags @param {string} name
 * @param {(client: import('./core.js').Vns, keys: Keys) => Promise<unknown>} change
 * @param {{ existing: boolean }} opts `existing`: the change needs the held entry (else a
 *   registration: the held entry is loaded if there is one)
 */
async function change(flags, name, change, { existing }) {
  const keys = await loadKeys(flags);
  const client = await clientNode(flags);
  try {
    await (existing ? loadEntry : loadHeld)(flags, client, name);
    await change(client, keys);
    const resolved = await client.resolve(name);
    const bytes = client.entryBlock(resolved.name);
    if (!bytes) throw new CliError('vns.internal', 'the change produced no entry');
    return await send(flags, bytes);
  } finally {
    await client.close();
  }
}

/** @param {string[]} positionals @param {number} count @param {string} what */
function args(positionals, count, what) {
  if (positionals.length !== count) throw usage(`expected ${what}`);
  return positionals;
}

/**
 * A name as the node resolves it.
 * @typedef {{ name: string, records: Array<{ type: string, value: string, ttl: number }>, owner: string, expires: number, seq: number }} ResolvedName
 */

/** The resolved name in a node's answer to a change. @param {unknown} result @returns {ResolvedName} */
const resultResolved = (result) => /** @type {{ resolved: ResolvedName }} */ (result).resolved;

/** @param {number} ms */
const date = (ms) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** @param {ResolvedName} r */
function showResolved(r) {
  const lines = [`${r.name}`, `  owner    ${r.owner}`, `  expires  ${date(r.expires)}`, `  version  ${r.seq}`];
  if (r.records.length === 0) lines.push('  (no records)');
  for (const rec of r.records) lines.push(`  ${rec.type.padEnd(5)} ${rec.value}  (ttl ${rec.ttl}s)`);
  return lines.join('\n');
}

/**
 * Runs one command. Returns [json value, human text].
 * @param {string} command @param {string[]} rest @param {Flags} flags
 * @returns {Promise<[unknown, string]>}
 */
async function run(command, rest, flags) {
  switch (command) {
    case 'key': {
      const [sub] = args(rest, 1, '`key new` or `key show`');
      const path = keyPath(flags);
      if (sub === 'new') {
        const exists = await readFile(path).then(() => true, () => false);
        if (exists && !flags.force) {
          throw new CliError('cli.key_exists', `${path} already exists; keep it, or pass --force to replace it (the names it owns would be lost)`);
        }
        const keys = generateKeys();
        await mkdir(dirname(path), { recursive: true, mode: 0o700 });
        const file = { peerId: keys.peerId, secret: Buffer.from(keys.secret()).toString('hex') };
        await writeFile(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
        return [{ owner: keys.peerId, path }, `created ${path}\nowner ${keys.peerId}`];
      }
      if (sub === 'show') {
        const keys = await loadKeys(flags);
        return [{ owner: keys.peerId, path }, keys.peerId];
      }
      throw usage(`unknown key command ${JSON.stringify(sub)}: use \`key new\` or \`key show\``);
    }
    case 'register': {
      const [name] = args(rest, 1, '`register <name>`');
      const bar = progressBar();
      const records = recordsFrom(flags);
      const result = await change(flags, name, async (client, keys) => {
        bar.start(client.difficulty);
        await client.register(keys, name, records, { onProgress: (p) => bar.update(p) });
        bar.done();
      }, { existing: false });
      return [result, `registered\n${showResolved(resultResolved(result))}`];
    }
    case 'update': {
      const [name] = args(rest, 1, '`update <name>` with records');
      const result = await change(flags, name, (client, keys) => client.update(keys, name, recordsFrom(flags)), { existing: true });
      return [result, `updated\n${showResolved(resultResolved(result))}`];
    }
    case 'renew': {
      const [name] = args(rest, 1, '`renew <name>`');
      const result = await change(flags, name, (client, keys) => client.renew(keys, name), { existing: true });
      return [result, `renewed\n${showResolved(resultResolved(result))}`];
    }
    case 'transfer': {
      const [name, owner] = args(rest, 2, '`transfer <name> <new-owner>`');
      const result = await change(flags, name, (client, keys) => client.transfer(keys, name, owner), { existing: true });
      return [result, `transferred\n${showResolved(resultResolved(result))}`];
    }
    case 'resolve': {
      const [name] = args(rest, 1, '`resolve <name>`');
      const r = await getJson(flags, `/api/vns/resolve/${encodeURIComponent(name)}`);
      return [r, showResolved(r)];
    }
    case 'names': {
      if (rest.length > 1) throw usage('expected `names [owner]`');
      const owner = rest[0] ?? (await loadKeys(flags)).peerId;
      const r = await getJson(flags, `/api/vns/names?owner=${encodeURIComponent(owner)}`);
      return [r, r.names.length ? r.names.join('\n') : `no names held by ${owner}`];
    }
    case 'status': {
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
      return [s, text];
    }
    default:
      throw usage(`unknown command ${JSON.stringify(command)}`);
  }
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
  try {
    dns = dnsOptionsFromFlags(flags);
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
    maxPeers: intFlag(flags, 'max-peers'),
    maxPeersPerAddress: intFlag(flags, 'max-peers-per-address'),
    peers: flags.peer ? [...flags.peer] : [],
    ...nodeOptions,
    log,
    dns,
    tls: await tlsFiles(flags),
  });
}

async function main() {
  let flags;
  try {
    const parsed = parse(process.argv.slice(2));
    flags = parsed.values;
    const [command, ...rest] = parsed.positionals;
    if (flags.help || !command) {
      console.log(USAGE);
      process.exit(command || flags.help ? EXIT.ok : EXIT.usage);
    }
    if (command === 'serve') return await serve(flags, rest);
    const [json, text] = await run(command, rest, flags);
    console.log(flags.json ? JSON.stringify(json, null, 2) : text);
  } catch (e) {
    const code = typeof e === 'object' && e && 'code' in e ? String(e.code) : 'vns.internal';
    const message = e instanceof Error ? e.message : String(e);
    if (flags?.json) console.log(JSON.stringify({ error: { code, message } }, null, 2));
    console.error(`vns: ${message} (${code})`);
    if (e instanceof CliError && e.exit === EXIT.usage) console.error('run `vns --help` for usage');
    process.exit(e instanceof CliError ? e.exit : EXIT.failed);
  }
}

await main();
