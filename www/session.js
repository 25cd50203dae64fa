// @ts-check
/**
 * The page's VNS node and its link to the node that served the page: network settings from
 * `/api/vns/status` (remembered in localStorage for offline starts), the IndexedDB store, the
 * WebSocket peer, the owner's key, and the state the views show.
 * @module
 */
import { open, connectWebSocket, connectWebRTC, generateKeys } from 'vns';
import { loadKeys, storeKeys } from './keystore.js';

/** @typedef {import('vns').Vns} Vns */
/** @typedef {import('vns').Keys} Keys */
/** @typedef {import('../js/core.js').OpenOptions} OpenOptions */

/**
 * What `GET /api/vns/status` answers (the parts the page reads).
 * @typedef {{
 *   open: OpenOptions,
 *   network: { network: string, difficulty: number, networkId: string },
 *   entries: number,
 *   root: string,
 *   peers: number | unknown[],
 *   links?: { direction: 'in' | 'out', remote: string }[],
 *   queue: import('../js/core.js').QueueStatus,
 * }} NodeStatus
 */

/** The node's answer to `GET /api/vns/resolve/:name`. */
/**
 * @typedef {import('../js/core.js').Resolved & { proof: { root: string, blocks: string[] } }} NodeAnswer
 */

const DB_NAME = 'vns-www';
const STATUS_KEY = 'vns-www-status';
const KEYS_CHANNEL = 'vns-www-keys';
const STATUS_POLL_MS = 3000;
/** The node's root moves a moment after ours: it has to receive the change first. */
const STATUS_AFTER_CHANGE_MS = 400;
/** How the views word the shim's save states. */
const SAVE_STATES = /** @type {const} */ ({ saved: 'saved', pending: 'saving', saving: 'saving', failed: 'error' });

/**
 * Fetches JSON from the node that served the page, giving up after `timeoutMs`.
 * @param {string} path
 * @param {number} [timeoutMs]
 * @returns {Promise<unknown>}
 */
export async function fetchJson(path, timeoutMs = 3000) {
  const response = await fetch(path, { cache: 'no-store', signal: AbortSignal.timeout(timeoutMs) });
  const body = await response.json();
  if (!response.ok) {
    const { code, message } = body?.error ?? {};
    throw Object.assign(new Error(message ?? `HTTP ${response.status}`), { code, status: response.status });
  }
  return body;
}

/**
 * The page's session. Events: `change` (`detail: { name }`, a name changed in the local
 * node), `state` (connection, node status, queue or saving changed), `keys` (another key).
 */
export class Session extends EventTarget {
  /** @type {Keys | undefined} */ keys;
  /** @type {NodeStatus | undefined} the node's last status, while reachable */ nodeStatus;
  /** @type {{ name: string, at: number, local: boolean }[]} newest last */ recent = [];
  /** Names changed by this page, as the core spells them (the rest came from peers). */
  #localChanges = new Set();
  /** Tabs of this browser share one key: each tells the others when it changes it. */
  #keysChannel = new BroadcastChannel(KEYS_CHANNEL);
  /** @type {Promise<void> | undefined} */ #statusFetch;
  /** Past the sync handshake with the node that served the page. */ #nodeOnline = false;
  /** @type {import('../js/webrtc.js').WebRTCLink | undefined} the page's WebRTC peers */ rtc;

