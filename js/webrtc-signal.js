// @ts-check
/**
 * The signalling frames WebRTC peers exchange through a `vns serve` node, on the WebSocket
 * link they already have to it (text frames beside the binary sync frames; docs/protocol.md,
 * "WebRTC signalling"). One strict decoder serves both ends: the node checks what clients
 * send before it relays anything, and clients check what the node hands them.
 *
 * ```js
 * const frame = decodeSignal('{"type":"peers"}', 'up'); // { type: 'peers' }
 * socket.send(encodeSignal({ type: 'welcome', id }));
 * ```
 * @module
 */

/** Largest signalling frame, in UTF-8 bytes; checked before parsing. */
export const MAX_SIGNAL_FRAME = 16 * 1024;
/** Largest SDP text in an offer or answer. */
export const MAX_SDP = 12 * 1024;
/** Largest ICE candidate line. */
export const MAX_CANDIDATE = 1024;
/** Largest `sdpMid`. */
export const MAX_MID = 64;
/** Most ids in one `peers` answer. */
export const MAX_PEER_IDS = 16;
/** Largest peer count an offer or answer can state. */
export const MAX_PEER_COUNT = 65535;
/** A session id: 16 random bytes in lowercase hex. */
const ID = /^[0-9a-f]{32}$/;

/**
 * What a signal carries between two clients: an offer or answer with the number of other
 * WebRTC peers its sender holds (`peers`), one ICE candidate, or `busy`: the callee is full
 * and turns the offer down.
 * @typedef {{ sdp: { type: 'offer' | 'answer', sdp: string }, peers: number }
 *   | { candidate: { candidate: string, sdpMid: string | null, sdpMLineIndex: number | null } }
 *   | { busy: true }} SignalData
 */

/**
 * A frame a client sends to the node (`up`).
 * @typedef {{ type: 'announce' } | { type: 'leave' } | { type: 'peers' }
 *   | { type: 'signal', to: string, data: SignalData }} UpFrame
 */

/**
 * A frame the node sends to a client (`down`).
 * @typedef {{ type: 'welcome', id: string } | { type: 'peers', ids: string[] }
 *   | { type: 'signal', from: string, data: SignalData } | { type: 'gone', id: string }} DownFrame
 */

/**
 * The text side of one WebSocket link, as `attachWebSocket` drives it: `open` once the sync
 * handshake completed (with the function that sends a text frame), `message` for each text
 * frame after that, `close` when the link ends.
 * @typedef {{ open(send: (text: string) => void): void, message(text: string): void, close(): void }} TextSide
 */

/**
 * Rate bounds per client: a token bucket for all frames and one for offers.
 * @typedef {{ frameBurst: number, framesPerSecond: number, offerBurst: number, offersPerSecond: number }} SignalLimits
 */

/**
 * The node's default bounds (docs/protocol.md, "WebRTC signalling"). A client with 6 peers and
 * a few candidates each stays far below them, and a client paces its own offers by them.
 */
export const DEFAULT_SIGNAL_LIMITS = Object.freeze({ frameBurst: 60, framesPerSecond: 20, offerBurst: 12, offersPerSecond: 0.5 });

/**
 * A token bucket: `burst` tokens, refilled at `perSecond`.
 *
 * ```js
 * const offers = new TokenBucket(12, 0.5, Date.now);
 * if (offers.take()) sendOffer();
 * ```
 */
export class TokenBucket {
  #tokens;
  #at;
  /** @param {number} burst @param {number} perSecond @param {() => number} now */
  constructor(burst, perSecond, now) {
    this.burst = burst;
    this.perSecond = perSecond;
    this.now = now;
    this.#tokens = burst;
    this.#at = now();
  }

