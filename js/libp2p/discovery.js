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
 * every 2 s while they find someone to dial, slow down (doubling up to 30 s) while they find
 * nobody new (a network smaller than the count wanted), and start again at once when a
 * connection closes. The connection manager bounds the total.
 *
 * ```js
 * const discovery = startDiscovery(libp2p, vns, { privateKey, bootstrap: [], wantedPeers: 8 });
 * discovery.status();  // { providers: 4, manifests: 4, lastError: null }
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
const SEARCH_MS = { short: 2_000, long: 30_000 };
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
 * Runs discovery until `stop()`.
 * @param {import('libp2p').Libp2p<{ dht: import('@libp2p/kad-dht').KadDHT }>} libp2p
 * @param {import('../core.js').Vns} vns
 * @param {{ privateKey: import('@libp2p/interface').PrivateKey, bootstrap: string[], wantedPeers: number, now?: () => number }} options
 */
export function startDiscovery(libp2p, vns, { privateKey, bootstrap, wantedPeers, now = Date.now }) {
  const bootstrapAddrs = bootstrap.map((a) => multiaddr(a));
  const dht = libp2p.services.dht;
  const network = vns.networkId;
  const self = libp2p.peerId.toString();
  /** Manifests read from other nodes, by peer ID. @type {Map<string, import('./manifest.js').Manifest>} */
  const manifests = new Map();
  /** Providers seen, by peer ID. @type {Set<string>} */
  const providers = new Set();
  /** @type {string | null} */
  let lastError = null;
  let published = 0;
  let stopped = false;
  const controller = new AbortController();
  const signal = controller.signal;
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
    await drain(dht.provide(key, { signal }));
    await drain(dht.put(record.key, record.value, { signal }));
    published += 1;
    return true;
  };
  const schedulePublish = (/** @type {number} */ ms) => {
    publishTimer = setTimeout(async () => {
      const done = await publish().catch((e) => (note(e), false));
      if (!stopped) schedulePublish(done ? REPUBLISH_MS : SEARCH_MS.short);
    }, ms);
  };

  /** One search; how many dials it made. */
  const search = async () => {
    let dials = 0;
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
    for await (const event of dht.findProviders(key, { signal })) {
      if (stopped) return dials;
      if (event.name !== 'PROVIDER') continue;
      for (const provider of event.providers) {
        const id = provider.id.toString();
        if (id === self || seen.has(id)) continue;
        providers.add(id);
        if (libp2p.getConnections(provider.id).length > 0) continue;
        seen.add(id);
        const searches = (unconnected.get(id) ?? 0) + 1;
        unconnected.set(id, searches);
        if (libp2p.getConnections().length >= wantedPeers) continue;
        // Of two nodes that find each other, the one whose ID sorts first dials, so a pair
        // rarely dials at once (two crossing connections confuse gossipsub's peer state);
        // the other waits, and dials only if the pair is still apart after PATIENCE searches.
        if (id < self && searches <= PATIENCE) continue;
        dials += 1;
        await libp2p.dial(provider.id, { signal }).catch(note);
      }
    }
    for (const id of unconnected.keys()) if (!seen.has(id)) unconnected.delete(id);
    for (const id of providers) {
      if (stopped || manifests.has(id)) continue;
      await readManifest(id).catch(note);
    }
    return dials;
  };
  const readManifest = async (/** @type {string} */ id) => {
    const key = manifestKey(network, id);
    for await (const event of dht.get(key, { signal })) {
      if (event.name !== 'VALUE') continue;
      manifests.set(id, await validateManifest(key, event.value, now()));
      return;
    }
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
      idleMs = dials > 0 || waiting ? 0 : Math.min(Math.max(idleMs * 2, SEARCH_MS.short * 2), SEARCH_MS.long);
      scheduleSearch(enough ? SEARCH_MS.long : idleMs || SEARCH_MS.short);
    }, ms);
  };
  // A lost connection may leave the node short of peers: search again soon.
  const onDisconnect = () => {
    if (stopped || searching || libp2p.getConnections().length >= wantedPeers) return;
    idleMs = 0;
    clearTimeout(searchTimer);
    scheduleSearch(SEARCH_MS.short);
  };
  libp2p.addEventListener('peer:disconnect', onDisconnect);
  schedulePublish(500);
  scheduleSearch(100);

  return {
    status() {
      return { providers: providers.size, manifests: manifests.size, published, lastError };
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
