// @ts-check
/**
 * The types of `Vns`'s events: what each carries in `detail`, so listeners need no casts.
 *
 * ```js
 * vns.addEventListener('saving', (e) => console.log(e.detail.state)); // typed by VnsEventMap
 * ```
 * @module
 */

/** @typedef {import('../pkg/web/vns.js').VnsEvent} VnsEvent */
/** @typedef {import('../pkg/web/vns.js').SaveReport} SaveReport */
/** @typedef {import('../pkg/web/vns.js').GcReport} GcReport */
/** @typedef {import('../pkg/web/vns.js').QueueStatus} QueueStatus */

/**
 * Where this node's changes stand with its storage: `pending` (a change waits for the
 * automatic save), `saving` (a save runs), `saved` (everything is written), `failed` (the last
 * save failed; the change stays pending and the next save retries it).
 * @typedef {'saved' | 'pending' | 'saving' | 'failed'} SaveState
 */

/** A peer's handshake completed or its connection ended. @typedef {Extract<VnsEvent, { type: 'peer-connected' | 'peer-disconnected' }>} PeerEvent */

/**
 * What an `error` event carries: a peer's bad frame or the lost queue (from the core), or a
 * failure of the shim's own background work (`save`, `prune`, `gc`, `tick`, or `takeover`: a
 * follower tab could not open the database it was to lead).
 * @typedef {Extract<VnsEvent, { type: 'peer-error' | 'queue-lost' }>
 *   | { type: 'save' | 'prune' | 'gc' | 'tick' | 'takeover', error: unknown }} VnsErrorDetail
 */

/**
 * A tab's part in sharing its database with the origin's other tabs (`Vns.role`).
 * @typedef {'solo' | 'leader' | 'follower'} TabRole
 */

/**
 * What the leading tab tells its followers: its network peers, its delta queue and its root.
 * @typedef {{ networkPeers: number, queue: QueueStatus, root: string }} LeaderStatus
 */

/**
 * The events of `Vns` and what each carries in `detail`: listeners get typed events.
 * `change` (`detail: { name }`), `sweep` (`detail: { removed }`, after every expiry sweep),
 * `save` (`detail` is the `SaveReport` of each save), `saving` (`detail: { state }` whenever
 * `saveState` changes), `gc` (`detail` is the `GcReport` of each garbage collection), `peer`
 * (`detail` is a `peer-connected` or `peer-disconnected` event), `queue` (`detail` is the
 * `QueueStatus`, whenever it changed), `queue-overflow`, `catchup-started` (a catch-up with a
 * peer began: its root differs from ours), then one of `catchup-completed` (with the
 * `entries` it fetched) or `catchup-aborted` (it was abandoned, with the reason's `code`; the
 * link stays open and a later catch-up retries) for the same `peer`, unless its link closes
 * first (`peer`), `clock` (`detail.health`: this node's clock against its peers', whenever it
 * changed), `error` (`peer-error`, `queue-lost`, `{ type: 'save', error }` from a failed
 * automatic save, `{ type: 'prune', error }` when a save could not delete unreachable
 * blocks, `{ type: 'gc', error }` from the collection after a sweep, or `{ type: 'takeover',
 * error }` when a follower tab could not open the database it was to lead), `role`
 * (`detail: { role }`, this tab's part in sharing its database changed) and
 * `leader-status` (the leading tab's report, in a follower).
 * @typedef {{
 *   change: CustomEvent<{ type: 'change', name: string }>,
 *   sweep: CustomEvent<{ removed: string[] }>,
 *   save: CustomEvent<SaveReport>,
 *   saving: CustomEvent<{ state: SaveState }>,
 *   gc: CustomEvent<GcReport>,
 *   peer: CustomEvent<PeerEvent>,
 *   queue: CustomEvent<QueueStatus>,
 *   'queue-overflow': CustomEvent<Extract<VnsEvent, { type: 'queue-overflow' }>>,
 *   'catchup-started': CustomEvent<Extract<VnsEvent, { type: 'catchup-started' }>>,
 *   'catchup-completed': CustomEvent<Extract<VnsEvent, { type: 'catchup-completed' }>>,
 *   'catchup-aborted': CustomEvent<Extract<VnsEvent, { type: 'catchup-aborted' }>>,
 *   clock: CustomEvent<Extract<VnsEvent, { type: 'clock' }>>,
 *   error: CustomEvent<VnsErrorDetail>,
 *   role: CustomEvent<{ role: TabRole }>,
 *   'leader-status': CustomEvent<LeaderStatus>,
 * }} VnsEventMap
 */

/**
 * Fires one `Vns` event of `type` with its `detail`, typed by `VnsEventMap` (how the parts of
 * a `Vns` tell it to fire one).
 * @typedef {<K extends keyof VnsEventMap>(type: K, detail: VnsEventMap[K]['detail']) => void} EmitVnsEvent
 */

/**
 * An `EventTarget` whose listeners are typed by `VnsEventMap` (the base of `Vns`).
 *
 * ```js
 * vns.addEventListener('queue', (e) => console.log(e.detail.size)); // e is CustomEvent<QueueStatus>
 * ```
 */
export class VnsEventTarget extends EventTarget {
  /**
   * `EventTarget.addEventListener`, typed by `VnsEventMap` for this node's events.
   * @template {keyof VnsEventMap} K
   * @overload
   * @param {K} type
   * @param {(event: VnsEventMap[K]) => void} listener
   * @param {boolean | AddEventListenerOptions} [options]
   * @returns {void}
   */
  /**
   * @overload
   * @param {string} type
   * @param {EventListenerOrEventListenerObject | null} listener
   * @param {boolean | AddEventListenerOptions} [options]
   * @returns {void}
   */
  /**
   * @param {string} type
   * @param {EventListenerOrEventListenerObject | ((event: never) => void) | null} listener
   * @param {boolean | AddEventListenerOptions} [options]
   * @returns {void}
   * @override
   */
  addEventListener(type, listener, options) {
    super.addEventListener(type, /** @type {EventListenerOrEventListenerObject | null} */ (listener), options);
  }

  /**
   * `EventTarget.removeEventListener`, typed like `addEventListener`.
   * @template {keyof VnsEventMap} K
   * @overload
   * @param {K} type
   * @param {(event: VnsEventMap[K]) => void} listener
   * @param {boolean | EventListenerOptions} [options]
   * @returns {void}
   */
  /**
   * @overload
   * @param {string} type
   * @param {EventListenerOrEventListenerObject | null} listener
   * @param {boolean | EventListenerOptions} [options]
   * @returns {void}
   */
  /**
   * @param {string} type
   * @param {EventListenerOrEventListenerObject | ((event: never) => void) | null} listener
   * @param {boolean | EventListenerOptions} [options]
   * @returns {void}
   * @override
   */
  removeEventListener(type, listener, options) {
    super.removeEventListener(type, /** @type {EventListenerOrEventListenerObject | null} */ (listener), options);
  }
}
