// @ts-check
/**
 * Light mode: a `LightVns` holds no replica. `resolve(name)` answers from the core's verified
 * cache when it can, otherwise asks its connected peers for the entry with a merkle proof,
 * and answers once the core verified the answers and kept the winner. Names it resolved stay
 * on its peers' watch lists, so their new versions are pushed. Every rule is the core's
 * (`src/light/`); this class only runs the timer and the transports.
 *
 * ```js
 * const vns = await open({ mode: 'light', network: 'testing' });
 * connectWebSocket(vns, 'ws://127.0.0.1:7420/vns');
 * await vns.ready();
 * console.log(await vns.resolve('alice.vfs')); // { name, records, owner, …, stale }
 * ```
 * @module
 */

import { CloseHooks } from './close-hooks.js';
import { inlineSolver } from './inline-solver.js';
import { PeerLinks } from './peer-links.js';
import { VnsEventTarget } from './vns-events.js';

/** @typedef {import('../pkg/web/vns.js').VnsLight} VnsLight */
/** @typedef {import('../pkg/web/vns.js').VnsNodeOptions} VnsNodeOptions */
/** @typedef {import('../pkg/web/vns.js').LightResolved} LightResolved */
/** @typedef {import('../pkg/web/vns.js').LightTraffic} LightTraffic */
/** @typedef {import('../pkg/web/vns.js').LightEventObject} LightEventObject */
/** @typedef {import('../pkg/web/vns.js').Outbound} Outbound */
/** @typedef {import('../pkg/web/vns.js').LightCacheListing} LightCacheListing */
/** @typedef {import('../pkg/web/vns.js').LightStorage} LightStorage */
/** @typedef {import('../pkg/web/vns.js').NameAvailability} NameAvailability */
/** @typedef {import('../pkg/web/vns.js').NameHistoryEvent} NameHistoryEvent */
/** @typedef {import('../pkg/web/vns.js').RenewalOutlook} RenewalOutlook */
/** @typedef {import('./peer-links.js').PeerTransport} PeerTransport */
/** @typedef {import('./vns-types.js').PeerHandle} PeerHandle */
/** @typedef {import('./vns-types.js').RegisterOptions} RegisterOptions */
/** @typedef {import('../pkg/web/vns.js').Keys} Keys */
/** @typedef {import('../pkg/web/vns.js').RecordInput} RecordInput */

/**
 * Options of light mode: the network options of `open`, `mode: 'light'`; where verified
 * answers are saved (`storage`: `'memory'`, `'indexeddb'` (the browser's default, database
 * `dbName` or `'vns-light'`) or an adapter; in Node `path`, a folder); how old an answer no
 * peer vouches for may get before it is marked `stale` (`staleAfterMs`, default 0); the saved
 * cache's budget (`cacheBytes`, default 160 KiB) and the names watched (`watchCapacity`); the
 * tick period, the delay before a save, and a clock (tests). `connect` is called with the
 * client as soon as it exists, before the saved answers are read: links made there (such as
 * `connectWebSocket(light, url)`) dial while the storage opens, so the first `hello` can be in
 * when `open` resolves.
 * @typedef {VnsNodeOptions & {
 *   mode: 'light',
 *   connect?: (light: LightVns) => void,
 *   staleAfterMs?: number,
 *   cacheBytes?: number,
 *   watchCapacity?: number,
 *   path?: string,
 *   tickIntervalMs?: number,
 *   saveDelayMs?: number,
 *   now?: () => number,
 * }} LightOpenOptions
 */

/**
 * The wasm exports light mode needs.
 * @typedef {{
 *   VnsLight: typeof import('../pkg/web/vns.js').VnsLight,
 *   canonicalName: (name: string) => string,
 *   powSearch: typeof import('../pkg/web/vns.js').powSearch,
 * }} LightWasm
 */

/** A light client over the network. Events: `peer`, `change` (`detail: { name }`), `error`. */
export class LightVns extends VnsEventTarget {
  /** @type {VnsLight} */ #client;
  /** @type {LightWasm} */ #wasm;
  #links = new PeerLinks();
  /** @type {Map<string, Array<() => void>>} */ #waiting = new Map();
  #onClose = new CloseHooks();
  /** @type {Array<() => void>} */ #onPeer = [];
  /** @type {() => number} */ #now;
  /** @type {ReturnType<typeof setInterval>} */ #timer;
  /** @type {ReturnType<typeof setTimeout> | undefined} */ #saveTimer;
  #saveDelayMs;
  /** The save under way (settled when none is). @type {Promise<void>} */ #saving = Promise.resolve();
  #closed = false;

