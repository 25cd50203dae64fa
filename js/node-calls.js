// @ts-check
/**
 * How a `Vns` calls its wasm node, and what follows each call once it has returned: the
 * frames it made are sent, the versions it accepted are handed to the topic (once one is
 * enabled), its events are fired as `Vns` events, and a `queue` event tells when the delta
 * queue's status moved. Nothing of this runs inside wasm, so a listener may call the node.
 *
 * ```js
 * const calls = new NodeCalls({ node: () => node, peers, now: Date.now, changed, eventsLost, emit });
 * calls.exchange(() => node.tick(Date.now()));          // frames out, then events
 * const committed = calls.change(() => node.submit(bytes, Date.now()));
 * ```
 * @module
 */

/** @typedef {import('../pkg/web/vns.js').VnsNode} VnsNode */
/** @typedef {import('../pkg/web/vns.js').VnsEvent} VnsEvent */
/** @typedef {import('../pkg/web/vns.js').Outbound} Outbound */
/** @typedef {import('../pkg/web/vns.js').Committed} Committed */
/** @typedef {import('../pkg/web/vns.js').QueueStatus} QueueStatus */
/** @typedef {import('./peer-links.js').PeerLinks} PeerLinks */
/** @typedef {import('./vns-events.js').EmitVnsEvent} EmitVnsEvent */

/**
 * What the calls need from their `Vns`: the node (a follower tab may replace it), the links
 * to send on, the clock, and what to do with the node's events: `changed` for a name that
 * changed, `eventsLost` when some change events were dropped (no cached answer can be
 * trusted then), and `emit` to fire the `Vns` event.
 * @typedef {{
 *   node(): VnsNode,
 *   peers: PeerLinks,
 *   now(): number,
 *   changed(name: string): void,
 *   eventsLost(): void,
 *   emit: EmitVnsEvent,
 * }} NodeCallsHost
 */

/** Calls into a wasm node, each followed by its frames, publications and events. */
export class NodeCalls {
  /** @type {NodeCallsHost} */ #host;
  /** The queue status last announced with a `queue` event. @type {QueueStatus} */ #queue;
  /** Where accepted versions are published once a topic is enabled. @type {((entry: Uint8Array) => void) | undefined} */
  #publish;

  /** @param {NodeCallsHost} host */
  constructor(host) {
    this.#host = host;
    this.#queue = host.node().queueStatus();
  }

  /**
   * Runs a wasm call, performs the frames `framesOf` finds in its value, then fires its
   * events (so listeners never run inside wasm), and returns the call's value.
   * @template T
   * @param {() => T} call
   * @param {(value: T) => Outbound[]} framesOf
   * @returns {T}
   */
  run(call, framesOf) {
    const host = this.#host;
    let value;
    try {
      value = call();
    } finally {
      this.#flush();
    }
    host.peers.perform(framesOf(value), (frame) => host.node().sendFailed(frame.peer, frame.bytes, host.now()));
    if (this.#publish) for (const entry of host.node().takePublications()) this.#publish(entry);
    this.#flush();
    this.announceQueue();
    return value;
  }

  /** `run` for a peer call, whose value is the frames. @param {() => Outbound[]} call */
  exchange(call) {
    this.run(call, (out) => out);
  }

  /** `run` for a local change: what it did. @param {() => Committed} call @returns {Committed} */
  change(call) {
    return this.run(call, (committed) => committed.out);
  }

  /**
   * Turns the node's topic on: from now on every version it accepts is handed to `publish`
   * after the call that accepted it.
   * @param {(entry: Uint8Array) => void} publish
   */
  enableTopic(publish) {
    this.#host.node().enableTopic();
    this.#publish = publish;
  }

  /** Fires `queue` when the queue's status moved (it drains, fills or replays without other events). */
  announceQueue() {
    const now = this.#host.node().queueStatus();
    const last = this.#queue;
    if (now.size === last.size && now.dropped === last.dropped && now.replayed === last.replayed && now.capacity === last.capacity) return;
    this.#queue = now;
    this.#host.emit('queue', now);
  }

  #flush() {
    const host = this.#host;
    for (const event of host.node().takeEvents()) {
      switch (event.type) {
        case 'change':
          host.changed(event.name);
          host.emit('change', event);
          break;
        case 'peer-connected':
        case 'peer-disconnected':
          host.emit('peer', event);
          break;
        case 'events-dropped':
          host.eventsLost();
          break;
        case 'queue-overflow':
        case 'catchup-started':
        case 'catchup-completed':
        case 'catchup-aborted':
        case 'clock':
          // Fired as they come, under their own type.
          host.emit(event.type, event);
          break;
        default:
          host.emit('error', event);
      }
    }
  }
}
