// @ts-check
// Over ~500 lines: the `Vns` class holds the private state (node, links, saves, tab role,
// topic) that its change paths share; the tab follower's relay (`#relay`, `#adopt`) and the
// topic's publishing are the next parts to move out, as `save-queue.js` was.
/**
 * The `Vns` object: the wasm node plus everything that needs a JS runtime (timers, events,
 * peer transports, serialised saves). Shared by the browser/Deno and Node entry points.
 *
 * What stands alone lives beside it: `save-queue.js` (when saves run, the save state),
 * `peer-links.js` (transports by link number), `vns-types.js` (option and handle types),
 * `vns-events.js` (the event types), `answer-cache.js`, `inline-solver.js`.
 *
 * @module
 */

import { AnswerCache, deepFreeze } from './answer-cache.js';
import { CloseHooks } from './close-hooks.js';
import { inlineSolver } from './inline-solver.js';
import { PeerLinks } from './peer-links.js';
import { SaveQueue } from './save-queue.js';
import { VnsEventTarget } from './vns-events.js';

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

/** Default expiry sweep period: hourly. */
export const DEFAULT_SWEEP_INTERVAL_MS = 60 * 60 * 1000;
/** Default sync tick period. */
export const DEFAULT_TICK_INTERVAL_MS = 250;
/** Default delay between a change and the automatic save that persists it. */
export const DEFAULT_SAVE_DELAY_MS = 200;
/**
 * A running VNS node. Events (typed by `VnsEventMap`): `change` (`detail: { name }`), `sweep`
 * (`detail: { removed }`, after every expiry sweep), `save` (`detail` is the `SaveReport` of
 * each save), `saving` (`detail: { state }` whenever `saveState` changes), `gc` (`detail` is
 * the `GcReport` of each garbage collection), `peer` (`detail` is a `peer-connected` or
 * `peer-disconnected` event), `queue` (`detail` is the `QueueStatus`, whenever it changed),
 * `queue-overflow`, `catchup-started` (a catch-up with a peer began: its root differs from
 * ours), then one of `catchup-completed` (with the `entries` it fetched) or `catchup-aborted`
 * (it was abandoned, with the reason's `code`; the link stays open and a later catch-up
 * retries) for the same `peer`, unless its link closes first (`peer`), `clock` (`detail.health`:
 * this node's clock against its peers', whenever it changed), `error` (`peer-error`,
 * `queue-lost`, `{ type: 'save', error }` from a
 * failed automatic save, `{ type: 'prune', error }` when a save could not delete unreachable
 * blocks, `{ type: 'gc', error }` from the collection after a sweep, or `{ type: 'takeover',
 * error }` when a follower tab could not open the database it was to lead), `role` (`detail:
 * { role }`, this tab's part in sharing its database changed) and `leader-status` (the
 * leading tab's report, in a follower).
 *
 * ```js
 * const vns = await open({ storage: 'memory', network: 'testing' });
 * vns.addEventListener('change', (e) => console.log(e.detail.name)); // no cast needed
 * await vns.register(generateKeys(), 'alice', [{ type: 'A', value: '10.0.0.1' }]);
 * console.log(await vns.resolve('alice.vfs'));
 * await vns.close();
 * ```
 */
export class Vns extends VnsEventTarget {
  /** @type {VnsNode} */ #node;
  /** @type {WasmExports} */ #wasm;
  /** @type {() => number} */ #now;
  #peers = new PeerLinks();
  /** @type {ReturnType<typeof setInterval> | undefined} */ #sweepTimer;
  /** @type {ReturnType<typeof setInterval> | undefined} */ #tickTimer;
  /** @type {SaveQueue} */ #saves;
  #onClose = new CloseHooks();
  /** Resolved answers by the name as asked (a canonical name may be asked several ways). */
  #answers = new AnswerCache();
  #closed = false;
  /** The queue status last announced with a `queue` event. */
  /** @type {QueueStatus} */ #queue;
  /** This tab's part in sharing its database with the origin's other tabs (tabs.js). */
  /** @type {TabRole} */ #role = 'solo';
  /** Local links (other tabs running on this node): not network peers. */
  /** @type {Set<number>} */ #tabLinks = new Set();
  /** While this tab follows another: where its owner changes go, and what the leader reported. */
  /** @type {ChangeRelay | undefined} */ #relay;
  /** @type {LeaderStatus | undefined} */ #leaderStatus;
  /** Settles once `close()` has saved and released the storage. */
  #released = deferred();
  /** Where accepted versions are published once a topic is enabled. @type {((entry: Uint8Array) => void) | undefined} */
  #publish;