  /**
   * @param {VnsLight} client
   * @param {LightWasm} wasm the core's spelling of names and its proof-of-work search
   * @param {{ tickIntervalMs?: number, saveDelayMs?: number, now?: () => number }} options
   */
  constructor(client, wasm, options) {
    super();
    this.#client = client;
    this.#wasm = wasm;
    this.#now = options.now ?? Date.now;
    this.#saveDelayMs = options.saveDelayMs ?? 200;
    this.#timer = setInterval(() => this.#perform(this.#client.tick(this.#now())), options.tickIntervalMs ?? 250);
  }

  /** `'light'`: this client holds no replica. */
  get mode() {
    return 'light';
  }

  /** Whether `close()` was called. */
  get closed() {
    return this.#closed;
  }

  /** The network's parameters, as the core enforces them. */
  get network() {
    return this.#client.network;
  }

  /** Frames and bytes over every peer session so far. @returns {LightTraffic} */
  traffic() {
    return this.#client.traffic();
  }

  /**
   * Why the saved answers could not be read at `open` (an error with `code`
   * `light.cache_corrupt`; the client started without them), or `undefined`.
   * @returns {Error | undefined}
   */
  get cacheError() {
    return this.#client.cacheError;
  }

  /**
   * Saves the verified answers now (they are also saved shortly after each lookup and
   * change); saves run one after another, never two at once.
   * @returns {Promise<void>}
   */
  save() {
    clearTimeout(this.#saveTimer);
    this.#saveTimer = undefined;
    const run = this.#saving.then(() => this.#client.save());
    this.#saving = run.catch(() => {});
    return run;
  }

  /** The names kept current through the peers' watch lists. @returns {string[]} */
  watched() {
    return this.#client.watched();
  }

  /**
   * What the cache holds now: every verified answer (name, entry bytes, owner, `verifiedAt`,
   * `stale`), most recently used first, and the saved form's size (`savedBytes`).
   * @returns {LightCacheListing}
   */
  cached() {
    return this.#client.cached(this.#now());
  }

  /**
   * Whether `name` can be registered, as `Vns.availability` answers it, judged by the core on
   * the version verified now (the name is looked up first): `free`, `taken`, `grace`, or
   * `invalid` (with the name rule's `code`; never thrown). Throws `resolve.offline` when
   * nothing is cached and no peer is connected.
   * @param {string} name
   * @returns {Promise<NameAvailability>}
   */
  async availability(name) {
    try {
      await this.#current(name);
    } catch (error) {
      // A name that is not one is an answer, not an error (the core says which).
      const judged = this.#judged(name);
      if (judged?.state === 'invalid') return judged;
      throw error;
    }
    return this.#client.availability(name, this.#now());
  }

  /** @param {string} name @returns {NameAvailability | undefined} */
  #judged(name) {
    try {
      return this.#client.availability(name, this.#now());
    } catch {
      return undefined;
    }
  }

  /**
   * The ops the verified version of `name` carries, oldest first (as `Vns.history`; throws
   * `store.not_found` when the peers prove it absent).
   * @param {string} name
   * @returns {Promise<NameHistoryEvent[]>}
   */
  async history(name) {
    await this.#current(name);
    return this.#client.history(name);
  }

  /**
   * What renewing `name` now would do, on its verified version (as `Vns.renewal`).
   * @param {string} name
   * @returns {Promise<RenewalOutlook>}
   */
  async renewal(name) {
    await this.#current(name);
    return this.#client.renewal(name, this.#now());
  }

