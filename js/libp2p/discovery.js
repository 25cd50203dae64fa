// @ts-check
/**
 * Finding the network's nodes in the Kademlia DHT: every node is a provider of its network's
 * key (the CID of `/vns/manifest/<network id>`, raw codec, SHA-256) and keeps its signed
 * manifest there (`manifest.js`); a node with fewer connections than it wants searches: it
 * dials its bootstrap addresses it is not connected to (again and again: a node may be down,
 * or refuse a burst of connections from one address), asks the DHT for providers and dials
 * those it is not connected to, reading their manifests (root, entry count). Of a pair, the
 * one whose peer ID sorts first dials; the other dials too once it has seen the pair
 * unconnected in `PATIENCE` searches (the first may have all the peers it wants). Searches run
 * every 2 s while they find someone to dial, slow down (doubling up to 5 min) while they find
 * nobody new (a network smaller than the count wanted), run every 5 min once the node has the
 * peers it wants, and start again soon when a connection closes. Every pause is jittered
 * (±20 %) so nodes started together do not search in step, every DHT query is bounded in
 * time, and a manifest that could not be read is asked for again only after a pause (a
 * record not yet published would otherwise cost a whole DHT walk on every search). Each DHT
 * search contacts most of a small network's nodes, so an idle network's CPU goes mostly to
 * these searches: their pace is the main knob of a node's idle cost. The connection manager
 * bounds the total.
 *
 * ```js
 * const discovery = startDiscovery(libp2p, vns, { privateKey, bootstrap: [], wantedPeers: 8 });
 * discovery.status();  // { providers: 4, manifests: 4, published: 1, searches: 6, lastError: null }
 * discovery.stop();
 * ```
 * @module
 */
import { multiaddr } from '@multiformats/multiaddr';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { sha256 } from 'multiformats/hashes/sha2';
import { manifestKey, signManifest, validateManifest } from './manifest.js';

/** How often to look for peers while below the wanted count, and once there (or finding nobody new). */
export const SEARCH_MS = Object.freeze({ short: 2_000, long: 5 * 60 * 1000 });
/** How long one DHT query (providers, a manifest, a publication) may run before it is given up. */
export const QUERY_TIMEOUT_MS = 30_000;
/** How long after a failed read a provider's manifest is asked for again. */
export const MANIFEST_RETRY_MS = 60_000;
/** Every pause is scaled by a factor drawn in 1 ± JITTER. */
const JITTER = 0.2;
/** Searches a pair must be seen unconnected in before the node whose ID sorts later dials. */
export const PATIENCE = 2;
/** How often the manifest is republished (well within its maximum age), and the provider record. */
const REPUBLISH_MS = 5 * 60 * 1000;

/**
 * The provider key of a network: every VNS node on it provides this CID.
 * @param {string} networkId hex
 */
export async function networkKey(networkId) {
  const digest = await sha256.digest(new TextEncoder().encode(`/vns/manifest/${networkId}`));
  return CID.createV1(raw.code, digest);
}

/**
 * The pause before the next search: short while the last one dialled someone or a pair
 * waits for its `PATIENCE`, doubling from twice the short pause up to `SEARCH_MS.long` while
 * searches find nobody new, `SEARCH_MS.long` once the node has the peers it wants. Returns
 * the pause before jitter and the back-off to carry into the next call.
 * @param {{ dials: number, waiting: boolean, enough: boolean, idleMs: number }} last
 * @returns {{ ms: number, idleMs: number }}
 */
export function nextSearch({ dials, waiting, enough, idleMs }) {
  const backOff = dials > 0 || waiting ? 0 : Math.min(Math.max(idleMs * 2, SEARCH_MS.short * 2), SEARCH_MS.long);
  return { ms: enough ? SEARCH_MS.long : backOff || SEARCH_MS.short, idleMs: backOff };
}

/** `ms` scaled by a random factor in 1 ± JITTER. @param {number} ms @param {() => number} random */
export function jittered(ms, random = Math.random) {
  return Math.round(ms * (1 - JITTER + 2 * JITTER * random()));
}

/**
 * Runs discovery until `stop()`.
 * @param {import('libp2p').Libp2p<{ dht: import('@libp2p/kad-dht').KadDHT }>} libp2p
 * @param {import('../core.js').Vns} vns
 * @param {{ privateKey: import('@libp2p/interface').PrivateKey, bootstrap: string[], wantedPeers: number, now?: () => number, random?: () => number }} options
 */
