// @ts-check
/**
 * The `Vns` object: the wasm node plus everything that needs a JS runtime (timers, events,
 * peer transports, serialised saves). Shared by the browser/Deno and Node entry points.
 *
 * What stands alone lives beside it: `vns-reads.js` (what a node answers without changing
 * anything: the base of `Vns`), `node-calls.js` (each call into the node and what follows
 * it: frames, topic publications, events), `tab-sharing.js` (this tab's part in sharing its
 * database), `save-queue.js` (when saves run, the save state), `scrub-pass.js`,
 * `open-options.js` (the shim's own options), `peer-links.js` (transports by link number),
 * `vns-types.js` (option and handle types), `vns-events.js` (the event types),
 * `answer-cache.js`, `inline-solver.js`.
 *
 * @module
 */

import { AnswerCache } from './answer-cache.js';
import { CloseHooks } from './close-hooks.js';
import { inlineSolver } from './inline-solver.js';
import { NodeCalls } from './node-calls.js';
import { DEFAULT_SAVE_DELAY_MS, DEFAULT_SWEEP_INTERVAL_MS, DEFAULT_TICK_INTERVAL_MS, shimClock, splitOpenOptions } from './open-options.js';
import { PeerLinks } from './peer-links.js';
import { SaveQueue } from './save-queue.js';
import { scrubPass } from './scrub-pass.js';
import { TabSharing } from './tab-sharing.js';
import { VnsReads } from './vns-reads.js';

/** @typedef {import('../pkg/web/vns.js').VnsNode} VnsNode */
/** @typedef {import('../pkg/web/vns.js').Keys} Keys */
/** @typedef {import('../pkg/web/vns.js').VnsNodeOptions} VnsNodeOptions */
/** @typedef {import('../pkg/web/vns.js').Outbound} Outbound */
/** @typedef {import('../pkg/web/vns.js').Committed} Committed */
/** @typedef {import('../pkg/web/vns.js').VnsEvent} VnsEvent */
/** @typedef {import('../pkg/web/vns.js').Resolved} Resolved */
/** @typedef {import('../pkg/web/vns.js').RecordInput} RecordInput */
/** @typedef {import('../pkg/web/vns.js').QueueStatus} QueueStatus */
/** @typedef {import('../pkg/web/vns.js').SaveReport} SaveReport */
/** @typedef {import('../pkg/web/vns.js').GcReport} GcReport */
/** @typedef {import('../pkg/web/vns.js').NameProof} NameProof */
/** @typedef {import('../pkg/web/vns.js').NodeStats} NodeStats */
/** @typedef {import('../pkg/web/vns.js').ClockHealth} ClockHealth */
/** @typedef {import('../pkg/web/vns.js').NetworkInfo} NetworkInfo */
/** @typedef {import('../pkg/web/vns.js').RecordRules} RecordRules */
/** @typedef {import('../pkg/web/vns.js').NameAvailability} NameAvailability */
/** @typedef {import('../pkg/web/vns.js').NameHistoryEvent} NameHistoryEvent */
/** @typedef {import('../pkg/web/vns.js').RenewalOutlook} RenewalOutlook */

/** @typedef {import('./peer-links.js').PeerTransport} PeerTransport */
/** @typedef {import('./vns-types.js').WasmExports} WasmExports */
/** @typedef {import('./vns-types.js').OpenOptions} OpenOptions */
/** @typedef {import('./vns-types.js').PeerHandle} PeerHandle */
/** @typedef {import('./vns-types.js').RegisterOptions} RegisterOptions */

/** @typedef {import('./inline-solver.js').PowTask} PowTask */
/** @typedef {import('./inline-solver.js').PowProgress} PowProgress */
/** @typedef {import('./inline-solver.js').PowSolver} PowSolver */
/** @typedef {import('./vns-events.js').VnsEventMap} VnsEventMap */
/** @typedef {import('./vns-events.js').SaveState} SaveState */

