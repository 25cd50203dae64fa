// @ts-check
/**
 * Live deltas on gossipsub: one topic per network id (`/vns/deltas/1/<network id>`), each
 * message one signed entry block. The topic validator hands every message to the core
 * (`Vns.receivePublished`: full validation, the entry applied if new) and passes its verdict
 * to gossipsub: accept (forwarded), reject (invalid: the sender's score drops) or ignore (old
 * news, a lost race: nobody is blamed). Entries the node accepts from anywhere else are
 * published. Messages carry no libp2p signature and are named by their content's hash: the
 * entry is signed by its owner, and one entry published by two nodes is one message.
 *
 * ```js
 * const topic = deltaTopic(libp2p.services.pubsub, vns);
 * topic.verdicts;   // { accept: 3, reject: 0, ignore: 1 }
 * ```
 * @module
 */
import { createHash } from 'node:crypto';
import { TopicValidatorResult } from '@libp2p/gossipsub';

/**
 * The gossipsub service as VNS uses it: the interface plus the router's mesh and score API.
 * @typedef {import('@libp2p/gossipsub').GossipSub & {
 *   getMeshPeers(topic: string): string[],
 *   getScore(peer: string): number,
 * }} Pubsub
 */

/** The topic of a network's live deltas. @param {string} networkId hex */
export function topicName(networkId) {
  return `/vns/deltas/1/${networkId}`;
}

/**
 * A message's id: the SHA-256 of its data, so the same entry from two publishers is one
 * message (the default id, publisher and sequence number, would carry it twice).
 * @param {{ data: Uint8Array }} message
 */
export function contentId(message) {
  return createHash('sha256').update(message.data).digest();
}

/** A message's id in hex, as logged. @param {Uint8Array} data */
export function messageIdHex(data) {
  return contentId({ data }).toString('hex');
}

/**
 * Peer score parameters for the delta topic: an invalid entry costs its sender heavily (the
 * penalty grows with the square of the count), while staying quiet or losing races costs
 * nothing (mesh delivery quotas are off: a quiet network is not a faulty one). `whitelist`
 * lists addresses exempt from the same-address penalty (loopback by default: a test machine
 * or a host running several nodes).
 * @param {string} topic
 * @param {{ whitelist?: string[] }} [options]
 */
export function scoreParams(topic, { whitelist = ['127.0.0.1', '::1'] } = {}) {
  return {
    IPColocationFactorWhitelist: new Set(whitelist),
    topics: {
      [topic]: {
        topicWeight: 1,
        timeInMeshWeight: 0.01,
        timeInMeshQuantum: 1000,
        timeInMeshCap: 100,
        firstMessageDeliveriesWeight: 0.5,
        firstMessageDeliveriesDecay: 0.9,
        firstMessageDeliveriesCap: 20,
        meshMessageDeliveriesWeight: 0,
        meshMessageDeliveriesDecay: 0.5,
        meshMessageDeliveriesCap: 100,
        meshMessageDeliveriesThreshold: 1,
        meshMessageDeliveriesWindow: 10,
        meshMessageDeliveriesActivation: 5000,
        meshFailurePenaltyWeight: 0,
        meshFailurePenaltyDecay: 0.5,
        invalidMessageDeliveriesWeight: -100,
        invalidMessageDeliveriesDecay: 0.99,
      },
    },
  };
}

/** Verdicts by name, as gossipsub takes them. */
const RESULT = {
  accept: TopicValidatorResult.Accept,
  reject: TopicValidatorResult.Reject,
  ignore: TopicValidatorResult.Ignore,
};

/**
 * Subscribes `pubsub` to `vns`'s delta topic, validates every message through the core and
 * publishes what `vns` accepts elsewhere.
 * @param {Pubsub} pubsub
 * @param {import('../core.js').Vns} vns
 * `onVerdict` hears each message's verdict (with its sender, the entry's name when it decoded,
 * the rule's code, and the message id: the hex of `contentId`), `onPublished` each
 * publication (its message id and how many peers it was sent to).
 * @param {{
 *   onVerdict?: (verdict: 'accept' | 'reject' | 'ignore', from: string, name: string | null, code: string | null, id: string) => void,
 *   onPublished?: (id: string, recipients: number) => void,
 * }} [options]
 */
export function deltaTopic(pubsub, vns, { onVerdict, onPublished } = {}) {
  const topic = topicName(vns.networkId);
  const verdicts = { accept: 0, reject: 0, ignore: 0 };
  /** Rejections by the rule's code. @type {Map<string, number>} */
  const rejected = new Map();
  let published = 0;
  let publishFailures = 0;
  pubsub.topicValidators.set(topic, (from, message) => {
    if (vns.closed) return TopicValidatorResult.Ignore;
    const { verdict, name, code } = vns.receivePublished(message.data);
    verdicts[verdict] += 1;
    if (verdict === 'reject' && code) rejected.set(code, (rejected.get(code) ?? 0) + 1);
    onVerdict?.(verdict, from.toString(), name, code, messageIdHex(message.data));
    return RESULT[verdict];
  });
  pubsub.subscribe(topic);
  vns.enableTopic((entry) => {
    // Nobody subscribed yet, or a duplicate: the links' catch-up repairs what is missed.
    pubsub.publish(topic, entry).then(
      ({ recipients }) => {
        published += 1;
        onPublished?.(messageIdHex(entry), recipients.length);
      },
      () => (publishFailures += 1),
    );
  });
  return {
    topic,
    verdicts,
    rejected,
    /** Messages published, and publications that reached no peer. */
    get published() {
      return { sent: published, failed: publishFailures };
    },
    /** Peers in this node's mesh for the topic. */
    meshPeers() {
      return pubsub.getMeshPeers(topic);
    },
    /** Peers subscribed to the topic. */
    subscribers() {
      return pubsub.getSubscribers(topic).map(String);
    },
    close() {
      pubsub.topicValidators.delete(topic);
      pubsub.unsubscribe(topic);
    },
  };
}
