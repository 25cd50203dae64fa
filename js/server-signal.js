// @ts-check
/**
 * WebRTC signalling in `vns serve`: clients on `/vns` that completed the sync handshake (so
 * are on this node's network) may announce themselves reachable, ask for other reachable
 * clients, and have offers, answers and ICE candidates relayed to them, in text frames on the
 * same WebSocket (docs/protocol.md, "WebRTC signalling"). A client is known by a random id the
 * node gives it for the session, never by its key. A client that sends a malformed or
 * oversized frame, or more frames or offers than the rate bounds allow, is closed; the others
 * keep signalling.
 *
 * ```js
 * const hub = signalHub({ onClosed: (code) => counts.signalClosed.inc(code) });
 * attachWebSocket(vns, socket, hub.session((code, reason) => socket.close(4000, `${code}: ${reason}`)));
 * ```
 * @module
 */
import { decodeSignal, encodeSignal, newSessionId, signalKind, MAX_PEER_IDS, SignalError, TokenBucket, DEFAULT_SIGNAL_LIMITS } from './webrtc-signal.js';

/** @typedef {import('./webrtc-signal.js').SignalLimits} SignalLimits */
/** @typedef {import('./webrtc-signal.js').TextSide} TextSide */

export { DEFAULT_SIGNAL_LIMITS };

/**
 * What the hub tells its owner: a client closed for a signalling fault (by code), and each
 * signal relayed (by kind).
 * @typedef {{
 *   onClosed?: (code: string) => void,
 *   onRelayed?: (kind: 'offer' | 'answer' | 'candidate' | 'busy') => void,
 *   limits?: Partial<SignalLimits>,
 *   now?: () => number,
 * }} HubOptions
 */

/**
 * The signalling hub of one node.
 * @param {HubOptions} [options]
 */
export function signalHub(options = {}) {
  const limits = { ...DEFAULT_SIGNAL_LIMITS, ...options.limits };
  const now = options.now ?? Date.now;
  /** Reachable clients by session id. @type {Map<string, (text: string) => void>} */
  const reachable = new Map();

  /**
   * A text side for one link; `close` ends the link with a code and a reason.
   * @param {(code: string, reason: string) => void} close
   * @returns {TextSide}
   */
  const session = (close) => {
    /** @type {((text: string) => void) | undefined} */
    let send;
    /** @type {string | undefined} */
    let id;
    let ended = false;
    const frames = new TokenBucket(limits.frameBurst, limits.framesPerSecond, now);
    const offers = new TokenBucket(limits.offerBurst, limits.offersPerSecond, now);
    const leave = () => {
      if (id !== undefined) reachable.delete(id);
      id = undefined;
    };
    /** @param {string} code @param {string} reason */
    const fault = (code, reason) => {
      if (ended) return;
      ended = true;
      leave();
      options.onClosed?.(code);
      close(code, reason);
    };
    /** @param {string} raw */
    const handle = (raw) => {
      if (!frames.take()) throw new SignalError('signal.rate_limited', `more than ${limits.framesPerSecond} signalling frames a second`);
      const frame = decodeSignal(raw, 'up');
      const reply = /** @type {(text: string) => void} */ (send);
      if (frame.type === 'announce') {
        id ??= newSessionId();
        reachable.set(id, reply);
        reply(encodeSignal({ type: 'welcome', id }));
        return;
      }
      if (frame.type === 'leave') return leave();
      if (id === undefined) throw new SignalError('signal.malformed', `"${frame.type}" before "announce"`);
      if (frame.type === 'peers') {
        const self = id;
        const others = [...reachable.keys()].filter((other) => other !== self);
        // A random sample, so that every client is offered to some callers.
        for (let i = others.length - 1; i > 0; i -= 1) {
          const j = Math.floor(Math.random() * (i + 1));
          [others[i], others[j]] = [others[j], others[i]];
        }
        reply(encodeSignal({ type: 'peers', ids: others.slice(0, MAX_PEER_IDS) }));
        return;
      }
      const kind = signalKind(frame.data);
      if (kind === 'offer' && !offers.take()) throw new SignalError('signal.rate_limited', `more than ${limits.offersPerSecond} offers a second`);
      const target = frame.to === id ? undefined : reachable.get(frame.to);
      if (!target) return reply(encodeSignal({ type: 'gone', id: frame.to }));
      target(encodeSignal({ type: 'signal', from: id, data: frame.data }));
      options.onRelayed?.(kind);
    };
    return {
      open(sender) {
        send = sender;
      },
      message(raw) {
        if (ended || !send) return;
        try {
          handle(raw);
        } catch (e) {
          if (!(e instanceof SignalError)) throw e;
          fault(e.code, e.message);
        }
      },
      close() {
        ended = true;
        leave();
      },
    };
  };

  return {
    session,
    /** Clients that announced themselves reachable. */
    get reachable() {
      return reachable.size;
    },
  };
}