/** @typedef {import('./vns-events.js').TabRole} TabRole */
/** @typedef {import('./vns-events.js').LeaderStatus} LeaderStatus */
/** @typedef {import('./vns-types.js').ChangeRelay} ChangeRelay */
/** @typedef {import('./vns-types.js').TabHooks} TabHooks */
/** @type {(vns: Vns) => TabHooks} */
let tabHooksOf;

/**
 * The hooks through which tabs.js shares one database between tabs (not part of the
 * package's public API).
 * @param {Vns} vns
 * @returns {TabHooks}
 */
export function tabHooks(vns) {
  return tabHooksOf(vns);
}

/** A promise and its resolver. @returns {{ promise: Promise<void>, resolve(): void }} */
function deferred() {
  /** @type {() => void} */
  let resolve = () => {};
  const promise = new Promise((done) => (resolve = () => done(undefined)));
  return { promise, resolve };
}

export { DEFAULT_SAVE_DELAY_MS, DEFAULT_SWEEP_INTERVAL_MS, DEFAULT_TICK_INTERVAL_MS, splitOpenOptions } from './open-options.js';

/**
 * A running VNS node: what it answers (`VnsReads`, its base), the owner changes, peer links,
 * saves and timers. Its events are typed by `VnsEventMap` (vns-events.js), which says when
 * each fires and what its `detail` carries.
 *
 * ```js
 * const vns = await open({ storage: 'memory', network: 'testing' });
 * vns.addEventListener('change', (e) => console.log(e.detail.name)); // no cast needed
 * await vns.register(generateKeys(), 'alice', [{ type: 'A', value: '10.0.0.1' }]);
 * console.log(await vns.resolve('alice.vfs'));
 * await vns.close();
 * ```
 */
