// @ts-check
/**
 * The peer connections of a `Vns` node: each transport gets a link number (the core's
 * `LinkId`, which names a connection, not a peer's identity), and the frames and closes the
 * core returns are carried out on them.
 *
 * ```js
 * const links = new PeerLinks();
 * const link = links.add({ send: (b) => ws.send(b), close: () => ws.close() });
 * links.perform(node.connect(link, Date.now()), (action) => node.sendFailed(action.peer, action.bytes, Date.now()));
 * ```
 * @module
 */

/** @typedef {import('../pkg/web/vns.js').Outbound} Outbound */

/**
 * A peer connection as the shim sees it: a byte pipe. `send` may throw if the connection
 * cannot take the frame (the frame's deltas are then queued again).
 * @typedef {{
 *   send(bytes: Uint8Array): void,
 *   close(code: string, reason: string): void,
 * }} PeerTransport
 */

/** A frame the transport could not take. @typedef {Extract<Outbound, { bytes: Uint8Array }>} UnsentFrame */

/** Transports by link number. */
export class PeerLinks {
  /** @type {Map<number, PeerTransport>} */ #transports = new Map();
  #next = 1;

  /** Adds `transport` under a fresh link number. @param {PeerTransport} transport @returns {number} */
  add(transport) {
    const link = this.#next++;
    this.#transports.set(link, transport);
    return link;
  }

  /** @param {number} link @returns {boolean} */
  has(link) {
    return this.#transports.has(link);
  }

  /** Forgets `link`; whether it was known. @param {number} link @returns {boolean} */
  delete(link) {
    return this.#transports.delete(link);
  }

  /**
   * Sends each frame on its link and closes the links the core closed; a frame the transport
   * refuses goes to `unsent` (the core queues its deltas again).
   * @param {Outbound[]} actions
   * @param {(frame: UnsentFrame) => void} unsent
   */
  perform(actions, unsent) {
    for (const action of actions) {
      const transport = this.#transports.get(action.peer);
      if (!transport) continue;
      if ('bytes' in action) {
        try {
          transport.send(action.bytes);
        } catch {
          unsent(action);
        }
      } else {
        this.#transports.delete(action.peer);
        try {
          transport.close(action.close.code, action.close.reason);
        } catch {
          // Already closed.
        }
      }
    }
  }

  /** Closes and forgets every link. @param {string} code @param {string} reason */
  closeAll(code, reason) {
    for (const [link, transport] of this.#transports) {
      this.#transports.delete(link);
      try {
        transport.close(code, reason);
      } catch {
        // The connection is going away anyway.
      }
    }
  }
}
