// @ts-check
/**
 * WebSocket peers: glue between a WebSocket (browser, Deno, or npm `ws`) and `Vns.attach`,
 * and a client that reconnects with exponential backoff.
 *
 * @module
 */
import { decodeSignal, encodeSignal } from './webrtc-signal.js';

/**
 * What a socket is attached to: a full node (`Vns`) or a light client (`LightVns`, which has
 * no `role`: it never follows another tab).
 * @typedef {Pick<import('./core.js').Vns, 'attach' | 'closed' | 'onClose' | 'addEventListener' | 'removeEventListener'> & { role?: import('./core.js').Vns['role'] }} Vns
 */
/** @typedef {import('./webrtc-signal.js').TextSide} TextSide */
/** @typedef {import('./webrtc-signal.js').UpFrame} UpFrame */
/** @typedef {import('./webrtc-signal.js').DownFrame} DownFrame */

/**
 * The part of the WebSocket API used here (browser WebSocket, Deno, npm `ws` all have it).
 * @typedef {{
 *   readonly readyState: number,
 *   binaryType: string,
 *   send(data: Uint8Array | string): void,
 *   close(code?: number, reason?: string): void,
 *   addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void,
 *   addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void,
 * }} SocketLike
 */

/** @typedef {new (url: string) => SocketLike} WebSocketConstructor */

/**
 * How a peer session over one socket ended: whether its handshake completed, and the code and
 * message it was closed with (`null`: the connection just ended, or never opened).
 * @typedef {{ handshake: boolean, code: string | null, message: string | null }} SessionEnd
 */

/**
 * A reconnection about to be scheduled: the URL, how the last session ended, and the wait.
 * @typedef {SessionEnd & { url: string, delayMs: number }} Retry
 */

/**
 * Options of `connectWebSocket`. `onRetry` is told once per reconnection (so once per
 * backoff step), e.g. to log why the peer is unreachable or refused.
 * @typedef {{
 *   WebSocket?: WebSocketConstructor,
 *   minDelayMs?: number,
 *   maxDelayMs?: number,
 *   onRetry?: (retry: Retry) => void,
 * }} ConnectOptions
 */

/**
 * Told about a node's signalling: the link is usable (`open`, after each handshake), a frame
 * from the node (`frame`), the link went down (`close`).
 * @typedef {{ open?(): void, frame?(frame: DownFrame): void, close?(): void }} SignalListener
 */

/**
 * WebRTC signalling through the node a `connectWebSocket` link reaches, across its
 * reconnections: `send` is false while the link is down.
 * @typedef {{ readonly open: boolean, send(frame: UpFrame): boolean, listen(listener: SignalListener): () => void }} SignalLink
 */

/**
 * What `connectWebSocket` returns: `stop()` ends the link for good; `signalling` carries
 * WebRTC signalling over it.
 * @typedef {{ stop(): void, signalling: SignalLink }} WebSocketLink
 */

const OPEN = 1;
/** Application close code for protocol errors (the VNS code is in the reason). */
export const CLOSE_PROTOCOL_ERROR = 4000;
/** WebSocket close reasons are limited to 123 bytes. */
const MAX_REASON = 120;

/** @param {unknown} data @returns {Uint8Array | undefined} */
function toBytes(data) {
  if (data instanceof Uint8Array) return data; // ws delivers Buffers (Uint8Array subclass)
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (Array.isArray(data)) {
    // ws may deliver fragmented messages as Buffer[].
    const parts = /** @type {Uint8Array[]} */ (data);
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    return all;
  }
  return undefined;
}

/**
 * Connects an open (or opening) socket to `vns` as one peer. Works for either side: a
 * client socket or one accepted by a server. Binary frames are sync frames; text frames go to
 * `text` (WebRTC signalling) once the sync handshake completed, and are a fault otherwise.
 * @param {Vns} vns
 * @param {SocketLike} socket
 * @param {TextSide} [text]
 * @returns {Promise<SessionEnd>} settles when the socket closes
 */