  /**
   * @param {Vns} vns
   * @param {{ network: OpenOptions, wsUrl: string, statusFromCache: boolean }} info
   */
  constructor(vns, info) {
    super();
    this.vns = vns;
    this.network = info.network;
    this.wsUrl = info.wsUrl;
    this.statusFromCache = info.statusFromCache;
    vns.addEventListener('change', (event) => {
      const { name } = event.detail;
      const local = this.#localChanges.delete(name);
      this.recent.push({ name, at: Date.now(), local });
      if (this.recent.length > 50) this.recent.shift();
      this.dispatchEvent(new CustomEvent('change', { detail: { name } }));
    });
    vns.addEventListener('peer', () => this.#changed());
    // The shim saves after changes and says how it goes; the queue drains on reconnect.
    vns.addEventListener('saving', () => this.#changed());
    vns.addEventListener('queue', () => this.#changed());
    // Tabs share the database: one leads, the others follow it (and report what it says).
    vns.addEventListener('role', () => this.#changed());
    vns.addEventListener('leader-status', () => this.#changed());
    this.#keysChannel.addEventListener('message', async () => {
      this.keys = await loadKeys();
      this.dispatchEvent(new Event('keys'));
    });
    vns.addEventListener('error', (event) => console.warn('vns:', event.detail));
  }

  /** Whether this browser's copy holds every change: `saved`, `saving` or `error`. */
  get saveState() {
    return SAVE_STATES[this.vns.saveState];
  }

  /**
   * Whether the node is connected and past the handshake (WebRTC peers aside): to this tab,
   * or, in a tab that follows another, to the leading tab.
   */
  get online() {
    return this.vns.role === 'follower' ? this.vns.networkPeers() > 0 : this.#nodeOnline;
  }

  /** The delta queue that waits for the node: this tab's, or the leading tab's. */
  get queue() {
    return this.vns.leaderStatus?.queue ?? this.vns.queueStatus();
  }

  /**
   * Links the page to the node at `wsUrl` and, through it, to other pages over WebRTC; the
   * view is told when the node link changes, and every 2 s while WebRTC peers exist (their
   * round-trip times and frame counts move).
   */
  connect() {
    // Short backoff: a node restarting is back within seconds, and queued changes go out then.
    const node = connectWebSocket(this.vns, this.wsUrl, { minDelayMs: 250, maxDelayMs: 4000 });
    node.signalling.listen({
      open: () => {
        this.#nodeOnline = true;
        this.#changed();
      },
      close: () => {
        this.#nodeOnline = false;
        this.#changed();
      },
    });
    const rtc = connectWebRTC(this.vns, { signalling: node.signalling });
    this.rtc = rtc;
    setInterval(() => {
      if (rtc.peers().length) this.#changed();
    }, 2000);
  }

  /**
   * Runs a change of `name` made by this page (the recent-changes list says so).
   * @template T
   * @param {string} name as the core spells it (`canonicalName`), like change events
   * @param {() => Promise<T>} action
   * @returns {Promise<T>}
   */
  async local(name, action) {
    this.#localChanges.add(name);
    try {
      return await action();
    } catch (error) {
      this.#localChanges.delete(name);
      throw error;
    }
  }

  /** The key, generating and storing one on first use. @returns {Promise<Keys>} */
  async ensureKeys() {
    if (!this.keys) await this.setKeys(generateKeys());
    return /** @type {Keys} */ (this.keys);
  }

  /** Makes `keys` this browser's key. @param {Keys} keys */
  async setKeys(keys) {
    await storeKeys(keys);
    this.keys = keys;
    this.#keysChannel.postMessage('changed');
    this.dispatchEvent(new Event('keys'));
  }

  /**
   * The node's own answer for `name` (with its proof), or `undefined` when it is unreachable.
   * Rejects with `code` `resolve.not_found` when the node does not hold the name.
   * @param {string} name
   * @returns {Promise<NodeAnswer | undefined>}
   */
  async nodeAnswer(name) {
    try {
      return /** @type {NodeAnswer} */ (await fetchJson(`/api/vns/resolve/${encodeURIComponent(name)}`));
    } catch (error) {
      if (/** @type {{ status?: number }} */ (error).status) throw error;
      return undefined;
    }
  }

  /** Fetches the node's status (roots, peers, queue) now; `undefined` while unreachable. */
  async refreshNodeStatus() {
    this.#statusFetch ??= fetchJson('/api/vns/status')
      .then((status) => /** @type {NodeStatus} */ (status), () => undefined)
      .then((status) => {
        this.#statusFetch = undefined;
        this.nodeStatus = status;
        this.#changed();
      });
    return this.#statusFetch;
  }

  /** Polls the node's status while the page is visible, and soon after each change. */
  startStatusPolling() {
    void this.refreshNodeStatus();
    setInterval(() => {
      if (document.visibilityState === 'visible') void this.refreshNodeStatus();
    }, STATUS_POLL_MS);
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let soon;
    const refreshSoon = () => {
      clearTimeout(soon);
      soon = setTimeout(() => void this.refreshNodeStatus(), STATUS_AFTER_CHANGE_MS);
    };
    this.addEventListener('change', refreshSoon);
    this.vns.addEventListener('peer', refreshSoon);
  }

  #changed() {
    this.dispatchEvent(new Event('state'));
  }
}

/**
 * The network settings: fresh from the node, else those remembered from the last visit.
 * @returns {Promise<{ network: OpenOptions, fromCache: boolean }>}
 */
async function networkSettings() {
  try {
    const status = /** @type {NodeStatus} */ (await fetchJson('/api/vns/status'));
    localStorage.setItem(STATUS_KEY, JSON.stringify({ open: status.open, at: Date.now() }));
    return { network: status.open, fromCache: false };
  } catch (error) {
    const cached = localStorage.getItem(STATUS_KEY);
    if (!cached) {
      throw new Error(`the node cannot be reached and this browser has never joined its network: ${error}`);
    }
    return { network: JSON.parse(cached).open, fromCache: true };
  }
}

/**
 * Opens the page's node and connects it to the node that served the page. Tabs of this
 * browser share the names database (the package elects one to hold it and the link to the
 * node; its `role` says which); a tab that follows dials the node once it leads.
 * @returns {Promise<Session>}
 */
export async function startSession() {
  const [{ network, fromCache }, keys] = await Promise.all([networkSettings(), loadKeys()]);
  const vns = await open({ dbName: DB_NAME, ...network });
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/vns`;
  const session = new Session(vns, { network, wsUrl, statusFromCache: fromCache });
  session.keys = keys;
  session.connect();
  session.startStatusPolling();
  return session;
}
