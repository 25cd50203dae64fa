// @ts-check
/**
 * Network ids in words for the server's banner and logs: `main`, `testing`, or `custom`
 * (a preset with other parameters, such as another difficulty, which makes another network).
 * The ids come from the core: each preset's id is the one a node opened on it reports.
 *
 * ```js
 * const names = await networkNames(vns, 'main');
 * names.self;                 // { name: 'custom', base: 'main', id: '2790…', difficulty: 10, label: 'custom (main with other parameters, id 2790a3d1c835)' }
 * names.describe(peerId);     // 'testing'
 * names.mismatch(message);    // 'this node is on main, the peer on testing'
 * ```
 * @module
 */
import { open } from './node.js';

/** The presets a node can be opened on (`--network`). */
const PRESETS = /** @type {const} */ (['main', 'testing']);

/** Hex digits of an id shown in words. */
const SHORT_ID = 12;

/**
 * This node's network: its name (a preset, or `custom`), the preset it started from, its id,
 * difficulty, and a label for people.
 * @typedef {{ name: string, base: string, id: string, difficulty: number, label: string }} NetworkLabel
 */

/** @type {Promise<Map<string, string>> | undefined} */
let presetIds;

/** Each preset's network id, asked of the core once per process. */
function presets() {
  presetIds ??= (async () => {
    /** @type {Map<string, string>} */
    const ids = new Map();
    for (const network of PRESETS) {
      const probe = await open({ storage: 'memory', network });
      ids.set(probe.networkId, network);
      await probe.close();
    }
    return ids;
  })();
  return presetIds;
}

/**
 * Names `vns`'s network and any peer's network id.
 * @param {import('./core.js').Vns} vns
 * @param {string} base the preset the node was opened on (`--network`)
 */
export async function networkNames(vns, base) {
  const ids = await presets();
  const id = vns.networkId;
  const custom = ids.get(id) !== base;
  const short = id.slice(0, SHORT_ID);
  /** @type {NetworkLabel} */
  const self = {
    name: custom ? 'custom' : base,
    base,
    id,
    difficulty: vns.difficulty,
    label: custom ? `custom (${base} with other parameters, id ${short})` : base,
  };
  /** A network id (hex) in words. @param {string} other */
  const describe = (other) => (other === id ? self.label : (ids.get(other) ?? `an unknown network (id ${other.slice(0, SHORT_ID)})`));
  return {
    self,
    describe,
    /**
     * The core's `sync.network_mismatch` message ("peer is on network <hex>, this node is on
     * <hex>") in words; a message without two ids is returned as it is.
     * @param {string} message
     */
    mismatch(message) {
      const found = message.match(/[0-9a-f]{64}/g);
      if (!found || found.length !== 2) return message;
      return `this node is on ${describe(found[1])}, the peer on ${describe(found[0])}`;
    },
  };
}
