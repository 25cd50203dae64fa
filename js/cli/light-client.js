// @ts-check
/**
 * `--light`: the `vns` command as a light client of `--node`. It asks the node for entries
 * with merkle proofs over its peer endpoint and verifies every answer itself (the node is not
 * trusted; it loads nothing but the names asked), and sends changes the same way, answered
 * once the node's proof shows them.
 *
 * `resolve` answers this way unless `--no-light`: over HTTP its records would be the node's
 * word. Changes go over the HTTP API unless `--light`: the entry they are built on is checked
 * by the core either way, so the light path adds no check with one node, while the API
 * answers once the change is saved and names the node's own refusals (its hourly limit).
 * @module
 */
import { open, connectWebSocket } from '../node.js';
import { CliError, EXIT, usage } from './errors.js';
import { getJson, nodeUrl } from './node-client.js';

/** @typedef {import('./options.js').Flags} Flags */
/** @typedef {import('../light.js').LightVns} LightVns */

/** The commands with a light path, and whether they take it without `--light`/`--no-light`. */
const LIGHT_BY_DEFAULT = Object.freeze({ resolve: true, register: false, update: false, renew: false, transfer: false });

/**
 * Whether `command` runs as a light client: `--light`, `--no-light`, or its default. Either
 * flag on a command without a light path is a usage error, not silently ignored.
 * @param {string} command @param {Flags} flags
 * @returns {boolean}
 */
export function useLight(command, flags) {
  const [on, off] = [Boolean(flags.light), Boolean(flags['no-light'])];
  if (on && off) throw usage('--light and --no-light exclude each other');
  const byDefault = /** @type {Record<string, boolean | undefined>} */ (LIGHT_BY_DEFAULT)[command];
  if (byDefault === undefined) {
    if (on || off) throw usage(`${on ? '--light' : '--no-light'} is for ${Object.keys(LIGHT_BY_DEFAULT).join(', ')}; \`${command}\` has no light path`);
    return false;
  }
  return on || (byDefault && !off);
}

/**
 * Verifies the node's version of `name` before a change is built on it. A name the node
 * proves absent fails here with `resolve.not_found`, as the HTTP path's fetch of its entry
 * does; a name in grace or lapsed is left for the core to judge on the change itself.
 * @param {LightVns} light @param {string} name
 */
export async function requireHeld(light, name) {
  try {
    await light.resolve(name);
  } catch (e) {
    const code = /** @type {{ code?: unknown }} */ (e).code;
    if (code !== 'resolve.in_grace' && code !== 'resolve.expired') throw e;
  }
}

/** How long the node's peer endpoint may take to complete the handshake. */
const HANDSHAKE_MS = 5000;

/**
 * Runs `body` on a light client of the node and closes it afterwards.
 * @template T
 * @param {Flags} flags @param {(light: LightVns) => Promise<T>} body
 * @returns {Promise<T>}
 */
export async function withLight(flags, body) {
  const status = await getJson(flags, '/api/vns/status');
  /** @type {import('../light.js').LightOpenOptions} */
  const options = { ...status.open, mode: 'light', storage: 'memory' };
  const light = await open(options);
  try {
    const ws = `${nodeUrl(flags).replace(/^http/, 'ws')}/vns`;
    connectWebSocket(light, ws);
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let timer;
    const late = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new CliError('cli.unreachable', `no handshake from ${ws} within ${HANDSHAKE_MS} ms`, EXIT.unreachable)), HANDSHAKE_MS);
    });
    await Promise.race([light.ready(), late]).finally(() => clearTimeout(timer));
    return await body(light);
  } finally {
    await light.close();
  }
}