  /** Settles once at least one peer completed its handshake. @returns {Promise<void>} */
  ready() {
    if (this.#client.peers().length > 0) return Promise.resolve();
    return new Promise((resolve) => this.#onPeer.push(resolve));
  }

  /**
   * The verified answer for `name`: from the cache, or after asking the connected peers.
   * Throws the core's coded error (`resolve.not_found`, `resolve.offline`, `light.no_answer`…).
   * @param {string} name
   * @returns {Promise<LightResolved>}
   */
  async resolve(name) {
    this.#check();
    const started = this.#client.lookup(name, this.#now());
    if (!started.ready) await this.#answered(name, started.out);
    return this.#client.answer(name, this.#now());
  }

  /**
   * Registers `name` for `keys`, as `Vns.register` does: the name is looked up, the
   * registration checked against what the peers hold, the proof-of-work solved (in chunks,
   * `onProgress`, an `AbortError` when `signal` aborts), then sent, and the answer is the
   * verified version a peer shows once it took it. A broken rule rejects with its `code`
   * (`rule.conflict_lost` for a name taken, …); `light.not_accepted` when no peer took it.
   * @param {Keys} keys
   * @param {string} name
   * @param {RecordInput[]} [records]
   * @param {RegisterOptions} [options]
   * @returns {Promise<LightResolved>}
   */
  async register(keys, name, records = [], options = {}) {
    await this.#current(name);
    const { onProgress, signal } = options;
    const ts = this.#now();
    this.#client.checkRegister(keys, name, records, ts);
    const task = { name, owner: keys.peerId, ts, difficulty: this.network.difficulty };
    const solve = options.solve ?? inlineSolver(this.#wasm, options.chunkSize);
    const nonce = await solve(task, { onProgress, signal });
    return this.#commit(name, () => this.#client.register(keys, name, records, ts, nonce));
  }

  /**
   * Replaces the records of `name`, built and signed here on its verified version (as
   * `Vns.update`; `rule.wrong_signer` when `keys` do not own it).
   * @param {Keys} keys @param {string} name @param {RecordInput[]} records
   * @returns {Promise<LightResolved>}
   */
  async update(keys, name, records) {
    await this.#current(name);
    return this.#commit(name, (now) => this.#client.update(keys, name, records, now));
  }

  /**
   * Extends `name` by one registration period (as `Vns.renew`).
   * @param {Keys} keys @param {string} name
   * @returns {Promise<LightResolved>}
   */
  async renew(keys, name) {
    await this.#current(name);
    return this.#commit(name, (now) => this.#client.renew(keys, name, now));
  }

  /**
   * Hands `name` to `newOwner`, a peer id (as `Vns.transfer`).
   * @param {Keys} keys @param {string} name @param {string} newOwner
   * @returns {Promise<LightResolved>}
   */
  async transfer(keys, name, newOwner) {
    await this.#current(name);
    return this.#commit(name, (now) => this.#client.transfer(keys, name, newOwner, now));
  }

  /**
   * Makes what was verified about `name` current before a change is built on it. That the
   * name does not resolve (absent, in grace, expired) is for the core to judge on the
   * change; not being able to ask anyone is an error now.
   * @param {string} name
   */
  async #current(name) {
    this.#check();
    try {
      await this.resolve(name);
    } catch (e) {
      const code = /** @type {{ code?: unknown }} */ (e).code;
      if (typeof code !== 'string' || !code.startsWith('resolve.') || code === 'resolve.offline') throw e;
    }
  }

  /**
   * Sends the frames an owner's change makes and waits for the peers' verified answer.
   * @param {string} name @param {(now: number) => Outbound[]} change
   * @returns {Promise<LightResolved>}
   */
  async #commit(name, change) {
    this.#check();
    await this.#answered(name, change(this.#now()));
    return this.#client.committed(name, this.#now());
  }

  /**
   * Sends `out` and settles once the lookup of `name` it starts has ended.
   * @param {string} name @param {Outbound[]} out
   */
  #answered(name, out) {
    const key = this.#wasm.canonicalName(name);
    const answered = new Promise((resolve) => {
      this.#waiting.set(key, [...(this.#waiting.get(key) ?? []), () => resolve(undefined)]);
    });
    this.#perform(out);
    return answered;
  }

  /**
   * Sends a signed entry block (built by an owner's client) to every connected peer, after
   * the core checked it; the name is watched from then on.
   * @param {Uint8Array} bytes
   */
  submit(bytes) {
    this.#check();
    this.#perform(this.#client.submit(bytes, this.#now()));
  }

