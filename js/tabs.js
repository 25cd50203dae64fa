// @ts-check
/**
 * One writer per IndexedDB database, shared by the origin's tabs. Of the tabs that `open` the
 * same database, one, elected with the Web Locks API, leads: it holds the database and the
 * network links. The others follow: each keeps its own in-memory copy, fed by the leader over a
 * sync link on a `BroadcastChannel` (so its own core validates everything it takes in), and
 * sends its owner changes to the leader, waiting for the leader's answer. When the leader goes,
 * the lock passes to one follower, which opens the database, takes over the links and applies
 * the changes that were still waiting for an answer. Messages: tabs-channel.js; the protocol:
 * docs/protocol.md, "Tabs sharing one database".
 *
 * ```js
 * const vns = await open({ dbName: 'my-app' });   // shared by default in browsers
 * console.log(vns.role);                          // 'leader' or 'follower'
 * vns.addEventListener('role', (e) => console.log('this tab is now', e.detail.role));
 * ```
 * @module
 */
import { openWith, splitOpenOptions, tabHooks } from './core.js';
import { TabChannel, TabLink, readStatus } from './tabs-channel.js';

/** @typedef {import('./core.js').Vns} Vns */
/** @typedef {import('./core.js').VnsNode} VnsNode */
/** @typedef {import('./core.js').Committed} Committed */
/** @typedef {import('./vns-types.js').WasmExports} WasmExports */
/** @typedef {import('./vns-types.js').OpenOptions} OpenOptions */
/** @typedef {import('./vns-types.js').VnsNodeOptions} VnsNodeOptions */
/** @typedef {import('./tabs-channel.js').TabMessage} TabMessage */

/** How long a new follower's `open` waits for its copy to reach the leader's root. */
const FIRST_SYNC_MS = 3000;
/** Status reports to followers are batched: a burst of changes makes one. */
const STATUS_DELAY_MS = 50;

/**
 * Whether `open(options)` shares its database with the origin's other tabs: in a browser
 * page (a document, Web Locks and `BroadcastChannel`; Deno has the last two but no tabs),
 * for IndexedDB storage, unless `shareTabs` is `false`.
 * @param {OpenOptions} options
 */
export function sharesTabs(options) {
  if (options.shareTabs === false) return false;
  if ((options.storage ?? 'indexeddb') !== 'indexeddb') return false;
  if (!('document' in globalThis) || typeof BroadcastChannel !== 'function') return false;
  return webLocks() !== undefined;
}

/**
 * The options of a Web Locks request that this module uses.
 * @typedef {{ ifAvailable?: boolean, signal?: AbortSignal }} LockRequest
 */
/**
 * The part of the Web Locks API this module uses (typed here, since Deno's and Node's
 * `Navigator` types lack `locks`, and the browser entry is type-checked there too).
 * @typedef {{ request(name: string, options: LockRequest, callback: (lock: object | null) => unknown): Promise<unknown> }} WebLocks
 */

/** The platform's Web Locks, if it has them. @returns {WebLocks | undefined} */
function webLocks() {
  const platform = /** @type {{ navigator?: { locks?: WebLocks } }} */ (/** @type {unknown} */ (globalThis));
  return platform.navigator?.locks;
}

/**
 * Opens a node whose IndexedDB database is shared with the origin's other tabs: this tab's
 * node leads (the database is opened here) or follows (an in-memory copy fed by the leader).
 * @param {WasmExports} wasm
 * @param {OpenOptions} options
 * @returns {Promise<Vns>}
 */
export async function openShared(wasm, options) {
  const { shareTabs: _shared, ...rest } = options;
  const release = await holdLock(lockNames(rest.dbName).leader, { ifAvailable: true });
  if (release) {
    let vns;
    try {
      vns = await openWith(wasm, rest);
    } catch (error) {
      release();
      throw error;
    }
    new SharedDatabase(wasm, rest, vns).lead(release);
    return vns;
  }
  const vns = await openWith(wasm, { ...rest, storage: 'memory' });
  await new SharedDatabase(wasm, rest, vns).follow();
  return vns;
}