export function attachWebSocket(vns, socket, text) {
  socket.binaryType = 'arraybuffer';
  return new Promise((resolve) => {
    /** @type {import('./core.js').PeerHandle | undefined} */
    let handle;
    /** @type {SessionEnd} */
    const end = { handshake: false, code: null, message: null };
    /** @param {CustomEvent<import('./vns-events.js').PeerEvent>} e */
    const onPeer = ({ detail }) => {
      if (detail.peer !== handle?.peer) return;
      if (detail.type === 'peer-connected') {
        end.handshake = true;
        text?.open((t) => {
          if (socket.readyState === OPEN) socket.send(t);
        });
      } else end.code ??= detail.code ?? null;
    };
    /** @param {CustomEvent<import('./vns-events.js').VnsErrorDetail>} e */
    const onError = ({ detail }) => {
      if (detail.type !== 'peer-error' || detail.peer !== handle?.peer) return;
      end.code = detail.code;
      end.message = detail.message;
    };
    vns.addEventListener('peer', onPeer);
    vns.addEventListener('error', onError);
    const start = () => {
      if (handle || vns.closed) return;
      handle = vns.attach({
        send: (bytes) => {
          if (socket.readyState !== OPEN) throw new Error('socket not open');
          socket.send(bytes);
        },
        close: (code, reason) => {
          socket.close(CLOSE_PROTOCOL_ERROR, `${code}: ${reason}`.slice(0, MAX_REASON));
        },
      });
    };
    if (socket.readyState === OPEN) start();
    else socket.addEventListener('open', start);
    socket.addEventListener('message', (event) => {
      const bytes = toBytes(event.data);
      if (!handle) return;
      if (bytes) handle.receive(bytes);
      else if (text && end.handshake && typeof event.data === 'string') text.message(event.data);
      // A text frame is not a VNS frame: hand the node an empty one so it closes the peer.
      else handle.receive(new Uint8Array(0));
    });
    socket.addEventListener('close', () => {
      handle?.closed();
      text?.close();
      vns.removeEventListener('peer', onPeer);
      vns.removeEventListener('error', onError);
      resolve(end);
    });
    // Errors are followed by 'close'; listening keeps Node's ws from throwing them.
    socket.addEventListener('error', () => {});
  });
}

/**
 * Keeps a connection to `url` open: reconnects after each close with exponential backoff
 * (`minDelayMs` doubling up to `maxDelayMs`, with jitter), reset once a session completes
 * its handshake: a peer that accepts the socket but refuses the session (another network)
 * is retried ever more slowly, not at the shortest delay. Stops on `stop()` or when `vns`
 * closes. In a tab that follows another (its `role` is `follower`), it waits until this tab leads.
 *
 * ```js
 * const link = connectWebSocket(vns, 'wss://node.example.com/vns');
 * // later: link.stop();
 * ```
 * `signalling` carries WebRTC signalling over the same link (see `connectWebRTC`).
 * @param {Vns} vns
 * @param {string} url
 * @param {ConnectOptions} [options]
 * @returns {WebSocketLink}
 */
export function connectWebSocket(vns, url, options = {}) {
  const WebSocketImpl =
    options.WebSocket ?? /** @type {WebSocketConstructor | undefined} */ (globalThis.WebSocket);
  if (!WebSocketImpl) throw new Error('no WebSocket constructor: pass options.WebSocket');
  const minDelay = options.minDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 30_000;
  let delay = minDelay;
  let stopped = false;
  /** @type {SocketLike | undefined} */
  let socket;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;

  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    socket?.close(1000, 'stopped');
  };
  const unregister = vns.onClose(stop);

  /** @type {Set<SignalListener>} */
  const listeners = new Set();
  /** @type {((text: string) => void) | undefined} */
  let sendText;
  /** @type {SignalLink} */
  const signalling = {
    get open() {
      return sendText !== undefined;
    },
    send(frame) {
      if (!sendText) return false;
      sendText(encodeSignal(frame));
      return true;
    },
    listen(listener) {
      listeners.add(listener);
      if (sendText) listener.open?.();
      return () => listeners.delete(listener);
    },
  };
  /** The text side of one socket: the node's frames checked, then handed to the listeners. @param {SocketLike} s @returns {TextSide} */
  const textSide = (s) => ({
    open(send) {
      sendText = send;
      for (const l of listeners) l.open?.();
    },
    message(raw) {
      /** @type {DownFrame} */
      let frame;
      try {
        frame = decodeSignal(raw, 'down');
      } catch (e) {
        const { code, message } = /** @type {import('./webrtc-signal.js').SignalError} */ (e);
        s.close(CLOSE_PROTOCOL_ERROR, `${code}: ${message}`.slice(0, MAX_REASON));
        return;
      }
      for (const l of listeners) l.frame?.(frame);
    },
    close() {
      if (!sendText) return;
      sendText = undefined;
      for (const l of listeners) l.close?.();
    },
  });

  const dial = () => {
    if (stopped || vns.closed) return;
    // A follower tab leaves the network to the leading tab; it dials once it leads.
    if (vns.role === 'follower') {
      vns.addEventListener('role', dial, { once: true });
      return;
    }
    const s = new WebSocketImpl(url);
    socket = s;
    attachWebSocket(vns, s, textSide(s)).then((end) => {
      if (stopped || vns.closed) return;
      if (end.handshake) delay = minDelay;
      const wait = Math.round(delay * (0.5 + Math.random() / 2));
      delay = Math.min(delay * 2, maxDelay);
      options.onRetry?.({ ...end, url, delayMs: wait });
      timer = setTimeout(dial, wait);
    });
  };
  dial();
  return {
    stop() {
      unregister();
      stop();
    },
    signalling,
  };
}
