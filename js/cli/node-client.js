// @ts-check
/**
 * The `vns` command's side of a node's HTTP API, and the throwaway local node on which
 * changes are built and signed (the secret key never leaves this machine) and questions
 * about a name are answered by the core.
 * @module
 */
import { open } from '../node.js';
import { DEFAULT_PORT } from '../server.js';
import { CliError, EXIT } from './errors.js';

/** @typedef {import('./options.js').Flags} Flags */
/** @typedef {import('../core.js').Vns} Vns */

/** @param {Flags} flags */
export const nodeUrl = (flags) => (flags.node ?? process.env.VNS_NODE ?? `http://127.0.0.1:${DEFAULT_PORT}`).replace(/\/+$/, '');

/**
 * Calls the node's HTTP API. Errors from the node keep their rule code.
 * @param {Flags} flags @param {string} path @param {RequestInit} [init]
 */
export async function call(flags, path, init) {
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

/** @param {Flags} flags @param {string} path */
export const getJson = async (flags, path) => (await call(flags, path)).json();

/**
 * A throwaway in-memory node on the same network as the server.
 * @param {Flags} flags
 */
export async function clientNode(flags) {
  const status = await getJson(flags, '/api/vns/status');
  const hour = 60 * 60 * 1000;
  return open({ storage: 'memory', ...status.open, tickIntervalMs: hour, sweepIntervalMs: hour, saveDelayMs: hour });
}

/**
 * Runs `body` on a client node and closes it afterwards.
 * @template T
 * @param {Flags} flags @param {(client: Vns) => Promise<T>} body
 * @returns {Promise<T>}
 */
export async function withClient(flags, body) {
  const client = await clientNode(flags);
  try {
    return await body(client);
  } finally {
    await client.close();
  }
}

/** Sends a signed entry block. @param {Flags} flags @param {Uint8Array} bytes */
export async function send(flags, bytes) {
  const res = await call(flags, '/api/vns/ops', {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.ipld.dag-cbor' },
    body: Buffer.from(bytes),
  });
  return res.json();
}

/**
 * Fetches the name's current entry into `client`, so a change can be built on it.
 * @param {Flags} flags @param {Vns} client @param {string} name
 */
export async function loadEntry(flags, client, name) {
  const res = await call(flags, `/api/vns/entry/${encodeURIComponent(name)}`);
  client.submit(new Uint8Array(await res.arrayBuffer()));
}

/**
 * Fetches the name's entry if the node holds one. Only an unreachable node is an error here:
 * anything else (not held, lapsed) is left for the core to judge.
 * @param {Flags} flags @param {Vns} client @param {string} name
 */
export async function loadHeld(flags, client, name) {
  try {
    await loadEntry(flags, client, name);
  } catch (e) {
    if (e instanceof CliError && e.exit === EXIT.unreachable) throw e;
  }
}