/**
 * The names of a database's channel and locks (docs/protocol.md, "Tabs sharing one database").
 * @param {string} [dbName]
 */
function lockNames(dbName = 'vns') {
  const base = `vns-tabs:${dbName}`;
  /** @param {string} id a tab's id */
  const tab = (id) => `${base}:tab:${id}`;
  return { channel: base, leader: `${base}:leader`, tab };
}

/**
 * Holds the lock `name` until the returned function is called; `undefined` when
 * `ifAvailable` was asked and another tab holds it, or when `signal` aborted the wait.
 * @param {string} name @param {LockRequest} options
 * @returns {Promise<(() => void) | undefined>}
 */
function holdLock(name, options) {
  return new Promise((resolve) => {
    const locks = webLocks();
    if (!locks) return resolve(undefined);
    locks
      .request(name, options, (lock) => {
        if (!lock) return resolve(undefined);
        return new Promise((release) => resolve(() => release(undefined)));
      })
      .catch(() => resolve(undefined));
  });
}

/** A change waiting for the leader's answer. @typedef {{ bytes: Uint8Array, resolve(): void, reject(error: Error): void }} Pending */

/** This tab's side of sharing one database. */
class SharedDatabase {
  /** @type {WasmExports} */ #wasm;
  /** The options of the wasm node, for the database (on takeover) and scratch nodes. */
  /** @type {VnsNodeOptions} */ #nodeOptions;
  /** @type {Vns} */ #vns;
  /** @type {import('./core.js').TabHooks} */ #hooks;
  /** @type {TabChannel} */ #channel;
  /** Ends every wait on a lock (the leadership, followers' tab locks) when the node closes. */
  #stopping = new AbortController();
  // Leader side: a link per follower tab.
  /** @type {Map<string, TabLink>} */ #followers = new Map();
  /** @type {ReturnType<typeof setTimeout> | undefined} */ #statusTimer;
  // Follower side: the leader, the link to it, and the changes it has not answered yet.
  /** @type {string | undefined} */ #leader;
  /** @type {TabLink | undefined} */ #leaderLink;
  /** @type {Map<number, Pending>} */ #pending = new Map();
  #nextRequest = 1;