  /** Takes a token; whether there was one. */
  take() {
    const t = this.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((t - this.#at) / 1000) * this.perSecond);
    this.#at = t;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/**
 * What a signal is, as the node counts relayed signals.
 * @param {SignalData} data
 * @returns {'offer' | 'answer' | 'candidate' | 'busy'}
 */
export function signalKind(data) {
  if ('sdp' in data) return data.sdp.type;
  return 'busy' in data ? 'busy' : 'candidate';
}

/** A signalling frame that breaks the format; `code` is stable. */
export class SignalError extends Error {
  /** @param {'signal.malformed' | 'signal.too_large' | 'signal.rate_limited'} code @param {string} message */
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** @param {string} message */
const malformed = (message) => new SignalError('signal.malformed', message);

/**
 * `value` as a plain object with exactly `keys` (no more, no fewer), or a thrown error.
 * @param {unknown} value @param {string[]} keys @param {string} what
 * @returns {Record<string, unknown>}
 */
function exactly(value, keys, what) {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed(`${what} is not an object`);
  const record = /** @type {Record<string, unknown>} */ (value);
  const have = Object.keys(record);
  const extra = have.find((k) => !keys.includes(k));
  if (extra !== undefined) throw malformed(`${what} has an unknown field "${extra.slice(0, 32)}"`);
  const missing = keys.find((k) => !(k in record));
  if (missing !== undefined) throw malformed(`${what} lacks "${missing}"`);
  return record;
}

/** @param {unknown} value @param {number} max @param {string} what @returns {string} */
function text(value, max, what) {
  if (typeof value !== 'string') throw malformed(`${what} is not a string`);
  if (value.length > max) throw malformed(`${what} is longer than ${max} characters`);
  return value;
}

/** @param {unknown} value @param {number} max @param {string} what @returns {number} */
function uint(value, max, what) {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) throw malformed(`${what} is not an integer from 0 to ${max}`);
  return value;
}

/** @param {unknown} value @param {string} what @returns {string} */
function sessionId(value, what) {
  if (typeof value !== 'string' || !ID.test(value)) throw malformed(`${what} is not a session id (32 lowercase hex digits)`);
  return value;
}

/** @param {unknown} value @returns {SignalData} */
function signalData(value) {
  const has = (/** @type {string} */ key) => typeof value === 'object' && value !== null && key in value;
  if (has('busy')) {
    if (exactly(value, ['busy'], 'signal data').busy !== true) throw malformed('busy is not true');
    return { busy: true };
  }
  if (has('sdp')) {
    const data = exactly(value, ['sdp', 'peers'], 'signal data');
    const sdp = exactly(data.sdp, ['type', 'sdp'], 'sdp');
    if (sdp.type !== 'offer' && sdp.type !== 'answer') throw malformed('sdp type is neither "offer" nor "answer"');
    return { sdp: { type: sdp.type, sdp: text(sdp.sdp, MAX_SDP, 'sdp') }, peers: uint(data.peers, MAX_PEER_COUNT, 'peers') };
  }
  const data = exactly(value, ['candidate'], 'signal data');
  const c = exactly(data.candidate, ['candidate', 'sdpMid', 'sdpMLineIndex'], 'candidate');
  return {
    candidate: {
      candidate: text(c.candidate, MAX_CANDIDATE, 'candidate'),
      sdpMid: c.sdpMid === null ? null : text(c.sdpMid, MAX_MID, 'sdpMid'),
      sdpMLineIndex: c.sdpMLineIndex === null ? null : uint(c.sdpMLineIndex, 65535, 'sdpMLineIndex'),
    },
  };
}

/**
 * Parses one text frame, checking its size first, then every field: unknown types and
 * fields, missing fields, wrong types and over-long strings are refused.
 * @overload
 * @param {string} raw @param {'up'} direction @returns {UpFrame}
 */
/**
 * @overload
 * @param {string} raw @param {'down'} direction @returns {DownFrame}
 */
/**
 * @param {string} raw @param {'up' | 'down'} direction
 * @returns {UpFrame | DownFrame}
 */
export function decodeSignal(raw, direction) {
  // UTF-8 is at most 3 bytes per UTF-16 unit: a cheap bound before measuring exactly.
  if (raw.length > MAX_SIGNAL_FRAME || (raw.length * 3 > MAX_SIGNAL_FRAME && new TextEncoder().encode(raw).length > MAX_SIGNAL_FRAME)) {
    throw new SignalError('signal.too_large', `signalling frame over ${MAX_SIGNAL_FRAME} bytes`);
  }
  /** @type {unknown} */
  let value;
  try {
    value = JSON.parse(raw);
  } catch {
    throw malformed('signalling frame is not JSON');
  }
  const type = typeof value === 'object' && value !== null && 'type' in value ? value.type : undefined;
  if (direction === 'up') {
    if (type === 'announce' || type === 'leave' || type === 'peers') {
      exactly(value, ['type'], type);
      return /** @type {UpFrame} */ ({ type });
    }
    if (type === 'signal') {
      const f = exactly(value, ['type', 'to', 'data'], 'signal');
      return { type, to: sessionId(f.to, 'to'), data: signalData(f.data) };
    }
  } else {
    if (type === 'welcome' || type === 'gone') {
      const f = exactly(value, ['type', 'id'], type);
      return { type, id: sessionId(f.id, 'id') };
    }
    if (type === 'peers') {
      const f = exactly(value, ['type', 'ids'], 'peers');
      if (!Array.isArray(f.ids) || f.ids.length > MAX_PEER_IDS) throw malformed(`ids is not a list of at most ${MAX_PEER_IDS}`);
      return { type, ids: f.ids.map((id) => sessionId(id, 'ids')) };
    }
    if (type === 'signal') {
      const f = exactly(value, ['type', 'from', 'data'], 'signal');
      return { type, from: sessionId(f.from, 'from'), data: signalData(f.data) };
    }
  }
  throw malformed(`unknown signalling frame type ${JSON.stringify(type)?.slice(0, 32)}`);
}

/** The text of `frame`. @param {UpFrame | DownFrame} frame @returns {string} */
export function encodeSignal(frame) {
  return JSON.stringify(frame);
}

/** A fresh session id: 16 random bytes, lowercase hex. @returns {string} */
export function newSessionId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
