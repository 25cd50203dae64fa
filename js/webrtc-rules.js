// @ts-check
/**
 * Who calls whom among WebRTC clients, and what a client does with an offer
 * (docs/protocol.md, "WebRTC signalling", "Who calls"). Pure decisions on what a client knows:
 * its session id, how many connections it holds, its cap, and what its peers told it. The rule
 * that no client is left out: a client that has had no peer for a while calls any
 * client it is offered (not only larger ids), and a full client that such a client calls lets
 * go of the peer with the most other peers to take it, never one that would be left alone.
 *
 * ```js
 * shouldCall({ self: 'b…', id: 'a…', held: 0, cap: 6, aloneMs: 12_000, patienceMs: 10_000 }); // true
 * admitOffer({ held: 6, cap: 6, callerPeers: 0, pending: undefined,
 *   established: [{ id: 'c…', otherPeers: 3 }] });                    // { action: 'answer', evict: 'c…' }
 * ```
 * @module
 */

/**
 * Whether a client with session id `self`, holding `held` connections out of `cap`, calls the
 * client `id` it was offered. Normally the smaller id calls, so two clients with room do not
 * call each other at once. A client that holds none, and has had no connected peer for
 * `aloneMs`, at least `patienceMs` (the time a smaller id with room takes to call it), calls
 * whoever it is offered, since every smaller id may be full.
 * @param {{ self: string, id: string, held: number, cap: number, aloneMs: number, patienceMs: number }} state
 */
export function shouldCall({ self, id, held, cap, aloneMs, patienceMs }) {
  if (id === self || held >= cap) return false;
  return id > self || (held === 0 && aloneMs >= patienceMs);
}

/**
 * Of two clients that called each other at once, whether the offer of `from` goes through at
 * `self` (the smaller id's offer does; the other side drops its own call and answers).
 * @param {string} self @param {string} from
 */
export function offerWins(self, from) {
  return from < self;
}

/**
 * An established peer as the rules see it: its id and how many other WebRTC peers it told
 * this client it holds (`null` before it told).
 * @typedef {{ id: string, otherPeers: number | null }} KnownPeer
 */

/**
 * What a client does with an offer from a client it holds no connection with: answer it,
 * answer it after dropping `evict`, or turn it down as `busy`.
 * @typedef {{ action: 'answer', evict?: string } | { action: 'busy' }} OfferChoice
 */

/**
 * Decides an offer from a new caller that holds `callerPeers` other connections. With room,
 * it is answered. When full, a pending call of this client's own (`pending`, not connected yet)
 * gives way to it. A full client answers a caller that holds no connection by letting go of the
 * established peer that told the most other peers (at least one, so that peer keeps a link);
 * everyone else is turned down.
 * @param {{ held: number, cap: number, callerPeers: number, pending: string | undefined, established: KnownPeer[] }} state
 * @returns {OfferChoice}
 */
export function admitOffer({ held, cap, callerPeers, pending, established }) {
  if (held < cap) return { action: 'answer' };
  if (pending !== undefined) return { action: 'answer', evict: pending };
  if (callerPeers > 0) return { action: 'busy' };
  let best;
  for (const peer of established) {
    if ((peer.otherPeers ?? 0) >= 1 && (best === undefined || /** @type {number} */ (peer.otherPeers) > /** @type {number} */ (best.otherPeers))) best = peer;
  }
  return best ? { action: 'answer', evict: best.id } : { action: 'busy' };
}
