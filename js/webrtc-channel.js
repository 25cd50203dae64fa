// @ts-check
/**
 * One WebRTC data channel as a VNS peer link: sync frames cut into chunks a data channel
 * carries everywhere, pings that measure the round-trip time and keep a silent link from
 * looking alive, each side's count of its other WebRTC peers (so a full client knows which
 * peer it can let go without leaving it alone), and counts of the frames each way
 * (docs/protocol.md, "WebRTC transport").
 *
 * ```js
 * const link = attachDataChannel(vns, channel, { silenceMs: 10_000 });
 * link.closed.then((why) => console.log('link ended:', why));
 * link.tellPeers(3);                   // this side holds 3 other WebRTC peers
 * console.log(link.stats.rttMs, link.stats.remotePeers);
 * ```
 * @module
 */

/** @typedef {import('./core.js').Vns} Vns */

/**
 * The part of `RTCDataChannel` used here (browsers, Deno and node-datachannel's polyfill).
 * @typedef {{
 *   readonly readyState: string,
 *   binaryType: string,
 *   send(data: Uint8Array | string): void,
 *   close(): void,
 *   addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void,
 *   addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void,
 * }} DataChannelLike
 */

/**
 * What a link has carried: sync frames each way, the last round-trip time measured (ms;
 * `null` before the first pong), the other side's count of its other WebRTC peers (`null`
 * before it told one), and whether it is open.
 * @typedef {{ framesIn: number, framesOut: number, rttMs: number | null, remotePeers: number | null, open: boolean }} ChannelStats
 */

/**
 * Why a link ended: the channel closed (`closed`), it was silent past the timeout (`silent`),
 * or the node closed it (`node`).
 * @typedef {'closed' | 'silent' | 'node'} ChannelEnd
 */

/** Payload bytes per chunk: 16 KiB in all, which every WebRTC implementation delivers whole. */
export const CHUNK_PAYLOAD = 16 * 1024 - 1;
/** The core refuses frames over 1 MiB; reassembly stops just past that so the core says why. */
const MAX_FRAME = 1024 * 1024;
/** First byte of a chunk: more chunks of this frame follow, or this one ends it. */
const MORE = 1;
const LAST = 0;
const PING = /^ping:\d{1,16}$/;
const PONG = /^pong:\d{1,16}$/;
const PEERS = /^peers:\d{1,5}$/;
/** Largest count a `peers:N` message may carry. */
const MAX_PEERS_TOLD = 65535;

/** @param {unknown} data @returns {Uint8Array | undefined} */
function bytesOf(data) {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (data instanceof Uint8Array) return data;
  return undefined;
}

/**
 * Attaches an open (or opening) data channel to `vns` as one peer.
 * @param {Vns} vns
 * @param {DataChannelLike} channel
 * @param {{ silenceMs?: number, pingIntervalMs?: number }} [options] defaults: 10 s, 2 s
 * @returns {{ stats: ChannelStats, tellPeers(count: number): void, close(): void, closed: Promise<ChannelEnd> }}
 */
