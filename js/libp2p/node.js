// @ts-check
/**
 * A VNS node on libp2p: TCP and WebSocket transports, noise, yamux, identify, ping,
 * gossipsub for live deltas (`topic.js`), `/vns/sync/1` catch-up links (`sync-stream.js`) and
 * the Kademlia DHT for discovery (`discovery.js`, `manifest.js`), with a persistent node key
 * (`node-key.js`). The same `Vns` may serve WebSocket peers and browsers at once: entries
 * from them are published on the topic, entries from the topic go on to them.
 *
 * ```js
 * const vns = await open({ storage: 'memory', network: 'testing' });
 * const p2p = await startLibp2p(vns, { data: null, listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: [] });
 * console.log(p2p.peerId, p2p.addresses());
 * await p2p.close();
 * ```
 * @module
 */
import './polyfill.js';
import { createLibp2p } from 'libp2p';
import { tcp } from '@libp2p/tcp';
import { webSockets } from '@libp2p/websockets';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@libp2p/yamux';
import { identify } from '@libp2p/identify';
import { ping } from '@libp2p/ping';
import { gossipsub } from '@libp2p/gossipsub';
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht';
import { loadNodeKey } from './node-key.js';
import { deltaTopic, contentId, scoreParams, topicName } from './topic.js';
import { syncStreams } from './sync-stream.js';
import { startDiscovery } from './discovery.js';
import { manifestRecords } from './manifest.js';
import { libp2pSettings } from './options.js';

/** The DHT protocol of VNS networks: a DHT of VNS nodes only, not the public IPFS one. */
export const DHT_PROTOCOL = '/vns/kad/1.0.0';

/**
 * Options of `startLibp2p`: the data folder holding the node key (`null`: a new key each
 * start), the options of `vns serve --libp2p-*` (`options.js`: listen and bootstrap
 * multiaddrs, peers wanted, connection limits and the allow list), the clock, and where
 * debug lines go (each topic verdict and publication, with the entry's name).
 * @typedef {import('./options.js').Libp2pFlagOptions & {
 *   data: string | null,
 *   now?: () => number,
 *   log?: import('../server-log.js').Log,
 * }} Libp2pOptions
 */

/**
 * What `status` reports of the libp2p side.
 * @typedef {{
 *   peerId: string,
 *   addresses: string[],
 *   options: ReturnType<typeof libp2pSettings>,
 *   peers: number,
 *   links: number,
 *   topic: string,
 *   mesh: number,
 *   meshPeerIds: string[],
 *   subscribers: number,
 *   subscriberIds: string[],
 *   scores: Record<string, number>,
 *   routingTable: number,
 *   validation: { accept: number, reject: number, ignore: number, rejected: Record<string, number> },
 *   published: { sent: number, failed: number },
 *   discovery: { providers: number, manifests: number, published: number, searches: number, lastError: string | null },
 *   connections: { opened: number, closed: number },
 * }} Libp2pStatus
 */

/**
 * Starts the libp2p side of `vns`.
 * @param {import('../core.js').Vns} vns
 * @param {Libp2pOptions} options
 */
