// @ts-check
/**
 * WebRTC peers: up to `maxPeers` direct data-channel links to other clients of the node a
 * `connectWebSocket` link reaches, found and signalled through that node
 * (docs/protocol.md, "WebRTC signalling"), kept alive once made even if the node goes away.
 * The core's sync runs over each link exactly as over a WebSocket; this module only finds
 * peers, moves bytes and replaces links that die.
 *
 * ```js
 * const node = connectWebSocket(vns, 'wss://node.example.com/vns');
 * const rtc = connectWebRTC(vns, { signalling: node.signalling });
 * setInterval(() => console.log(rtc.peers()), 5_000); // [{ id, state, rttMs, framesIn, framesOut }]
 * ```
 * @module
 */
import { attachDataChannel } from './webrtc-channel.js';
import { admitOffer, offerWins, shouldCall } from './webrtc-rules.js';
import { DEFAULT_SIGNAL_LIMITS, TokenBucket } from './webrtc-signal.js';

/** @typedef {import('./core.js').Vns} Vns */
/** @typedef {import('./webrtc-signal.js').SignalData} SignalData */
/** @typedef {import('./webrtc-channel.js').DataChannelLike} DataChannelLike */

/**
 * An ICE candidate as `icecandidate` events and `addIceCandidate` carry it.
 * @typedef {{ candidate: string, sdpMid: string | null, sdpMLineIndex: number | null }} CandidateLike
 */

/**
 * The part of `RTCPeerConnection` used here (browsers, node-datachannel's polyfill).
 * @typedef {{
 *   readonly connectionState: string,
 *   readonly localDescription: { type: string, sdp: string } | null,
 *   createDataChannel(label: string): DataChannelLike,
 *   createOffer(): Promise<{ type: string, sdp?: string }>,
 *   createAnswer(): Promise<{ type: string, sdp?: string }>,
 *   setLocalDescription(description: { type: string, sdp?: string }): Promise<void>,
 *   setRemoteDescription(description: { type: 'offer' | 'answer', sdp: string }): Promise<void>,
 *   addIceCandidate(candidate: CandidateLike): Promise<void>,
 *   close(): void,
 *   addEventListener(type: 'icecandidate', listener: (event: { candidate: CandidateLike | null }) => void): void,
 *   addEventListener(type: 'datachannel', listener: (event: { channel: DataChannelLike }) => void): void,
 *   addEventListener(type: 'connectionstatechange', listener: () => void): void,
 * }} PeerConnectionLike
 */

/**
 * An ICE server (STUN or TURN), as `RTCPeerConnection` takes it.
 * @typedef {{ urls: string | string[], username?: string, credential?: string }} IceServer
 */

/** @typedef {new (config: { iceServers: IceServer[] }) => PeerConnectionLike} PeerConnectionConstructor */

/**
 * Options of `connectWebRTC`. `iceServers` defaults to none: host candidates only, which
 * reach peers on the same network; add STUN (and TURN for peers behind symmetric NATs) for
 * anything wider.
 * @typedef {{
 *   signalling: import('./websocket.js').SignalLink,
 *   RTCPeerConnection?: PeerConnectionConstructor | (() => Promise<PeerConnectionConstructor>),
 *   iceServers?: IceServer[],
 *   maxPeers?: number,
 *   connectTimeoutMs?: number,
 *   silenceMs?: number,
 *   pingIntervalMs?: number,
 *   discoverIntervalMs?: number,
 *   minDelayMs?: number,
 *   maxDelayMs?: number,
 * }} WebRTCOptions
 */

/**
 * One WebRTC peer as the page shows it: its session id, `connecting` (being signalled),
 * `open` (a data channel carries sync), `reopening` (the channel closed, the connection is
 * up and a new channel is coming); round-trip time and sync frames each way.
 * @typedef {{ id: string, state: 'connecting' | 'open' | 'reopening', rttMs: number | null, framesIn: number, framesOut: number }} WebRTCPeer
 */

/**
 * What `connectWebRTC` returns: the WebRTC peers, the session id, pausing and stopping.
 * @typedef {{
 *   readonly ready: Promise<void>,
 *   readonly id: string | undefined,
 *   peers(): WebRTCPeer[],
 *   pause(): void,
 *   resume(): void,
 *   stop(): void,
 * }} WebRTCLink
 */

/** Default cap on WebRTC peers. */
export const DEFAULT_MAX_WEBRTC_PEERS = 6;
/** Candidates kept for a peer whose description has not arrived yet. */
const MAX_EARLY_CANDIDATES = 64;

/**
 * @typedef {{
 *   id: string,
 *   pc: PeerConnectionLike,
 *   caller: boolean,
 *   state: WebRTCPeer['state'],
 *   link?: ReturnType<typeof attachDataChannel>,
 *   described: boolean,
 *   early: CandidateLike[],
 *   timer?: ReturnType<typeof setTimeout>,
 *   reopenDelay: number,
 *   otherPeers: number,
 * }} Peer
 */

