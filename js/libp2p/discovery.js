// @ts-check
/**
 * Finding the network's nodes in the Kademlia DHT: every node is a provider of its network's
 * key (the CID of `/vns/manifest/<network id>`, raw codec, SHA-256) and keeps its signed
 * manifest there (`manifest.js`); every few seconds a node with fewer connections than it
 * wants dials its bootstrap addresses it is not connected to (again and again: a node may be
 * down, or refuse a burst of connections from one address), asks the DHT for providers and
 * dials those it is not connected to (of a pair, the greater peer ID dials), reading their
 * manifests (root, entry count). The
 * connection manager bounds the total.
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

/** How often to look for peers while below the wanted count, and once there. */
const SEARCH_MS = { short: 2_000, long: 30_000 };
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

  const search = async () => {
    for (const addr of bootstrapAddrs) {
      if (stopped || libp2p.getConnections().length >= wantedPeers) break;
      const peer = addr.getComponents().find((c) => c.name === 'p2p')?.value;
      if (peer && libp2p.getConnections().some((c) => c.remotePeer.toString() === peer)) continue;
      await libp2p.dial(addr, { signal }).catch(note);
    }
    const key = await networkKey(network);
    for await (const event of dht.findProviders(key, { signal })) {
      if (stopped) return;
      if (event.name !== 'PROVIDER') continue;
      for (const provider of event.providers) {
        const id = provider.id.toString();
        if (id === self) continue;
        providers.add(id);
        if (libp2p.getConnections(provider.id).length > 0) continue;
        if (libp2p.getConnections().length >= wantedPeers) continue;
        // Of two nodes that find each other, the one with the greater peer ID dials, so a
        // pair never dials at once (two crossing connections confuse gossipsub's peer state).
        if (id < self) continue;
        await libp2p.dial(provider.id, { signal }).catch(note);
      }
    }
    for (const id of providers) {
      if (stopped || manifests.has(id)) continue;
      await readManifest(id).catch(note);
    }
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
      await search().catch(note);
      const enough = libp2p.getConnections().length >= wantedPeers;
      if (!stopped) scheduleSearch(enough ? SEARCH_MS.long : SEARCH_MS.short);
    }, ms);
  };
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
      controller.abort();
      clearTimeout(searchTimer);
      clearTimeout(publishTimer);
    },
  };
}