export class Vns extends VnsReads {
  /** Fires one of this node's events (the parts below fire theirs through it). @type {import('./vns-events.js').EmitVnsEvent} */
  #emit = (type, detail) => {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  };
  /** The node, shared with the reads (a follower tab taking over replaces it). @type {import('./vns-reads.js').NodeSlot} */
  #slot;
  /** @type {WasmExports} */ #wasm;
  /** @type {() => number} */ #now;
  #peers = new PeerLinks();
  /** @type {ReturnType<typeof setInterval> | undefined} */ #sweepTimer;
  /** @type {ReturnType<typeof setInterval> | undefined} */ #tickTimer;
  /** @type {SaveQueue} */ #saves;
  #onClose = new CloseHooks();
  /** Resolved answers by the name as asked, shared with the reads. @type {AnswerCache} */
  #answers;
  #closed = false;
  /** Calls into the node, each followed by its frames, publications and events. @type {NodeCalls} */
  #calls;
  /** Settles once `close()` has saved and released the storage. */
  #released = deferred();
  /** This tab's part in sharing its database with the origin's other tabs (tabs.js). */
  #tabs = new TabSharing({
    emit: this.#emit,
    adopt: (node) => this.#adopt(node),
    now: () => this.#now(),
    whenClosed: () => this.#released.promise,
  });

  /**
   * Use `open()` instead.
   * @param {WasmExports} wasm
   * @param {VnsNode} node
   * @param {OpenOptions} options
   */
  constructor(wasm, node, options) {
    const slot = { node };
    const now = shimClock(options);
    const answers = new AnswerCache();
    super({ wasm, slot, now, answers });
    this.#wasm = wasm;
    this.#slot = slot;
    this.#now = now;
    this.#answers = answers;
    const sweepMs = options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
    const tickMs = options.tickIntervalMs ?? DEFAULT_TICK_INTERVAL_MS;
    this.#saves = new SaveQueue({
      delayMs: options.saveDelayMs ?? DEFAULT_SAVE_DELAY_MS,
      onState: (state) => this.#emit('saving', { state }),
      autosave: () => this.save().catch((error) => this.#emit('error', { type: 'save', error })),
    });
    this.#calls = new NodeCalls({
      node: () => this.#node,
      peers: this.#peers,
      now: () => this.#now(),
      changed: (name) => {
        this.#answers.forget(name);
        this.#saves.changed();
      },
      eventsLost: () => {
        this.#answers.clear();
        this.#saves.changed();
      },
      emit: this.#emit,
    });
    this.#sweepTimer = setInterval(() => this.sweep(), sweepMs);
    this.#tickTimer = setInterval(() => this.#tick(), tickMs);
  }

  get #node() {
    return this.#slot.node;
  }

  /** Where this node's changes stand with its storage (see `SaveState`); `saving` events tell changes. */
  get saveState() {
    return this.#saves.state;
  }

  /**
   * This tab's part in sharing its IndexedDB database with the origin's other tabs: `solo`
   * (not shared: Node, Deno, `shareTabs: false`), `leader` (this tab holds the database and
   * the network links) or `follower` (another tab does; this one keeps its own copy, fed by
   * the leader, and sends its changes there). A `role` event tells each change.
   * @returns {TabRole}
   */
  get role() {
    return this.#tabs.role;
  }

  /**
   * What the leading tab last reported (`networkPeers`, `queue`, `root`), while this tab
   * follows it; `undefined` otherwise. A `leader-status` event tells each report.
   * @returns {LeaderStatus | undefined}
   */
  get leaderStatus() {
    return this.#tabs.leaderStatus;
  }

  /**
   * How many network peers serve this tab: its own peers past the handshake, other tabs'
   * links left out; in a follower, those the leader reported.
   * @returns {number}
   */
  networkPeers() {
    return this.#tabs.networkPeers(this.peers());
  }

  /** Whether `close()` was called. */
  get closed() {
    return this.#closed;
  }

  /**
   * Registers `name` for `keys`, solving the proof-of-work in chunks (yielding between them,
   * reporting `onProgress`, stopping with an `AbortError` when `signal` aborts).
   * @param {Keys} keys
   * @param {string} name
   * @param {RecordInput[]} [records]
   * @param {RegisterOptions} [options]
   * @returns {Promise<Resolved>}
   */
  async register(keys, name, records = [], options = {}) {
    this.#check();
    const { onProgress, signal } = options;
    const ts = this.#now();
    // Refuse now what the node would refuse after the search (bad records, a taken name…).
    this.#node.checkRegister(keys, name, records, ts);
    const task = { name, owner: keys.peerId, ts, difficulty: this.#node.difficulty };
    const solve = options.solve ?? inlineSolver(this.#wasm, options.chunkSize);
    const nonce = await solve(task, { onProgress, signal });
    return this.#commit(name, (node) => node.register(keys, name, records, ts, nonce));
  }

  /**
   * Replaces the records of `name`. Like `renew` and `transfer`, the change itself is
   * synchronous; it returns a Promise so that all four owner changes (with `register`, which
   * must search its proof-of-work) are called alike and refuse alike: a broken rule is a
   * rejection carrying its `code`, never a throw.
   * @param {Keys} keys @param {string} name @param {RecordInput[]} records
   * @returns {Promise<Resolved>}
   */
  async update(keys, name, records) {
    return this.#commit(name, (node, now) => node.update(keys, name, records, now));
  }

  /**
   * Extends `name` by one registration period (a Promise for the reason given at `update`).
   * @param {Keys} keys @param {string} name
   * @returns {Promise<Resolved>}
   */
  async renew(keys, name) {
    return this.#commit(name, (node, now) => node.renew(keys, name, now));
  }

  /**
   * Hands `name` to `newOwner` (a peer id); a Promise for the reason given at `update`.
   * @param {Keys} keys @param {string} name @param {string} newOwner
   * @returns {Promise<Resolved>}
   */
  async transfer(keys, name, newOwner) {
    return this.#commit(name, (node, now) => node.transfer(keys, name, newOwner, now));
  }

  /**
   * Submits an entry block built by another node (an owner's client, through an HTTP API):
   * validated like any local change, then sent to peers or queued. Throws with the `code`
   * of the rule it breaks. In a follower tab it goes into this tab's copy and on to the
   * leading tab over their link, like a peer's change (owner changes wait for the leader's
   * answer instead).
   * @param {Uint8Array} bytes
   * @returns {{ name: string, accepted: boolean }} `accepted` is false for a version already held
   */
  submit(bytes) {
    this.#check();
    const { name, accepted } = this.#calls.change(() => this.#node.submit(bytes, this.#now()));
    return { name, accepted };
  }

  /** Sends queued deltas to connected peers now. */
  replayQueued() {
    this.#calls.exchange(() => this.#node.replayQueued(this.#now()));
  }

  /** Removes names past their grace period (the sweep timer calls this). @returns {string[]} */
  sweep() {
    if (this.#closed) return [];
    const names = this.#calls.run(() => this.#node.sweepExpired(this.#now()), () => []);
    this.#emit('sweep', { removed: names });
    // Expired names leave their blocks behind: collect them, and anything a crash left.
    if (names.length > 0) {
      this.collectGarbage().catch((error) => this.#emit('error', { type: 'gc', error }));
    }
    return names;
  }

  /**
   * Saves what changed. Saves are serialised: a call waits for the previous one.
   * @returns {Promise<SaveReport>}
   */
  save() {
    return this.#saves.run(async () => {
      const report = await this.#node.save();
      if (report.pruneError) this.#emit('error', { type: 'prune', error: report.pruneError });
      this.#emit('save', report);
      return report;
    });
  }

  /**
   * Garbage collection: saves, then deletes every stored block the saved root does not
   * reach (blocks of replaced or expired entries, or left by a crash); a reachable block is
   * never deleted. Runs after each sweep that removed names, and on demand. `complete` is
   * false when the storage cannot list its blocks (then only the save's pruning ran).
   * Serialised with saves.
   * @returns {Promise<GcReport>}
   */
  collectGarbage() {
    return this.#saves.run(async () => {
      const report = await this.#node.collectGarbage();
      this.#emit('gc', report);
      return report;
    });
  }

  /**
   * One scrub pass: reads back every stored block the current root reaches, in batches run
   * between saves, checks each against its CID, and writes damaged ones again from memory
   * (this node still holds every entry and tree node it reaches). Never deletes anything.
   * `onProgress` is told after each batch. Resolves to what the pass checked and found.
   * @param {import('./scrub-pass.js').ScrubOptions} [options]
   * @returns {Promise<import('./scrub-pass.js').ScrubResult>}
   */
  scrub(options) {
    return scrubPass(() => this.#node, this.#saves, options);
  }

  /**
   * Connects a transport (the network adapter interface): the node sends `Hello` through it
   * at once. Call `receive` for each frame and `closed` when the connection ends.
   * `local: true` makes it a local link (another tab of this origin running on this node,
   * see tabs.js): it syncs like any peer, but it is no way to the network, so changes stay
   * queued until a network peer takes them, and `networkPeers()` leaves it out. With
   * `catchUp`, the link carries catch-up only (handshake, roots, the merkle diff), no live
   * deltas: those travel on the topic (`enableTopic`).
   * @param {PeerTransport} transport
   * @param {{ local?: boolean, catchUp?: boolean }} [options]
   * @returns {PeerHandle}
   */
  attach(transport, options = {}) {
    this.#check();
    const peer = this.#peers.add(transport);
    this.#tabs.linked(peer, options.local ?? false);
    const now = this.#now();
    this.#calls.exchange(() => {
      if (options.local) return this.#node.connectLocal(peer, now);
      return options.catchUp ? this.#node.connectCatchUp(peer, now) : this.#node.connect(peer, now);
    });
    return {
      peer,
      receive: (bytes) => {
        if (this.#closed || !this.#peers.has(peer)) return;
        this.#calls.exchange(() => this.#node.receive(peer, bytes, this.#now()));
      },
      closed: () => {
        this.#tabs.unlinked(peer);
        if (!this.#peers.delete(peer) || this.#closed) return;
        this.#calls.run(() => this.#node.disconnect(peer), () => []);
      },
    };
  }

  /**
   * Turns on a publish-subscribe topic for live deltas: every version this node accepts
   * (its own, from links, from catch-ups; not those from the topic) is handed to `publish`
   * as one entry block, after the call that accepted it returns.
   * @param {(entry: Uint8Array) => void} publish
   */
  enableTopic(publish) {
    this.#check();
    this.#calls.enableTopic(publish);
  }

  /**
   * One message from the topic, validated and applied by the core like any entry from a
   * peer: `accept` (new and applied), `reject` (invalid: penalise its sender) or `ignore`
   * (old news or an honest race), with the entry's `name` and the rule's `code`.
   * @param {Uint8Array} bytes
   * @returns {{ verdict: 'accept' | 'reject' | 'ignore', name: string | null, code: string | null }}
   */
  receivePublished(bytes) {
    this.#check();
    const { verdict, name, code } = this.#calls.run(() => this.#node.receivePublished(bytes, this.#now()), (p) => p.out);
    return { verdict, name, code };
  }

  /**
   * Registers cleanup run on `close()` (adapters use it to stop reconnecting).
   * @param {() => void} fn
   * @returns {() => void} unregisters it
   */
  onClose(fn) {
    return this.#onClose.add(fn);
  }

  /** Stops the timers, closes peers, saves and releases storage. */
  async close() {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sweepTimer);
    clearInterval(this.#tickTimer);
    this.#saves.close();
    this.#onClose.run();
    this.#peers.closeAll('vns.closing', 'node closing');
    try {
      await this.save();
    } finally {
      try {
        await this.#node.close();
      } finally {
        this.#released.resolve();
      }
    }
  }

  /**
   * Applies an owner's change that `build` makes on a node: on this one, or, while this tab
   * follows another, through the leading tab, whose answer (or coded error) it waits for.
   * @param {string} name @param {(node: VnsNode, now: number) => Committed} build
   * @returns {Promise<Resolved>}
   */
  async #commit(name, build) {
    this.#check();
    const relay = this.#tabs.relay;
    if (relay) await relay(name, build);
    else this.#calls.change(() => build(this.#node, this.#now()));
    return this.#node.resolve(name, this.#now());
  }

  /**
   * Puts `node` under this object (a follower tab taking over the database): links close,
   * cached answers go, and the node it replaces is closed.
   * @param {VnsNode} node
   */
  async #adopt(node) {
    const old = this.#node;
    this.#peers.closeAll('vns.closing', 'this tab now holds the database');
    this.#slot.node = node;
    this.#answers.clear();
    this.#calls.announceQueue();
    await old.close();
  }

  static {
    tabHooksOf = (vns) => vns.#tabs.hooks();
  }

  #check() {
    if (this.#closed) {
      throw Object.assign(new Error('the node is closed'), { code: 'vns.closed' });
    }
  }

  #tick() {
    if (this.#closed) return;
    try {
      this.#calls.exchange(() => this.#node.tick(this.#now()));
    } catch (error) {
      this.#emit('error', { type: 'tick', error });
    }
  }

}

/**
 * Opens a node over an initialised wasm module.
 * @param {WasmExports} wasm
 * @param {OpenOptions} [options]
 * @returns {Promise<Vns>}
 */
export async function openWith(wasm, options = {}) {
  const { nodeOptions, shimOptions } = splitOpenOptions(options);
  const node = await wasm.VnsNode.open(nodeOptions);
  // `clockOffsetMs` also stays in `nodeOptions`: the core checks its range.
  return new Vns(wasm, node, shimOptions);
}