/**
 * Keeps up to `maxPeers` WebRTC links to other clients of the node behind `signalling`. Of
 * two clients, the one with the smaller session id calls (sends the offer and opens the data
 * channel); a client that holds no link calls any client, and a full client it calls makes
 * room for it by letting go of its best-connected peer (webrtc-rules.js), so that no client
 * that can reach another is left without a peer. A full client turns other offers down
 * (`busy`), and offers are paced by the node's offer bound. A link whose channel closes while
 * its connection is up gets a new channel (no node needed); a link whose connection fails, or
 * that stays silent past `silenceMs`, is dropped and its peer called again only after a
 * backoff (`minDelayMs` doubling to `maxDelayMs`), while other clients take its place.
 * `pause()` closes every channel and keeps the connections; `resume()` reopens them. In a
 * tab that follows another (`vns.role === 'follower'`, see tabs.js) it waits: the leading tab
 * holds the network links, and its WebRTC peers carry this tab's changes; this tab announces
 * itself and makes connections only once it leads.
 * @param {Vns} vns
 * @param {WebRTCOptions} options
 * @returns {WebRTCLink}
 */
export function connectWebRTC(vns, options) {
  const {
    signalling,
    iceServers = [],
    maxPeers = DEFAULT_MAX_WEBRTC_PEERS,
    connectTimeoutMs = 10_000,
    silenceMs = 10_000,
    pingIntervalMs = 2_000,
    discoverIntervalMs = 5_000,
    minDelayMs = 1_000,
    maxDelayMs = 60_000,
  } = options;
  const given = options.RTCPeerConnection ?? /** @type {PeerConnectionConstructor | undefined} */ (/** @type {any} */ (globalThis).RTCPeerConnection);
  if (!given) throw new Error('no RTCPeerConnection: pass options.RTCPeerConnection');
  /** The constructor once loaded: until then no call is made or answered. @type {PeerConnectionConstructor | undefined} */
  let Impl;
  const ready = Promise.resolve(given.prototype ? /** @type {PeerConnectionConstructor} */ (given) : /** @type {() => Promise<PeerConnectionConstructor>} */ (given)()).then((loaded) => {
    Impl = loaded;
    discover();
  });
  // A constructor that fails to load is reported through `ready`, not as an unhandled rejection.
  ready.catch(() => {});

  /** @type {string | undefined} */
  let self;
  let stopped = false;
  let paused = false;
  /** @type {Map<string, Peer>} */
  const peers = new Map();
  /** Peers that failed: not called again before `until`. @type {Map<string, { until: number, delay: number }>} */
  const backoff = new Map();
  /** Since when this client has had no link (it calls smaller ids too once that lasts). */
  let aloneSince = Date.now();

  /** @param {SignalData} data @param {string} to */
  const signal = (to, data) => signalling.send({ type: 'signal', to, data });
  // The node closes a client that offers faster than its bound: stay under it, with half its
  // burst kept in reserve, since an offer leaves some time after it was decided (making the
  // description takes a while) and delays can bunch offers up on the way.
  const offers = new TokenBucket(DEFAULT_SIGNAL_LIMITS.offerBurst / 2, DEFAULT_SIGNAL_LIMITS.offersPerSecond, Date.now);

  const live = () => peers.size;
  /** Tells every open link how many other peers this client holds (a change moves their choice of whom to let go). */
  const tellPeers = () => {
    for (const peer of peers.values()) peer.link?.tellPeers(live() - 1);
  };

  /** Forgets `peer` and holds its id back for a while. @param {Peer} peer */
  const drop = (peer) => {
    if (peers.get(peer.id) !== peer) return;
    peers.delete(peer.id);
    // Losing the last link starts the wait before calling smaller ids; a call that failed does not.
    if (live() === 0 && peer.state !== 'connecting') aloneSince = Date.now();
    tellPeers();
    clearTimeout(peer.timer);
    peer.link?.close();
    peer.pc.close();
    const delay = Math.min((backoff.get(peer.id)?.delay ?? minDelayMs / 2) * 2, maxDelayMs);
    backoff.set(peer.id, { until: Date.now() + delay, delay });
  };

  /** Waits `ms` for `peer`'s channel to open before giving up on it. @param {Peer} peer @param {number} ms */
  const deadline = (peer, ms) => {
    clearTimeout(peer.timer);
    peer.timer = setTimeout(() => drop(peer), ms);
  };

  /** Carries sync over `channel`, and reacts when it ends. @param {Peer} peer @param {DataChannelLike} channel */
  const use = (peer, channel) => {
    if (stopped || paused || peer.link?.stats.open || peers.get(peer.id) !== peer) {
      channel.close();
      return;
    }
    const link = attachDataChannel(vns, channel, { silenceMs, pingIntervalMs });
    peer.link = link;
    link.tellPeers(live() - 1);
    const opened = () => {
      if (peer.link !== link) return;
      clearTimeout(peer.timer);
      peer.state = 'open';
      peer.reopenDelay = minDelayMs;
      backoff.delete(peer.id);
    };
    if (channel.readyState === 'open') opened();
    else channel.addEventListener('open', opened);
    link.closed.then((why) => {
      if (peer.link !== link || stopped) return;
      peer.link = undefined;
      peer.otherPeers = link.stats.remotePeers ?? peer.otherPeers;
      if (why === 'silent' || peer.pc.connectionState !== 'connected') return drop(peer);
      // The connection is up: the caller opens a new channel on it, the other side waits
      // for it (a connection that fails meanwhile is dropped).
      peer.state = 'reopening';
      if (peer.caller && !paused) reopen(peer);
    });
  };

  /** Opens a new channel on `peer`'s connection after its backoff. @param {Peer} peer */
  const reopen = (peer) => {
    const wait = peer.reopenDelay;
    peer.reopenDelay = Math.min(wait * 2, maxDelayMs);
    setTimeout(() => {
      if (peers.get(peer.id) === peer && !peer.link && !paused && !stopped) use(peer, peer.pc.createDataChannel('vns'));
    }, wait);
  };

  /** A connection to `id`; `caller` says which side this is. @param {string} id @param {boolean} caller */
  const connection = (id, caller) => {
    /** @type {Peer} */
    const peer = { id, pc: new /** @type {PeerConnectionConstructor} */ (Impl)({ iceServers }), caller, state: 'connecting', described: false, early: [], reopenDelay: minDelayMs, otherPeers: 0 };
    peers.set(id, peer);
    tellPeers();
    deadline(peer, connectTimeoutMs);
    peer.pc.addEventListener('icecandidate', ({ candidate }) => {
      if (!candidate || !candidate.candidate) return;
      const { candidate: line, sdpMid, sdpMLineIndex } = candidate;
      signal(id, { candidate: { candidate: line, sdpMid: sdpMid ?? null, sdpMLineIndex: sdpMLineIndex ?? null } });
    });
    peer.pc.addEventListener('connectionstatechange', () => {
      const state = peer.pc.connectionState;
      if (state === 'failed' || state === 'closed') drop(peer);
    });
    peer.pc.addEventListener('datachannel', ({ channel }) => use(peer, channel));
    return peer;
  };

  /** Hands `peer` the description and the candidates that came before it. @param {Peer} peer @param {{ type: 'offer' | 'answer', sdp: string }} sdp */
  const describe = async (peer, sdp) => {
    await peer.pc.setRemoteDescription(sdp);
    peer.described = true;
    for (const c of peer.early.splice(0)) await peer.pc.addIceCandidate(c).catch(() => {});
  };

  /** Makes this side's description and signals it. @param {Peer} peer @param {'offer' | 'answer'} type */
  const offerOrAnswer = async (peer, type) => {
    await peer.pc.setLocalDescription(await (type === 'offer' ? peer.pc.createOffer() : peer.pc.createAnswer()));
    const local = peer.pc.localDescription;
    if (local) signal(peer.id, { sdp: { type, sdp: local.sdp }, peers: live() - 1 });
  };

  /** @param {string} id */
  const call = async (id) => {
    const peer = connection(id, true);
    use(peer, peer.pc.createDataChannel('vns'));
    await offerOrAnswer(peer, 'offer');
  };

  /** @param {string} from @param {{ type: 'offer' | 'answer', sdp: string }} sdp @param {number} otherPeers */
  const answer = async (from, sdp, otherPeers) => {
    const old = peers.get(from);
    // A peer that offers again lost its connection (or restarted), or lost a race of calls: start over.
    if (old) drop(old);
    backoff.delete(from);
    const peer = connection(from, false);
    peer.otherPeers = otherPeers;
    await describe(peer, sdp);
    await offerOrAnswer(peer, 'answer');
  };

  /** An offer from `from`, who holds `otherPeers` other connections. @param {string} from @param {{ type: 'offer' | 'answer', sdp: string }} sdp @param {number} otherPeers */
  const offer = async (from, sdp, otherPeers) => {
    if (!Impl || paused || !self) return signal(from, { busy: true });
    const known = peers.get(from);
    if (known) {
      // Both called at once: the smaller id's offer goes through, the other side answers it.
      if (known.caller && !known.described && !offerWins(self, from)) return;
      return answer(from, sdp, otherPeers);
    }
    const pending = [...peers.values()].find((p) => p.caller && p.state === 'connecting');
    const established = [...peers.values()].filter((p) => p.state !== 'connecting').map((p) => ({ id: p.id, otherPeers: p.link?.stats.remotePeers ?? p.otherPeers }));
    const choice = admitOffer({ held: live(), cap: maxPeers, callerPeers: otherPeers, pending: pending?.id, established });
    if (choice.action === 'busy') return signal(from, { busy: true });
    const evicted = choice.evict === undefined ? undefined : peers.get(choice.evict);
    if (evicted) drop(evicted);
    await answer(from, sdp, otherPeers);
  };

  /** @param {string} from @param {SignalData} data */
  const received = async (from, data) => {
    const peer = peers.get(from);
    if ('busy' in data) {
      // Turned down: this call ends, and the id waits out a backoff before it is called again.
      if (peer?.caller && !peer.described) drop(peer);
      return;
    }
    if ('sdp' in data) {
      if (data.sdp.type === 'offer') await offer(from, data.sdp, data.peers);
      else if (peer?.caller && !peer.described) {
        peer.otherPeers = data.peers;
        await describe(peer, data.sdp);
      }
      return;
    }
    if (!peer) return;
    if (!peer.described) {
      if (peer.early.length < MAX_EARLY_CANDIDATES) peer.early.push(data.candidate);
      return;
    }
    // A candidate that does not fit (one from a call that lost a race) is of no use, not a fault.
    await peer.pc.addIceCandidate(data.candidate).catch(() => {});
  };

  /** @param {string[]} ids */
  const offered = (ids) => {
    for (const id of ids) {
      if (!self || paused || !Impl) return;
      if (peers.has(id) || (backoff.get(id)?.until ?? 0) > Date.now()) continue;
      const aloneMs = Date.now() - aloneSince;
      if (!shouldCall({ self, id, held: live(), cap: maxPeers, aloneMs, patienceMs: 2 * discoverIntervalMs })) continue;
      if (!offers.take()) return;
      call(id).catch(() => {
        const peer = peers.get(id);
        if (peer) drop(peer);
      });
    }
  };

  const discover = () => {
    if (self && !paused && live() < maxPeers) signalling.send({ type: 'peers' });
  };
  const discovery = setInterval(discover, discoverIntervalMs);

  /** @type {import('./websocket.js').SignalListener} */
  const listener = {
    open: () => signalling.send({ type: 'announce' }),
    close: () => {
      self = undefined;
    },
    frame: (frame) => {
      if (stopped) return;
      if (frame.type === 'welcome') {
        self = frame.id;
        discover();
      } else if (frame.type === 'peers') offered(frame.ids);
      else if (frame.type === 'gone') {
        const peer = peers.get(frame.id);
        if (peer && peer.state === 'connecting') drop(peer);
      } else {
        received(frame.from, frame.data).catch(() => {
          const peer = peers.get(frame.from);
          if (peer) drop(peer);
        });
      }
    },
  };
  /** @type {() => void} */
  let unlisten = () => {};
  // A follower tab leaves the network to the leading tab, whose links carry this tab's
  // changes too; whatever signalling it was handed, it announces itself only once it leads.
  const whenLeading = () => {
    if (stopped || vns.closed) return;
    if (vns.role === 'follower') vns.addEventListener('role', whenLeading, { once: true });
    else unlisten = signalling.listen(listener);
  };
  whenLeading();

  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearInterval(discovery);
    unlisten();
    signalling.send({ type: 'leave' });
    for (const peer of [...peers.values()]) drop(peer);
  };
  const unregister = vns.onClose(stop);

  return {
    /** Settles once `RTCPeerConnection` is loaded (rejects if it cannot be). */
    ready,
    /** This client's session id at the node (`undefined` until the node answered). */
    get id() {
      return self;
    },
    /** The WebRTC peers now, connecting or open. @returns {WebRTCPeer[]} */
    peers() {
      return [...peers.values()].map((p) => ({
        id: p.id,
        state: p.state,
        rttMs: p.link?.stats.rttMs ?? null,
        framesIn: p.link?.stats.framesIn ?? 0,
        framesOut: p.link?.stats.framesOut ?? 0,
      }));
    },
    /** Closes every data channel and keeps the connections, so `resume()` needs no node. */
    pause() {
      paused = true;
      for (const peer of peers.values()) peer.link?.close();
    },
    /** Reopens the channels `pause()` closed, and looks for peers again. */
    resume() {
      paused = false;
      for (const peer of peers.values()) {
        if (!peer.link && peer.caller) {
          peer.reopenDelay = 0;
          reopen(peer);
        }
      }
      discover();
    },
    /** Ends every WebRTC link and leaves the node's list of reachable clients. */
    stop() {
      unregister();
      stop();
    },
  };
}
