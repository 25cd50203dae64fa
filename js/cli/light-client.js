// @ts-check
/**
 * `--light`: the `vns` command as a light client of `--node`. It asks the node for entries
 * with merkle proofs over its peer endpoint and verifies every answer itself (the node is not
 * trusted; it loads nothing but the names asked), and sends changes the same way, answered
 * once the node's proof shows them.
 * @module
 */
import { open, connectWebSocket } from '../node.js';
import { CliError, EXIT } from './errors.js';
import { getJson, nodeUrl } from './node-client.js';

/** @typedef {import('./options.js').Flags} Flags */
/** @typedef {import('../light.js').LightVns} LightVns */

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