  /**
   * Connects a transport (the network adapter interface, as `Vns.attach`).
   * @param {PeerTransport} transport
   * @returns {PeerHandle}
   */
  attach(transport) {
    this.#check();
    const peer = this.#links.add(transport);
    this.#perform(this.#client.connect(peer, this.#now()));
    return {
      peer,
      receive: (bytes) => {
        if (this.#closed || !this.#links.has(peer)) return;
        this.#perform(this.#client.receive(peer, bytes, this.#now()));
      },
      closed: () => {
        if (!this.#links.delete(peer) || this.#closed) return;
        this.#client.disconnect(peer, this.#now());
        this.#dispatch();
      },
    };
  }

  /**
   * Takes the storage `openLight` opened (once): its saved answers join the cache, and the
   * names go to the ready peers' watch lists.
   * @param {LightStorage} storage
   */
  restore(storage) {
    this.#check();
    this.#perform(this.#client.restore(storage, this.#now()));
  }

  /** Registers cleanup run on `close()`. @param {() => void} fn @returns {() => void} */
  onClose(fn) {
    return this.#onClose.add(fn);
  }

  /** Stops the timer, closes every peer link, saves the verified answers and releases the storage. */
  async close() {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#onClose.run();
    this.#links.closeAll('vns.closing', 'light client closing');
    try {
      await this.save();
      await this.#client.closeStorage();
    } finally {
      this.#client.free();
    }
  }

  /** Saves the verified answers after `saveDelayMs`, once for a burst of lookups. */
  #saveSoon() {
    if (this.#saveTimer !== undefined || this.#closed) return;
    this.#saveTimer = setTimeout(() => {
      this.save().catch((error) => this.dispatchEvent(new CustomEvent('error', { detail: { type: 'save', error } })));
    }, this.#saveDelayMs);
  }

  #check() {
    if (this.#closed) throw Object.assign(new Error('the light client is closed'), { code: 'vns.closed' });
  }

  /** Sends the frames, then fires the events they caused. @param {Outbound[]} actions */
  #perform(actions) {
    this.#links.perform(actions, () => {});
    this.#dispatch();
  }

  #dispatch() {
    for (const event of /** @type {LightEventObject[]} */ (this.#client.takeEvents())) {
      if (event.type === 'answered' || event.type === 'change') this.#saveSoon();
      if (event.type === 'answered') {
        const waiting = this.#waiting.get(event.name) ?? [];
        this.#waiting.delete(event.name);
        for (const wake of waiting) wake();
      } else if (event.type === 'change') {
        this.dispatchEvent(new CustomEvent('change', { detail: { type: 'change', name: event.name } }));
      } else if (event.type === 'peer-connected') {
        this.dispatchEvent(new CustomEvent('peer', { detail: { type: 'peer-connected', peer: event.peer } }));
        for (const wake of this.#onPeer.splice(0)) wake();
      } else if (event.type === 'peer-disconnected') {
        const detail = { type: 'peer-disconnected', peer: event.peer, code: event.code };
        this.dispatchEvent(new CustomEvent('peer', { detail }));
      } else {
        const detail = { type: 'peer-error', peer: event.peer, code: event.code, message: event.message };
        this.dispatchEvent(new CustomEvent('error', { detail }));
      }
    }
  }
}

/**
 * Whether `options` ask for light mode.
 * @param {object | undefined} options
 * @returns {options is LightOpenOptions}
 */
export function isLight(options) {
  return /** @type {{ mode?: unknown } | undefined} */ (options)?.mode === 'light';
}

/**
 * Opens a light client over an initialised wasm module.
 * @param {LightWasm} wasm
 * @param {LightOpenOptions} options
 * @returns {Promise<LightVns>}
 */
export async function openLight(wasm, options) {
  const { mode: _mode, tickIntervalMs, saveDelayMs, now, connect, ...rest } = options;
  const clock = now ?? Date.now;
  const client = new wasm.VnsLight(rest);
  // The saved answers are read while the peers dial and the code of a lookup is compiled
  // (both would otherwise wait for the storage, and the first answer for the compiler).
  const saved = wasm.VnsLight.openStorage(rest);
  const vns = new LightVns(client, wasm, { tickIntervalMs, saveDelayMs, now });
  try {
    connect?.(vns);
    client.rehearse(clock());
    vns.restore(await saved);
  } catch (error) {
    await vns.close();
    throw error;
  }
  return vns;
}