export async function startLibp2p(vns, options) {
  const privateKey = await loadNodeKey(options.data);
  const topic = topicName(vns.networkId);
  const now = options.now ?? Date.now;
  const log = options.log;
  const settings = libp2pSettings(options);
  const libp2p = await createLibp2p({
    privateKey,
    addresses: { listen: settings.listen },
    transports: [tcp(), webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: {
      maxConnections: settings.maxConnections,
      // Several nodes behind one address (a NAT, a test machine) share these limits; the
      // allow list exempts the operator's own ranges.
      inboundConnectionThreshold: settings.inboundPerSecond,
      maxIncomingPendingConnections: settings.pendingUpgrades,
      allow: settings.allow,
      ...PATIENT_TIMEOUTS,
    },
    services: {
      identify: identify(),
      ping: ping(),
      pubsub: gossipsub({
        globalSignaturePolicy: 'StrictNoSign',
        msgIdFn: contentId,
        allowPublishToZeroTopicPeers: true,
        ignoreDuplicatePublishError: true,
        scoreParams: scoreParams(topic),
      }),
      dht: kadDHT({
        protocol: DHT_PROTOCOL,
        clientMode: false,
        peerInfoMapper: passthroughMapper,
        allowQueryWithZeroPeers: true,
        ...manifestRecords(now),
      }),
    },
  });
  const pubsub = /** @type {import('./topic.js').Pubsub} */ (/** @type {unknown} */ (libp2p.services.pubsub));
  const deltas = deltaTopic(pubsub, vns, {
    onVerdict: log && ((verdict, from, name, code, id) => log('debug', 'topic', `topic ${verdict} ${name ?? 'an undecodable entry'} from ${from}${code ? ` (${code})` : ''}`, { verdict, name, from, code, id })),
    onPublished: log && ((id, recipients) => log('debug', 'topic', `topic published message ${id.slice(0, 12)} to ${recipients} peers`, { verdict: 'published', id, recipients })),
  });
  /** Open catch-up links by remote peer ID. @type {Map<string, number>} */
  const links = new Map();
  const streams = await syncStreams(libp2p, vns, {
    onLink(peer, closed) {
      links.set(peer, (links.get(peer) ?? 0) + 1);
      closed.then(() => {
        const left = (links.get(peer) ?? 1) - 1;
        if (left > 0) links.set(peer, left);
        else links.delete(peer);
      });
    },
  });
  /** @param {import('@libp2p/interface').Connection} connection */
  const dialled = (connection) => {
    // One link per pair: the side that dialled opens it, once identify says the peer is VNS.
    if (connection.direction === 'outbound') setTimeout(() => streams.open(connection), 50);
  };
  /** Connections opened and closed since the start: churn shows as both growing while idle. */
  const connections = { opened: 0, closed: 0 };
  libp2p.addEventListener('connection:open', (e) => {
    connections.opened += 1;
    dialled(e.detail);
  });
  libp2p.addEventListener('connection:close', () => (connections.closed += 1));
  for (const connection of libp2p.getConnections()) dialled(connection);
  const discovery = startDiscovery(/** @type {never} */ (libp2p), vns, {
    privateKey,
    bootstrap: settings.bootstrap,
    wantedPeers: settings.wantedPeers,
    now,
  });
  const unregister = vns.onClose(() => void close());
  const watchdog = setInterval(() => repairTopicLinks(libp2p, links, new Set(deltas.subscribers()), now()), REPAIR_INTERVAL_MS);

  /** @type {Promise<void> | undefined} */
  let closing;
  const close = () =>
    (closing ??= (async () => {
      unregister();
      clearInterval(watchdog);
      discovery.stop();
      deltas.close();
      await libp2p.stop();
    })());

  /** @returns {Libp2pStatus} */
  const status = () => {
    const dht = /** @type {{ routingTable?: { size: number } }} */ (/** @type {unknown} */ (libp2p.services.dht));
    const meshPeerIds = deltas.meshPeers();
    const subscriberIds = deltas.subscribers();
    return {
      peerId: libp2p.peerId.toString(),
      addresses: libp2p.getMultiaddrs().map(String),
      options: settings,
      peers: libp2p.getPeers().length,
      links: [...links.values()].reduce((a, b) => a + b, 0),
      topic,
      mesh: meshPeerIds.length,
      meshPeerIds,
      subscribers: subscriberIds.length,
      subscriberIds,
      scores: Object.fromEntries(subscriberIds.map((peer) => [peer, pubsub.getScore(peer)])),
      routingTable: dht.routingTable?.size ?? 0,
      validation: { ...deltas.verdicts, rejected: Object.fromEntries(deltas.rejected) },
      published: deltas.published,
      discovery: discovery.status(),
      connections: { ...connections },
    };
  };

  /** The `/metrics` families of the libp2p side. @returns {import('../metrics.js').Metric[]} */
  const metrics = () => {
    const s = status();
    /** @type {(name: string, help: string, value: number) => import('../metrics.js').Metric} */
    const gauge = (name, help, value) => ({ name, help, type: 'gauge', samples: [[{}, value]] });
    return [
      gauge('vns_libp2p_peers', 'libp2p peers connected.', s.peers),
      gauge('vns_libp2p_sync_links', 'Open /vns/sync/1 catch-up links.', s.links),
      gauge('vns_libp2p_mesh_peers', 'Peers in this node\'s gossipsub mesh for the delta topic.', s.mesh),
      gauge('vns_libp2p_routing_table_peers', 'Peers in the DHT routing table.', s.routingTable),
      {
        name: 'vns_libp2p_validations_total',
        help: 'Delta topic messages by the core\'s verdict (accept, reject, ignore).',
        type: 'counter',
        samples: [[{ verdict: 'accept' }, s.validation.accept], [{ verdict: 'reject' }, s.validation.reject], [{ verdict: 'ignore' }, s.validation.ignore]],
      },
      { name: 'vns_libp2p_published_total', help: 'Entries published on the delta topic.', type: 'counter', samples: [[{}, s.published.sent]] },
      {
        name: 'vns_libp2p_connections_total',
        help: 'libp2p connections opened and closed since the start.',
        type: 'counter',
        samples: [[{ event: 'open' }, s.connections.opened], [{ event: 'close' }, s.connections.closed]],
      },
      { name: 'vns_libp2p_discovery_searches_total', help: 'Discovery searches (bootstrap dials and a DHT provider query each).', type: 'counter', samples: [[{}, s.discovery.searches]] },
    ];
  };

  return {
    peerId: libp2p.peerId.toString(),
    libp2p,
    /** The multiaddrs this node listens on, with its peer ID. */
    addresses: () => libp2p.getMultiaddrs().map(String),
    /** This node's gossipsub score of `peer` (a peer ID): below zero, its messages cost it. */
    score: (/** @type {string} */ peer) => pubsub.getScore(peer),
    manifests: () => discovery.manifests(),
    status,
    metrics,
    close,
  };
}

/**
 * js-libp2p's dial, upgrade and stream negotiation timeouts, lengthened: a noise handshake
 * is three messages between two event loops, and on a loaded host each may lag for seconds
 * (a node among twenty on two busy cores measured an event-loop delay of 2.9 s at the 99th
 * percentile), so js-libp2p's 6 s per address cut every handshake to such a node. Slow
 * upgrades hold no more than `--libp2p-pending-upgrades` slots.
 */
const PATIENT_TIMEOUTS = Object.freeze({
  dialTimeout: 30_000,
  addressDialTimeout: 20_000,
  inboundUpgradeTimeout: 30_000,
  inboundStreamProtocolNegotiationTimeout: 30_000,
  outboundStreamProtocolNegotiationTimeout: 30_000,
});

/** How often peers are checked for a missing topic subscription. */
const REPAIR_INTERVAL_MS = 5_000;
/**
 * How long a VNS peer may stay connected without its topic subscription reaching us: longer
 * than a stream negotiation may take, so a slow one is not cut short.
 */
const SUBSCRIPTION_GRACE_MS = 40_000;
/** Since when each linked peer has been missing from the topic's subscribers. @type {WeakMap<object, Map<string, number>>} */
const missingSince = new WeakMap();

/**
 * Hangs up on VNS peers (those with a catch-up link) whose topic subscription has not reached
 * this node for a while: a stream negotiation that timed out on a loaded machine leaves a
 * connection without its gossipsub exchange, and gossipsub never retries it. Discovery (or
 * the peer) dials again, and the new connection starts the exchange afresh.
 * @param {import('libp2p').Libp2p} libp2p @param {Map<string, number>} links
 * @param {Set<string>} subscribers @param {number} now
 */
function repairTopicLinks(libp2p, links, subscribers, now) {
  const since = missingSince.get(libp2p) ?? new Map();
  missingSince.set(libp2p, since);
  for (const peer of [...since.keys()]) if (subscribers.has(peer) || !links.has(peer)) since.delete(peer);
  for (const peer of links.keys()) {
    if (subscribers.has(peer)) continue;
    const first = since.get(peer) ?? now;
    since.set(peer, first);
    if (now - first < SUBSCRIPTION_GRACE_MS) continue;
    since.delete(peer);
    const connection = libp2p.getConnections().find((c) => c.remotePeer.toString() === peer);
    if (connection) void libp2p.hangUp(connection.remotePeer).catch(() => {});
  }
}

/** @typedef {Awaited<ReturnType<typeof startLibp2p>>} Libp2pNode */