  /**
   * Starts hearing the other tabs for `vns`, opened on the database (to lead) or in memory (to follow).
   * @param {WasmExports} wasm @param {OpenOptions} options @param {Vns} vns
   */
  constructor(wasm, options, vns) {
    this.#wasm = wasm;
    this.#nodeOptions = splitOpenOptions(options).nodeOptions;
    this.locks = lockNames(options.dbName);
    this.#channel = new TabChannel(this.locks.channel, crypto.randomUUID());
    this.#vns = vns;
    this.#hooks = tabHooks(vns);
    this.#channel.listen((message) => this.#heard(message));
    vns.onClose(() => this.#closing());
    // The lock goes to the next tab only once this node has saved and let go of the database.
    void this.#hooks.whenClosed().then(() => this.#channel.close());
  }

  /** Makes this tab the leader, holding the leadership until its node is closed. @param {() => void} release */
  lead(release) {
    void this.#hooks.whenClosed().then(release);
    this.#hooks.setRole('leader');
    const soon = () => this.#statusSoon();
    this.#vns.addEventListener('peer', soon);
    this.#vns.addEventListener('queue', soon);
    this.#vns.addEventListener('change', soon);
    this.#channel.post({ kind: 'leader' });
  }

  /** Makes this tab a follower and waits (a little) until its copy has caught up. */
  async follow() {
    this.#hooks.setRole('follower');
    this.#hooks.setRelay((name, build) => this.#relay(name, build));
    const { signal } = this.#stopping;
    // Held while this tab lives: the leader waits on it to learn that the tab is gone.
    const releaseTab = await holdLock(this.locks.tab(this.#channel.self), { signal });
    if (releaseTab) signal.addEventListener('abort', releaseTab);
    void holdLock(this.locks.leader, { signal }).then((release) => release && this.#takeOver(release));
    this.#channel.post({ kind: 'who' });
    await this.#firstSync();
  }

  /** Resolves once this follower's root is the leader's, or it leads, or after a bound. */
  async #firstSync() {
    const deadline = Date.now() + FIRST_SYNC_MS;
    const vns = this.#vns;
    while (Date.now() < deadline && !vns.closed && vns.role === 'follower') {
      if (vns.leaderStatus && vns.leaderStatus.root === vns.merkleRoot()) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** @param {TabMessage} message */
  #heard(message) {
    if (this.#vns.closed) return;
    const leading = this.#vns.role === 'leader';
    switch (message.kind) {
      case 'who':
        if (leading) this.#channel.post({ kind: 'leader' });
        break;
      case 'leader':
        if (!leading) this.#follow(message.from);
        break;
      case 'frame':
        if (leading) this.#followerLink(message.from)?.receive(message.bytes);
        else if (message.from === this.#leader) this.#leaderLink?.receive(message.bytes);
        break;
      case 'bye':
        if (leading) this.#dropFollower(message.from);
        else if (message.from === this.#leader) this.#leaderLink?.close(false);
        break;
      case 'submit':
        if (leading) void this.#serve(message.from, message.id, message.bytes);
        break;
      case 'result':
        if (!leading && message.from === this.#leader) this.#settle(message);
        break;
      case 'status':
        if (!leading && message.from === this.#leader) {
          const status = readStatus(message);
          if (status) this.#hooks.setLeaderStatus(status);
        }
        break;
    }
  }

  // ---- leader side

  /** The link to the follower `id`, made on its first frame. @param {string} id */
  #followerLink(id) {
    const known = this.#followers.get(id);
    if (known?.open) return known;
    const link = new TabLink(this.#vns, this.#channel, id, { local: true });
    this.#followers.set(id, link);
    // Granted once the follower's tab is gone (its lock is released with it).
    const { signal } = this.#stopping;
    void holdLock(this.locks.tab(id), { signal }).then((release) => {
      release?.();
      if (!signal.aborted) this.#dropFollower(id);
    });
    this.#statusSoon();
    return link;
  }

  /** @param {string} id */
  #dropFollower(id) {
    const link = this.#followers.get(id);
    if (!link) return;
    this.#followers.delete(id);
    link.close(false);
  }

  /**
   * Applies a follower's signed entry block as any submitted change, saves, and answers with
   * the outcome or the error's code.
   * @param {string} from @param {unknown} id @param {unknown} bytes
   */
  async #serve(from, id, bytes) {
    /** @param {{ name: string, accepted: boolean } | { error: { code: string, message: string } }} answer */
    const reply = (answer) => this.#channel.post({ kind: 'result', id, ...answer }, from);
    if (typeof id !== 'number' || !(bytes instanceof Uint8Array)) {
      reply({ error: { code: 'tabs.bad_message', message: 'a submit message carries a number id and the entry block as bytes' } });
      return;
    }
    try {
      const outcome = this.#vns.submit(bytes);
      // Answered once saved: a change the follower was told is done survives this tab.
      await this.#vns.save();
      reply(outcome);
    } catch (error) {
      reply({ error: codeAndMessage(error) });
    }
  }

  #statusSoon() {
    if (this.#statusTimer !== undefined) return;
    this.#statusTimer = setTimeout(() => {
      this.#statusTimer = undefined;
      const vns = this.#vns;
      if (vns.closed) return;
      this.#channel.post({ kind: 'status', networkPeers: vns.networkPeers(), queue: vns.queueStatus(), root: vns.merkleRoot() });
    }, STATUS_DELAY_MS);
  }

  // ---- follower side

  /** Follows the tab `id` that announced it leads. @param {string} id */
  #follow(id) {
    if (id === this.#leader && this.#leaderLink?.open) return;
    this.#leaderLink?.close(true);
    this.#leader = id;
    this.#leaderLink = new TabLink(this.#vns, this.#channel, id, { local: false });
    // Whatever the previous leader left unanswered goes to this one (a repeat is a duplicate).
    for (const [request, { bytes }] of this.#pending) this.#channel.post({ kind: 'submit', id: request, bytes }, id);
  }

  /**
   * A follower's owner change: built on a scratch node holding this tab's copy of the entry
   * (so the core refuses here what it would refuse anywhere), sent to the leader, and taken
   * into this tab's copy once the leader accepted it.
   * @param {string} name @param {(node: VnsNode, now: number) => Committed} build
   */
  async #relay(name, build) {
    const now = this.#hooks.now();
    const scratch = await this.#wasm.VnsNode.open({ ...this.#nodeOptions, storage: 'memory' });
    /** @type {Uint8Array | undefined} */
    let bytes;
    try {
      const held = this.#vns.entryBlock(name);
      if (held) scratch.submit(held, now);
      build(scratch, now);
      bytes = scratch.entryBlock(name);
    } finally {
      await scratch.close();
    }
    if (!bytes) throw Object.assign(new Error(`the change of ${name} left no entry`), { code: 'vns.internal' });
    await this.#request(bytes);
    try {
      this.#vns.submit(bytes);
    } catch {
      // A newer version came from the leader first: the copy holds that one.
    }
  }

  /** Sends a change to the leader (now, or to the next one) and waits for its answer. @param {Uint8Array} bytes */
  #request(bytes) {
    return /** @type {Promise<void>} */ (
      new Promise((resolve, reject) => {
        const id = this.#nextRequest++;
        this.#pending.set(id, { bytes, resolve, reject });
        if (this.#leader) this.#channel.post({ kind: 'submit', id, bytes }, this.#leader);
      })
    );
  }

  /** @param {Extract<TabMessage, { kind: 'result' }>} message */
  #settle(message) {
    if (typeof message.id !== 'number') return;
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    if (message.error === undefined) pending.resolve();
    else pending.reject(codedError(message.error));
  }

  /**
   * The leadership passed to this tab: opens the database, puts it under this tab's node,
   * and applies the changes the old leader left unanswered.
   * @param {() => void} release
   */
  async #takeOver(release) {
    if (this.#vns.closed) return release();
    /** @type {VnsNode} */
    let node;
    try {
      node = await this.#wasm.VnsNode.open({ ...this.#nodeOptions, storage: 'indexeddb' });
    } catch (error) {
      // Another tab may do better; this one stays a follower without a leader.
      release();
      this.#hooks.reportError({ type: 'takeover', error });
      return;
    }
    this.#leaderLink?.close(false);
    this.#leaderLink = undefined;
    this.#leader = undefined;
    this.#hooks.setRelay(undefined);
    await this.#hooks.adopt(node);
    const waiting = [...this.#pending.values()];
    this.#pending.clear();
    this.lead(release);
    for (const { bytes, resolve, reject } of waiting) {
      try {
        this.#vns.submit(bytes);
      } catch (error) {
        reject(/** @type {Error} */ (error));
        continue;
      }
      this.#vns.save().then(resolve, reject);
    }
  }

  /** The node is closing: links to tabs close, waits on locks end, waiting changes fail. */
  #closing() {
    clearTimeout(this.#statusTimer);
    for (const id of [...this.#followers.keys()]) {
      const link = this.#followers.get(id);
      this.#followers.delete(id);
      link?.close(true);
    }
    this.#leaderLink?.close(true);
    this.#stopping.abort();
    const closed = Object.assign(new Error('the node is closed'), { code: 'vns.closed' });
    for (const { reject } of this.#pending.values()) reject(closed);
    this.#pending.clear();
  }
}

/** An error as a `result` carries it. @param {unknown} error @returns {{ code: string, message: string }} */
function codeAndMessage(error) {
  const { code, message } = /** @type {{ code?: unknown, message?: unknown }} */ (error ?? {});
  return {
    code: typeof code === 'string' ? code : 'vns.internal',
    message: typeof message === 'string' ? message : String(error),
  };
}

/** A `result`'s error as a thrown one, with its code. @param {unknown} error */
function codedError(error) {
  const { code, message } = codeAndMessage(error);
  return Object.assign(new Error(message), { code });
}
