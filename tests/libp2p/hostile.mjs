// @ts-check
/**
 * A hostile libp2p peer for the tests: a bare js-libp2p node with gossipsub that joins a VNS
 * network's delta topic and publishes whatever it is given (forged entries), with no VNS
 * node behind it.
 *
 * ```js
 * const mallory = await hostilePeer((await node1.libp2pStatus()).topic);
 * await mallory.dial(node1.tcpAddress);
 * await mallory.publish(forgedBytes);
 * ```
 * @module
 */
import '../../js/libp2p/polyfill.js';
import { createLibp2p } from 'libp2p';
import { tcp } from '@libp2p/tcp';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@libp2p/yamux';
import { identify } from '@libp2p/identify';
import { gossipsub } from '@libp2p/gossipsub';
import { multiaddr } from '@multiformats/multiaddr';
import { contentId } from '../../js/libp2p/topic.js';

/** @param {string} topic the network's delta topic (`topicName(networkId)`) */
export async function hostilePeer(topic) {
  // It listens nowhere: it only dials, so no node dials it back (two crossing connections).
  const libp2p = await createLibp2p({
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify(),
      pubsub: gossipsub({ globalSignaturePolicy: 'StrictNoSign', msgIdFn: contentId, allowPublishToZeroTopicPeers: true }),
    },
  });
  const pubsub = libp2p.services.pubsub;
  pubsub.subscribe(topic);
  return {
    peerId: libp2p.peerId.toString(),
    /** @param {string} address */
    dial: (address) => libp2p.dial(multiaddr(address)),
    /** Closes every connection to the peer at `address`. @param {string} address */
    hangUp: (address) => libp2p.hangUp(multiaddr(address)),
    /** @param {Uint8Array} bytes */
    publish: (bytes) => pubsub.publish(topic, bytes),
    /** Peers that subscribed to the topic, as this peer sees them. */
    subscribers: () => pubsub.getSubscribers(topic).map(String),
    stop: () => libp2p.stop(),
  };
}
