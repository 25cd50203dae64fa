// @ts-check
/**
 * What a `Vns` answers without changing anything (the base of `Vns`): names resolved at
 * this node's clock (through the answer cache), their proofs, availability, history and
 * renewal outlook, the network's parameters, the clock's health, counters and the queue.
 * The changes, links, saves and timers are `Vns`'s own (core.js).
 *
 * ```js
 * const vns = await open({ storage: 'memory', network: 'testing' });
 * vns.availability('alice').state; // 'free'
 * vns.merkleRoot();                // the CID of the empty tree
 * ```
 * @module
 */

import { freezeAnswer } from './answer-cache.js';
import { VnsEventTarget } from './vns-events.js';

/** @typedef {import('../pkg/web/vns.js').VnsNode} VnsNode */
/** @typedef {import('../pkg/web/vns.js').Resolved} Resolved */
/** @typedef {import('../pkg/web/vns.js').QueueStatus} QueueStatus */
/** @typedef {import('../pkg/web/vns.js').NameProof} NameProof */
/** @typedef {import('../pkg/web/vns.js').NodeStats} NodeStats */
/** @typedef {import('../pkg/web/vns.js').ClockHealth} ClockHealth */
/** @typedef {import('../pkg/web/vns.js').NetworkInfo} NetworkInfo */
/** @typedef {import('../pkg/web/vns.js').NameAvailability} NameAvailability */
/** @typedef {import('../pkg/web/vns.js').NameHistoryEvent} NameHistoryEvent */
/** @typedef {import('../pkg/web/vns.js').RenewalOutlook} RenewalOutlook */
/** @typedef {import('./vns-types.js').WasmExports} WasmExports */
/** @typedef {import('./answer-cache.js').AnswerCache} AnswerCache */

/**
 * The node a `Vns` runs on, in a slot its parts share, so that a follower tab taking over
 * the database replaces it for all of them at once.
 * @typedef {{ node: VnsNode }} NodeSlot
 */

/**
 * What the answers are read from: the wasm module, the node's slot, the clock the rules are
 * asked at, and the cache of resolved answers (which the `Vns` clears as names change).
 * @typedef {{ wasm: WasmExports, slot: NodeSlot, now: () => number, answers: AnswerCache }} ReadSources
 */

/** A node's answers, at its clock; `Vns` adds the changes. */
export class VnsReads extends VnsEventTarget {
  /** @type {WasmExports} */ #wasm;
  /** @type {NodeSlot} */ #slot;
  /** @type {() => number} */ #now;
  /** Resolved answers by the name as asked (a canonical name may be asked several ways). */
  /** @type {AnswerCache} */ #answers;

  /** Use `open()` instead. @param {ReadSources} sources */
  constructor({ wasm, slot, now, answers }) {
    super();
    this.#wasm = wasm;
    this.#slot = slot;
    this.#now = now;
    this.#answers = answers;
  }

  get #node() {
    return this.#slot.node;
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

  /**
   * What a node opened with `repair: true` found in its store: entries loaded, names lost,
   * every damaged block (`undefined` for a normal open).
   * @returns {import('../pkg/web/vns.js').RepairReport | undefined}
   */
  get repairReport() {
    return this.#node.repairReport;
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
    const resolved = freezeAnswer(this.#node.resolve(name, now));
    this.#answers.set(name, resolved);
    return resolved;
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

  /** Handles of peers whose handshake completed. @returns {number[]} */
  peers() {
    return this.#node.peers();
  }
}
