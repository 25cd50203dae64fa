// @ts-check
/**
 * The messages between the tabs of one origin that share a database, over a
 * `BroadcastChannel` named after it, and the sync links carried on them (docs/protocol.md,
 * "Tabs sharing one database"). Every message names its sender (`from`, a random tab id) and,
 * except announcements, its one receiver (`to`): a channel reaches every tab, and each keeps
 * only what is meant for it. Sync frames are opaque bytes here: the receiving tab's core
 * validates them as it validates any peer's.
 *
 * ```js
 * const channel = new TabChannel('vns-tabs:my-app', crypto.randomUUID());
 * channel.listen((message) => console.log(message.kind, 'from', message.from));
 * channel.post({ kind: 'who' }); // to every tab
 * ```
 * @module
 */

/** @typedef {import('./core.js').Vns} Vns */
/** @typedef {import('./vns-events.js').LeaderStatus} LeaderStatus */

/** The version of these messages; a tab ignores messages of another version. */
export const TABS_PROTOCOL = 1;
/** Tab ids are random UUIDs; anything longer is not a tab's. */
const MAX_ID = 64;

/**
 * What one tab says to another. `who`: a follower asks who leads; `leader`: the leader
 * announces itself; `frame`: a sync frame on the link between a follower and the leader;
 * `bye`: that link closes; `submit`: a follower's signed entry block for the leader to apply;
 * `result`: the leader's answer to a `submit` (`name` and `accepted`, or `error`); `status`:
 * the leader's network peers, delta queue and merkle root.
 * @typedef {{ kind: 'who' }
 *   | { kind: 'leader' }
 *   | { kind: 'frame', bytes: unknown }
 *   | { kind: 'bye' }
 *   | { kind: 'submit', id: unknown, bytes: unknown }
 *   | { kind: 'result', id: unknown, name?: unknown, accepted?: unknown, error?: unknown }
 *   | { kind: 'status', networkPeers: unknown, queue: unknown, root: unknown }} TabBody
 */

/** A message as received: its body, its sender and, unless it went to every tab, its receiver. @typedef {TabBody & { from: string, to?: string }} TabMessage */

const KINDS = new Set(['who', 'leader', 'frame', 'bye', 'submit', 'result', 'status']);

/**
 * The channel of one database, as one tab uses it: posts carry this tab's id, and only
 * well-formed messages of this version meant for this tab (or for all) are heard.
 */
export class TabChannel {
  /** @type {BroadcastChannel} */ #channel;
  /** @type {string} */ #self;

  /** @param {string} name the channel's name @param {string} self this tab's id */
  constructor(name, self) {
    this.#channel = new BroadcastChannel(name);
    this.#self = self;
  }

  /** This tab's id. */
  get self() {
    return this.#self;
  }

  /**
   * Posts `body` to the tab `to`, or to every tab. A closed channel drops it (a tab that is
   * going away has nobody left to tell).
   * @param {TabBody} body @param {string} [to]
   */
  post(body, to) {
    try {
      this.#channel.postMessage({ v: TABS_PROTOCOL, from: this.#self, ...(to ? { to } : {}), ...body });
    } catch {
      // Closed.
    }
  }

  /** Calls `listener` with each message meant for this tab. @param {(message: TabMessage) => void} listener */
  listen(listener) {
    this.#channel.addEventListener('message', ({ data }) => {
      const message = readMessage(data, this.#self);
      if (message) listener(message);
    });
  }

  /** Stops posting and hearing. */
  close() {
    this.#channel.close();
  }
}

/**
 * `data` as a message for the tab `self`, or `undefined` when it is of another version,
 * malformed, from this tab, or for another tab.
 * @param {unknown} data @param {string} self
 * @returns {TabMessage | undefined}
 */
export function readMessage(data, self) {
  if (!data || typeof data !== 'object') return undefined;
  const { v, from, to, kind } = /** @type {Record<string, unknown>} */ (data);
  if (v !== TABS_PROTOCOL || typeof kind !== 'string' || !KINDS.has(kind)) return undefined;
  if (!isTabId(from) || from === self) return undefined;
  if (to !== undefined && to !== self) return undefined;
  return /** @type {TabMessage} */ (data);
}

/**
 * A `status` message's fields as a `LeaderStatus`, or `undefined` if they are not one.
 * @param {{ networkPeers: unknown, queue: unknown, root: unknown }} fields
 * @returns {LeaderStatus | undefined}
 */
export function readStatus({ networkPeers, queue, root }) {
  if (typeof networkPeers !== 'number' || typeof root !== 'string' || !queue || typeof queue !== 'object') return undefined;
  const { size, capacity, dropped, replayed } = /** @type {Record<string, unknown>} */ (queue);
  if (![size, capacity, dropped, replayed].every((n) => typeof n === 'number')) return undefined;
  return { networkPeers, root, queue: /** @type {LeaderStatus['queue']} */ (queue) };
}

/** @param {unknown} id @returns {id is string} */
export function isTabId(id) {
  return typeof id === 'string' && id.length > 0 && id.length <= MAX_ID;
}

/**
 * A sync link between this tab's node and the tab `other`, carried as `frame` messages. What
 * arrives that is not bytes is handed to the node as an empty frame, which closes the link
 * with the core's own error.
 */
export class TabLink {
  /** @type {import('./core.js').PeerHandle} */ #handle;
  /** @type {TabChannel} */ #channel;
  #open = true;

  /**
   * `local`: the leader's side of a link to a follower, which is no way to the network
   * (`Vns.attach`'s option).
   * @param {Vns} vns @param {TabChannel} channel @param {string} other @param {{ local: boolean }} options
   */
  constructor(vns, channel, other, { local }) {
    this.other = other;
    this.#channel = channel;
    this.#handle = vns.attach({
      send: (bytes) => {
        if (!this.#open) throw new Error('tab link closed');
        channel.post({ kind: 'frame', bytes }, other);
      },
      close: () => {
        if (this.#open) channel.post({ kind: 'bye' }, other);
        this.#shut();
      },
    }, { local });
  }

  /** The link number in this tab's node. */
  get peer() {
    return this.#handle.peer;
  }

  /** Whether the link is up. */
  get open() {
    return this.#open;
  }

  /** Hands a received `frame`'s bytes to the node. @param {unknown} bytes */
  receive(bytes) {
    if (this.#open) this.#handle.receive(bytes instanceof Uint8Array ? bytes : new Uint8Array(0));
  }

  /** Closes the link; `tell` says `bye` to the other tab (not when it is known gone). @param {boolean} tell */
  close(tell) {
    if (tell && this.#open) this.#channel.post({ kind: 'bye' }, this.other);
    this.#shut();
  }

  #shut() {
    if (!this.#open) return;
    this.#open = false;
    this.#handle.closed();
  }
}