export function startDiscovery(libp2p, vns, { privateKey, bootstrap, wantedPeers, now = Date.now, random = Math.random }) {
  const bootstrapAddrs = bootstrap.map((a) => multiaddr(a));
  const dht = libp2p.services.dht;
  const network = vns.networkId;
  const self = libp2p.peerId.toString();
  /** Manifests read from other nodes, by peer ID. @type {Map<string, import('./manifest.js').Manifest>} */
  const manifests = new Map();
  /** Providers seen, by peer ID. @type {Set<string>} */
  const providers = new Set();
  /** When a provider's manifest was last asked for and not found, by peer ID. @type {Map<string, number>} */
  const manifestMissedAt = new Map();
  let searches = 0;
  /** @type {string | null} */
  let lastError = null;
  let published = 0;
  let stopped = false;
  const controller = new AbortController();
  /** Aborted by `stop()`, or after `QUERY_TIMEOUT_MS`: a signal for one DHT query. */
  const querySignal = () => AbortSignal.any([controller.signal, AbortSignal.timeout(QUERY_TIMEOUT_MS)]);
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let searchTimer;
  /** A search is running (its end schedules the next). */
  let searching = false;
  /** The pause after the last search that dialled nobody (0: the last one dialled). */
  let idleMs = 0;
  /** Unconnected providers by peer ID: in how many searches in a row each was seen so. @type {Map<string, number>} */
  const unconnected = new Map();
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let publishTimer;

  /** @param {unknown} e */
  const note = (e) => {
    if (!stopped) lastError = e instanceof Error ? e.message : String(e);
  };
  const drain = async (/** @type {AsyncIterable<unknown>} */ events) => {
    for await (const _ of events) if (stopped) break;
  };

  const publish = async () => {
    if (stopped || libp2p.getConnections().length === 0) return false;
    const key = await networkKey(network);
    const addrs = libp2p.getMultiaddrs().map(String);
    const record = await signManifest(privateKey, { network, addrs, root: vns.merkleRoot(), entries: vns.size, time: now() });
    await drain(dht.provide(key, { signal: querySignal() }));
    await drain(dht.put(record.key, record.value, { signal: querySignal() }));
    published += 1;
    return true;
  };
  const schedulePublish = (/** @type {number} */ ms) => {
    publishTimer = setTimeout(async () => {
      const done = await publish().catch((e) => (note(e), false));
      if (!stopped) schedulePublish(jittered(done ? REPUBLISH_MS : SEARCH_MS.short, random));
    }, ms);
  };

  /** One search; how many dials it made. */
  const search = async () => {
    searches += 1;
    let dials = 0;
    // Dials are bounded by the connection manager's dial timeout, DHT queries by QUERY_TIMEOUT_MS.
    const signal = controller.signal;
    for (const addr of bootstrapAddrs) {
      if (stopped || libp2p.getConnections().length >= wantedPeers) break;
      const peer = addr.getComponents().find((c) => c.name === 'p2p')?.value;
      if (peer && libp2p.getConnections().some((c) => c.remotePeer.toString() === peer)) continue;
      dials += 1;
      await libp2p.dial(addr, { signal }).catch(note);
    }
    const key = await networkKey(network);
    /** Providers seen unconnected in this search. @type {Set<string>} */
    const seen = new Set();
    /** Those this node dials, after the query. @type {import('@libp2p/interface').PeerId[]} */
    const toDial = [];
    for await (const event of dht.findProviders(key, { signal: querySignal() })) {
      if (stopped) return dials;
      if (event.name !== 'PROVIDER') continue;
      for (const provider of event.providers) {
        const id = provider.id.toString();
        if (id === self || seen.has(id)) continue;
        providers.add(id);
        if (libp2p.getConnections(provider.id).length > 0) continue;
        seen.add(id);
        const apart = (unconnected.get(id) ?? 0) + 1;
        unconnected.set(id, apart);
        // Of two nodes that find each other, the one whose ID sorts first dials, so a pair
        // rarely dials at once (two crossing connections confuse gossipsub's peer state);
        // the other waits, and dials only if the pair is still apart after PATIENCE searches.
        if (id < self && apart <= PATIENCE) continue;
        toDial.push(provider.id);
      }
    }
    for (const peer of toDial) {
      if (stopped || libp2p.getConnections().length >= wantedPeers) break;
      if (libp2p.getConnections(peer).length > 0) continue;
      dials += 1;
      await libp2p.dial(peer, { signal }).catch(note);
    }
    for (const id of unconnected.keys()) if (!seen.has(id)) unconnected.delete(id);
    for (const id of providers) {
      if (stopped || manifests.has(id) || now() - (manifestMissedAt.get(id) ?? -Infinity) < MANIFEST_RETRY_MS) continue;
      const found = await readManifest(id).catch((e) => (note(e), false));
      if (found) manifestMissedAt.delete(id);
      else manifestMissedAt.set(id, now());
    }
    return dials;
  };
  /** Reads `id`'s manifest from the DHT; whether one was found. @param {string} id */
  const readManifest = async (id) => {
    const key = manifestKey(network, id);
    for await (const event of dht.get(key, { signal: querySignal() })) {
      if (event.name !== 'VALUE') continue;
      manifests.set(id, await validateManifest(key, event.value, now()));
      return true;
    }
    return false;
  };
  const scheduleSearch = (/** @type {number} */ ms) => {
    searchTimer = setTimeout(async () => {
      searching = true;
      const dials = await search().catch((e) => (note(e), 0));
      searching = false;
      if (stopped) return;
      const enough = libp2p.getConnections().length >= wantedPeers;
      // Waiting for a peer's patience to run out is progress too: those searches stay short.
      const waiting = [...unconnected.values()].some((n) => n <= PATIENCE);
      const next = nextSearch({ dials, waiting, enough, idleMs });
      idleMs = next.idleMs;
      scheduleSearch(jittered(next.ms, random));
    }, ms);
  };
  // A lost connection may leave the node short of peers: search again soon.
  const onDisconnect = () => {
    if (stopped || searching || libp2p.getConnections().length >= wantedPeers) return;
    idleMs = 0;
    clearTimeout(searchTimer);
    scheduleSearch(jittered(SEARCH_MS.short, random));
  };
  libp2p.addEventListener('peer:disconnect', onDisconnect);
  schedulePublish(500);
  scheduleSearch(100);

  return {
    status() {
      return { providers: providers.size, manifests: manifests.size, published, searches, lastError };
    },
    /** Manifests read from other nodes, newest first. */
    manifests() {
      return [...manifests.values()].sort((a, b) => b.time - a.time);
    },
    stop() {
      stopped = true;
      libp2p.removeEventListener('peer:disconnect', onDisconnect);
      controller.abort();
      clearTimeout(searchTimer);
      clearTimeout(publishTimer);
    },
  };
}
