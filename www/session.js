// @ts-check
/**
 * The page's VNS client and its link to the node that served the page, in the mode chosen
 * (see mode.js): a full node of its own (IndexedDB `vns-www`, every name) or a light client
 * (IndexedDB `vns-www-light`, the verified answers it looked up). Network settings come from
 * `/api/vns/status` (remembered in localStorage for offline starts); then the WebSocket peer,
 * the owner's key, and the state the views show. What the views ask (names, availability,
 * history, renewal) goes to the package in either mode; only where the answer comes from
 * differs.
 * @module
 */
import { open, connectWebSocket, connectWebRTC, generateKeys, LightVns, VnsNode } from 'vns';
import { loadKeys, storeKeys } from './keystore.js';
import { chosenMode, staleAfterMs } from './mode.js';

/** @typedef {import('vns').Vns} Vns */
/** @typedef {import('./mode.js').Mode} Mode */
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
/** The light client's cache: apart from the full node's database, so switching keeps both. */
const LIGHT_DB_NAME = 'vns-www-light';
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
   * @param {Vns | LightVns} vns
   * @param {{ network: OpenOptions, wsUrl: string, statusFromCache: boolean }} info
   */
  constructor(vns, info) {
    super();
    this.vns = vns;
    /** @type {Mode} */
    this.mode = vns instanceof LightVns ? 'light' : 'full';
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

  /** The full node, in full mode. @returns {Vns | undefined} */
  get full() {
    return this.vns instanceof LightVns ? undefined : this.vns;
  }

  /** The light client, in light mode. @returns {LightVns | undefined} */
  get light() {
    return this.vns instanceof LightVns ? this.vns : undefined;
  }

  /** This tab's part in sharing the names database; a light client holds none. */
  get role() {
    return this.full?.role ?? 'solo';
  }

  /**
   * The verified answer for `name`: from this browser's copy (full), or from the light
   * client's cache or its peers (light, with `stale` and `verifiedAt`).
   * @param {string} name
   */
  resolve(name) {
    return this.vns.resolve(name);
  }

  /**
   * Whether `name` can be registered, as the core judges it on the version known here.
   * @param {string} name
   * @returns {Promise<import('../pkg/web/vns.js').NameAvailability>}
   */
  async availability(name) {
    return this.vns.availability(name); // answered at once in full mode, after a lookup in light mode
  }

  /**
   * The ops the current version of `name` carries, oldest first.
   * @param {string} name
   * @returns {Promise<import('../pkg/web/vns.js').NameHistoryEvent[]>}
   */
  async history(name) {
    return this.vns.history(name);
  }

  /**
   * What renewing `name` now would do.
   * @param {string} name
   * @returns {Promise<import('../pkg/web/vns.js').RenewalOutlook>}
   */
  async renewal(name) {
    return this.vns.renewal(name);
  }

  /**
   * The names `owner` holds. Full mode reads its own copy. A light client holds no index of
   * owners: it lists the names its cache verified as the owner's, and those the node says the
   * owner holds (each card then resolves, and so verifies, its name).
   * @param {string} owner a peer id
   * @returns {Promise<string[]>}
   */
  async namesByOwner(owner) {
    const light = this.light;
    if (!light) return /** @type {Vns} */ (this.full).namesByOwner(owner);
    const cached = light.cached().names.filter((n) => n.owner === owner).map((n) => n.name);
    /** @type {string[]} */
    let listed = [];
    try {
      const answer = /** @type {{ names: string[] }} */ (await fetchJson(`/api/vns/names?owner=${encodeURIComponent(owner)}`));
      listed = answer.names;
    } catch {
      // Offline: the cache is all there is.
    }
    return [...new Set([...cached, ...listed])].sort();
  }

  /**
   * Checks a proof's blocks against its root, in the core: the entry CID it leads to, `null`
   * when it shows the name absent; throws `proof.*`.
   * @param {{ root: string, blocks: Uint8Array[] }} proof @param {string} name
   * @returns {string | null}
   */
  verifyProof(proof, name) {
    return VnsNode.verifyProof(proof.root, name, proof.blocks) ?? null;
  }

  /** Whether this browser's copy holds every change: `saved`, `saving` or `error` (full mode). */
  get saveState() {
    const full = this.full;
    return full ? SAVE_STATES[full.saveState] : undefined;
  }

  /**
   * Whether the node is connected and past the handshake (WebRTC peers aside): to this tab,
   * or, in a tab that follows another, to the leading tab.
   */
  get online() {
    const full = this.full;
    return full?.role === 'follower' ? full.networkPeers() > 0 : this.#nodeOnline;
  }

  /** The delta queue that waits for the node: this tab's, or the leading tab's (full mode). */
  get queue() {
    const full = this.full;
    return full ? (full.leaderStatus?.queue ?? full.queueStatus()) : undefined;
  }

  /**
   * Links the page to the node at `wsUrl` and, in full mode, through it to other pages over
   * WebRTC; the view is told when the node link changes, and every 2 s while WebRTC peers
   * exist (their round-trip times and frame counts move). A light client asks the node for
   * each name and holds nothing other pages could sync from, so it links to the node only.
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
    const full = this.full;
    if (!full) return;
    const rtc = connectWebRTC(full, { signalling: node.signalling });
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
 * Opens the page's client in the chosen mode and connects it to the node that served the
 * page. In full mode tabs of this browser share the names database (the package elects one to
 * hold it and the link to the node; its `role` says which), and a tab that follows dials the
 * node once it leads. In light mode each tab has its own light client over one shared cache.
 * @returns {Promise<Session>}
 */
export async function startSession() {
  const [{ network, fromCache }, keys] = await Promise.all([networkSettings(), loadKeys()]);
  const vns = chosenMode() === 'light'
    ? await open({ mode: 'light', dbName: LIGHT_DB_NAME, staleAfterMs: staleAfterMs(), ...network })
    : await open({ dbName: DB_NAME, ...network });
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/vns`;
  const session = new Session(vns, { network, wsUrl, statusFromCache: fromCache });
  session.keys = keys;
  session.connect();
  session.startStatusPolling();
  return session;
}