  /**
   * Use `open()` instead.
   * @param {WasmExports} wasm
   * @param {VnsNode} node
   * @param {OpenOptions} options
   */
  constructor(wasm, node, options) {
    super();
    this.#wasm = wasm;
    this.#node = node;
    const ahead = options.clockOffsetMs ?? 0;
    // `clockOffsetMs` is a test aid: a node whose clock runs fast (see docs/protocol.md, "Clock health").
    this.#now = options.now ?? (ahead ? () => Date.now() + ahead : Date.now);
    const sweepMs = options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
    const tickMs = options.tickIntervalMs ?? DEFAULT_TICK_INTERVAL_MS;
    this.#saves = new SaveQueue({
      delayMs: options.saveDelayMs ?? DEFAULT_SAVE_DELAY_MS,
      onState: (state) => this.#emit('saving', { state }),
      autosave: () => this.save().catch((error) => this.#emit('error', { type: 'save', error })),
    });
    this.#queue = node.queueStatus();
    this.#sweepTimer = setInterval(() => this.sweep(), sweepMs);
    this.#tickTimer = setInterval(() => this.#tick(), tickMs);
  }

  /** Proof-of-work difficulty of this node's network. */
  get difficulty() {
    return this.#node.difficulty;
  }

  /** The network id (hex). */
  get networkId() {
    return this.#node.networkId;
  }

  /**
   * Every parameter of this node's network, as the core enforces it.
   * @returns {NetworkInfo}
   */
  get network() {
    return this.#node.network;
  }

  /**
   * How this node's clock stands against its peers' (`clock` events tell changes): while
   * `skewed`, the rules are judged at the peers' median time instead of this clock.
   * @returns {ClockHealth}
   */
  get clock() {
    return this.#node.clockHealth();
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
    return this.#role;
  }

  /**
   * What the leading tab last reported (`networkPeers`, `queue`, `root`), while this tab
   * follows it; `undefined` otherwise. A `leader-status` event tells each report.
   * @returns {LeaderStatus | undefined}
   */
  get leaderStatus() {
    return this.#leaderStatus;
  }

  /**
   * How many network peers serve this tab: its own peers past the handshake, other tabs'
   * links left out; in a follower, those the leader reported.
   * @returns {number}
   */
  networkPeers() {
    if (this.#role === 'follower') return this.#leaderStatus?.networkPeers ?? 0;
    return this.peers().filter((peer) => !this.#tabLinks.has(peer)).length;
  }

  /**
   * What a node opened with `repair: true` found in its store: entries loaded, names lost,
   * every damaged block (`undefined` for a normal open).
   * @returns {import('../pkg/web/vns.js').RepairReport | undefined}
   */
  get repairReport() {
    return this.#node.repairReport;
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
   * The records of `name` now. Rejects with `code` `resolve.not_found`, `resolve.in_grace`, ….
   * Answers are cached (frozen) until the name changes or expires.
   * @param {string} name
   * @returns {Promise<Resolved>}
   */
  async resolve(name) {
    return this.#resolveNow(name);
  }

  /**
   * `resolve` without the promise, for hot loops.
   * @param {string} name
   * @returns {Resolved}
   */
  resolveSync(name) {
    return this.#resolveNow(name);
  }

  /** @param {string} name @returns {Resolved} */
  #resolveNow(name) {
    const now = this.#now();
    const hit = this.#answers.get(name);
    if (hit && now < hit.expires) return hit;
    const resolved = deepFreeze(this.#node.resolve(name, now));
    this.#answers.set(name, resolved);
    return resolved;
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
    const { name, accepted } = this.#change(() => this.#node.submit(bytes, this.#now()));
    return { name, accepted };
  }

  /**
   * The current version of `name` as its DAG-CBOR entry block, or `undefined`.
   * @param {string} name
   * @returns {Uint8Array | undefined}
   */
  entryBlock(name) {
    return this.#node.entryBlock(name);
  }

  /** How many names the store holds. */
  get size() {
    return this.#node.size;
  }

  /** Counters since open: entries accepted, rejected by code, traffic. @returns {NodeStats} */
  stats() {
    return this.#node.stats();
  }

  /**
   * Whether `name` can be registered, at this node's clock: `free`, `taken` (by `owner` until
   * `expires`), `grace` (expired; only `owner` may renew until `graceEnds`) or `invalid` (with
   * the name rules' `code` and `message`; never thrown).
   *
   * ```js
   * const a = vns.availability('alice'); // { name: 'alice.vfs', state: 'taken', owner, expires }
   * ```
   * @param {string} name
   * @returns {NameAvailability}
   */
  availability(name) {
    return this.#node.availability(name, this.#now());
  }

  /**
   * The operations the held entry of `name` carries, oldest first: the registration, every
   * renewal and transfer, and the latest update unless a renewal or transfer followed it
   * (earlier updates are replaced, not carried). Throws `store.not_found`.
   * @param {string} name
   * @returns {NameHistoryEvent[]}
   */
  history(name) {
    return this.#node.history(name);
  }

  /**
   * What renewing `name` now would do: `renewedExpires` and its `gain` over `expires`, and
   * `worthwhileFrom`, the start of the renewal window (the last 30 days before expiry).
   * Throws `store.not_found` or `rule.lapsed`.
   * @param {string} name
   * @returns {RenewalOutlook}
   */
  renewal(name) {
    return this.#node.renewal(name, this.#now());
  }

  /** @param {string} owner a peer id @returns {string[]} */
  namesByOwner(owner) {
    return this.#node.namesByOwner(owner);
  }

  /** @returns {string} the merkle root (CID) */
  merkleRoot() {
    return this.#node.merkleRoot();
  }

  /**
   * A merkle proof for `name` under the current root, with the CID of its entry block (the
   * `entry` of `resolve`'s answer) or `null` when the name is absent: one call gives what a
   * light client checks and what it should find.
   * @param {string} name @returns {NameProof}
   */
  proof(name) {
    return this.#node.proof(name);
  }

  /**
   * Checks a proof from anywhere (only its `root` and `blocks` are used): the name's entry
   * CID, or `null` if the proof shows it absent. Throws `proof.*` if the blocks do not check.
   * @param {Pick<NameProof, 'root' | 'blocks'>} proof @param {string} name @returns {string | null}
   */
  verifyProof(proof, name) {
    return this.#wasm.VnsNode.verifyProof(proof.root, name, proof.blocks) ?? null;
  }

  /** @returns {QueueStatus} */
  queueStatus() {
    return this.#node.queueStatus();
  }

  /** Sends queued deltas to connected peers now. */
  replayQueued() {
    this.#exchange(() => this.#node.replayQueued(this.#now()));
  }

  /** Removes names past their grace period (the sweep timer calls this). @returns {string[]} */
  sweep() {
    if (this.#closed) return [];
    const names = this.#run(() => this.#node.sweepExpired(this.#now()), () => []);
    this.#emit('sweep', { removed: names });
    // Expired names leave their blocks behind: collect them, and anything a crash left.
    if (names.length > 0) {
      this.collectGarbage().catch((error) => this.#emit('error', { type: 'gc', error }));
    }
    return names;
  }

  /** Handles of peers whose handshake completed. @returns {number[]} */
  peers() {
    return this.#node.peers();
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
   * @param {{ batch?: number, onProgress?: (step: import('../pkg/web/vns.js').ScrubStep) => void }} [options]
   * @returns {Promise<{ checked: number, total: number, damaged: import('../pkg/web/vns.js').ScrubStep['damaged'], repairError?: Error }>}
   */
  async scrub({ batch = 1024, onProgress } = {}) {
    const total = await this.#saves.between(async () => this.#node.scrubStart());
    /** @type {import('../pkg/web/vns.js').ScrubStep['damaged']} */
    const damaged = [];
    /** @type {Error | undefined} */
    let repairError;
    let checked = 0;
    while (checked < total || total === 0) {
      const step = await this.#saves.between(() => this.#node.scrubStep(batch));
      damaged.push(...step.damaged);
      repairError ??= step.repairError;
      checked = step.checked;
      onProgress?.(step);
      if (step.done) break;
    }
    return { checked, total, damaged, ...(repairError && { repairError }) };
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
    if (options.local) this.#tabLinks.add(peer);
    const now = this.#now();
    this.#exchange(() => {
      if (options.local) return this.#node.connectLocal(peer, now);
      return options.catchUp ? this.#node.connectCatchUp(peer, now) : this.#node.connect(peer, now);
    });
    return {
      peer,
      receive: (bytes) => {
        if (this.#closed || !this.#peers.has(peer)) return;
        this.#exchange(() => this.#node.receive(peer, bytes, this.#now()));
      },
      closed: () => {
        this.#tabLinks.delete(peer);
        if (!this.#peers.delete(peer) || this.#closed) return;
        this.#run(() => this.#node.disconnect(peer), () => []);
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
    this.#node.enableTopic();
    this.#publish = publish;
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
    const { verdict, name, code } = this.#run(() => this.#node.receivePublished(bytes, this.#now()), (p) => p.out);
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
    if (this.#relay) await this.#relay(name, build);
    else this.#change(() => build(this.#node, this.#now()));
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
    this.#node = node;
    this.#answers.clear();
    this.#announceQueue();
    await old.close();
  }

  static {
    tabHooksOf = (vns) => ({
      setRole: (role) => {
        if (vns.#role === role) return;
        vns.#role = role;
        vns.#emit('role', { role });
      },
      setRelay: (relay) => (vns.#relay = relay),
      setLeaderStatus: (status) => {
        vns.#leaderStatus = status;
        vns.#emit('leader-status', status);
      },
      adopt: (node) => vns.#adopt(node),
      now: () => vns.#now(),
      whenClosed: () => vns.#released.promise,
      reportError: (detail) => vns.#emit('error', detail),
    });
  }

  #check() {
    if (this.#closed) {
      throw Object.assign(new Error('the node is closed'), { code: 'vns.closed' });
    }
  }

  #tick() {
    if (this.#closed) return;
    try {
      this.#exchange(() => this.#node.tick(this.#now()));
    } catch (error) {
      this.#emit('error', { type: 'tick', error });
    }
  }

  /**
   * Runs a wasm call, performs the frames `framesOf` finds in its value, then fires its
   * events (so listeners never run inside wasm), and returns the call's value.
   * @template T
   * @param {() => T} call
   * @param {(value: T) => Outbound[]} framesOf
   * @returns {T}
   */
  #run(call, framesOf) {
    let value;
    try {
      value = call();
    } finally {
      this.#flush();
    }
    this.#peers.perform(framesOf(value), (frame) => this.#node.sendFailed(frame.peer, frame.bytes, this.#now()));
    if (this.#publish) for (const entry of this.#node.takePublications()) this.#publish(entry);
    this.#flush();
    this.#announceQueue();
    return value;
  }

  /** `#run` for a peer call, whose value is the frames. @param {() => Outbound[]} call */
  #exchange(call) {
    this.#run(call, (out) => out);
  }

  /** `#run` for a local change: what it did. @param {() => Committed} call @returns {Committed} */
  #change(call) {
    return this.#run(call, (committed) => committed.out);
  }

  /** Fires `queue` when the queue's status moved (it drains, fills or replays without other events). */
  #announceQueue() {
    const now = this.#node.queueStatus();
    const last = this.#queue;
    if (now.size === last.size && now.dropped === last.dropped && now.replayed === last.replayed && now.capacity === last.capacity) return;
    this.#queue = now;
    this.#emit('queue', now);
  }

  #flush() {
    for (const event of this.#node.takeEvents()) {
      switch (event.type) {
        case 'change':
          this.#answers.forget(event.name);
          this.#saves.changed();
          this.#emit('change', event);
          break;
        case 'peer-connected':
        case 'peer-disconnected':
          this.#emit('peer', event);
          break;
        case 'events-dropped':
          // Some change events were lost: no cached answer can be trusted.
          this.#answers.clear();
          this.#saves.changed();
          break;
        case 'queue-overflow':
          this.#emit('queue-overflow', event);
          break;
        case 'catchup-started':
          this.#emit('catchup-started', event);
          break;
        case 'catchup-completed':
          this.#emit('catchup-completed', event);
          break;
        case 'catchup-aborted':
          this.#emit('catchup-aborted', event);
          break;
        case 'clock':
          this.#emit('clock', event);
          break;
        default:
          this.#emit('error', event);
      }
    }
  }

  /**
   * @template {keyof VnsEventMap} K
   * @param {K} type @param {VnsEventMap[K]['detail']} detail
   */
  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
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

/**
 * `open`'s options as the wasm node's and the shim's.
 * @param {OpenOptions} options
 * @returns {{ nodeOptions: VnsNodeOptions, shimOptions: OpenOptions }}
 */
export function splitOpenOptions(options) {
  const { sweepIntervalMs, tickIntervalMs, saveDelayMs, now, shareTabs: _shared, ...nodeOptions } = options;
  return { nodeOptions, shimOptions: { sweepIntervalMs, tickIntervalMs, saveDelayMs, now, clockOffsetMs: nodeOptions.clockOffsetMs } };
}