export function attachDataChannel(vns, channel, options = {}) {
  const { silenceMs = 10_000, pingIntervalMs = 2_000 } = options;
  channel.binaryType = 'arraybuffer';
  /** @type {ChannelStats} */
  const stats = { framesIn: 0, framesOut: 0, rttMs: null, remotePeers: null, open: false };
  /** The count to tell the other side, and the one it was last told. @type {number | undefined} */
  let told;
  /** @type {number | undefined} */
  let sent;
  /** @type {(end: ChannelEnd) => void} */
  let settle = () => {};
  /** @type {Promise<ChannelEnd>} */
  const closed = new Promise((resolve) => (settle = resolve));
  /** @type {import('./core.js').PeerHandle | undefined} */
  let handle;
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let timer;
  let heard = Date.now();
  let ended = false;
  /** @type {Uint8Array[]} */
  let parts = [];
  let assembled = 0;

  /** @param {ChannelEnd} why */
  const end = (why) => {
    if (ended) return;
    ended = true;
    stats.open = false;
    clearInterval(timer);
    unregister();
    handle?.closed();
    try {
      channel.close();
    } catch {
      // Already closed.
    }
    settle(why);
  };
  const unregister = vns.onClose(() => end('node'));

  /** @param {Uint8Array} frame */
  const send = (frame) => {
    if (channel.readyState !== 'open') throw new Error('data channel not open');
    let at = 0;
    do {
      const piece = frame.subarray(at, at + CHUNK_PAYLOAD);
      at += piece.length;
      const chunk = new Uint8Array(piece.length + 1);
      chunk[0] = at < frame.length ? MORE : LAST;
      chunk.set(piece, 1);
      channel.send(chunk);
    } while (at < frame.length);
    stats.framesOut += 1;
  };

  /**
   * Sends a text message of the link's own (ping, pong, peer count). A channel can close
   * under a send even when it still read as open: the link ends then, nothing is thrown.
   * @param {string} text
   */
  const sendText = (text) => {
    try {
      channel.send(text);
    } catch {
      end('closed');
    }
  };

  /** @param {Uint8Array} chunk */
  const chunkIn = (chunk) => {
    const flag = chunk[0];
    if (chunk.length === 0 || (flag !== MORE && flag !== LAST)) {
      // Not a chunk: hand the node an empty frame so it closes the peer with its code.
      handle?.receive(new Uint8Array(0));
      return;
    }
    parts.push(chunk.subarray(1));
    assembled += chunk.length - 1;
    if (flag === MORE && assembled <= MAX_FRAME) return;
    const frame = new Uint8Array(assembled);
    let at = 0;
    for (const p of parts) {
      frame.set(p, at);
      at += p.length;
    }
    parts = [];
    assembled = 0;
    stats.framesIn += 1;
    // Over the limit: the core refuses it by size, before decoding, and closes the session.
    handle?.receive(frame);
  };

  /** @param {string} text */
  const textIn = (text) => {
    if (PING.test(text)) sendText(`pong:${text.slice(5)}`);
    else if (PONG.test(text)) stats.rttMs = Math.max(0, Date.now() - Number(text.slice(5)));
    else if (PEERS.test(text) && Number(text.slice(6)) <= MAX_PEERS_TOLD) stats.remotePeers = Number(text.slice(6));
    else handle?.receive(new Uint8Array(0));
  };

  /** Sends the count to tell if the other side does not have it yet. */
  const tell = () => {
    if (!handle || ended || told === undefined || told === sent || channel.readyState !== 'open') return;
    sent = told;
    sendText(`peers:${told}`);
  };

  const start = () => {
    if (handle || ended || vns.closed) return;
    stats.open = true;
    heard = Date.now();
    handle = vns.attach({
      send,
      close: () => end('closed'),
    });
    tell();
    timer = setInterval(() => {
      if (Date.now() - heard > silenceMs) return end('silent');
      if (channel.readyState === 'open') sendText(`ping:${Date.now()}`);
    }, pingIntervalMs);
  };

  channel.addEventListener('message', ({ data }) => {
    if (ended || !handle) return;
    heard = Date.now();
    if (typeof data === 'string') return textIn(data);
    const bytes = bytesOf(data);
    if (bytes) chunkIn(bytes);
    else handle.receive(new Uint8Array(0));
  });
  channel.addEventListener('close', () => end('closed'));
  channel.addEventListener('error', () => end('closed'));
  if (channel.readyState === 'open') start();
  else channel.addEventListener('open', start);

  return {
    stats,
    /** Tells the other side how many other WebRTC peers this side holds (sent when it changes). @param {number} count */
    tellPeers(count) {
      told = Math.min(Math.max(0, Math.floor(count)), MAX_PEERS_TOLD);
      tell();
    },
    close: () => end('closed'),
    closed,
  };
}
