// @ts-check
/**
 * A `Vns`'s part in sharing its database with the origin's other tabs (tabs.js decides it):
 * its role, which of its links are other tabs, where a follower's owner changes go (the
 * relay) and what the leading tab last reported. tabs.js reaches it through the `TabHooks`
 * this builds; the node's own state (adopting a node, its clock, its closing) stays with the
 * `Vns`, which hands it in as a `TabHost`.
 *
 * ```js
 * const tabs = new TabSharing({ emit, adopt, now, whenClosed });
 * tabs.hooks().setRole('follower');       // emits `role`
 * tabs.networkPeers([1, 2]);              // 0 until the leader reports
 * ```
 * @module
 */

/** @typedef {import('../pkg/web/vns.js').VnsNode} VnsNode */
/** @typedef {import('./vns-events.js').EmitVnsEvent} EmitVnsEvent */
/** @typedef {import('./vns-events.js').TabRole} TabRole */
/** @typedef {import('./vns-events.js').LeaderStatus} LeaderStatus */
/** @typedef {import('./vns-types.js').ChangeRelay} ChangeRelay */
/** @typedef {import('./vns-types.js').TabHooks} TabHooks */

/**
 * What the sharing needs from its `Vns`: to fire its events, to put a node under it (a
 * follower taking over the database), its clock, and when it has closed.
 * @typedef {{
 *   emit: EmitVnsEvent,
 *   adopt(node: VnsNode): Promise<void>,
 *   now(): number,
 *   whenClosed(): Promise<void>,
 * }} TabHost
 */

/** One `Vns`'s role among the tabs sharing its database, and what that role holds. */
export class TabSharing {
  /** @type {TabHost} */ #host;
  /** @type {TabRole} */ #role = 'solo';
  /** Local links (other tabs running on this node): not network peers. */
  /** @type {Set<number>} */ #tabLinks = new Set();
  /** While this tab follows another: where its owner changes go, and what the leader reported. */
  /** @type {ChangeRelay | undefined} */ #relay;
  /** @type {LeaderStatus | undefined} */ #leaderStatus;

  /** @param {TabHost} host */
  constructor(host) {
    this.#host = host;
  }

  /** @returns {TabRole} */
  get role() {
    return this.#role;
  }

  /** @returns {LeaderStatus | undefined} */
  get leaderStatus() {
    return this.#leaderStatus;
  }

  /** Where owner changes go while this tab follows another. @returns {ChangeRelay | undefined} */
  get relay() {
    return this.#relay;
  }

  /** A link opened: `local` when it is another tab of this origin. @param {number} peer @param {boolean} local */
  linked(peer, local) {
    if (local) this.#tabLinks.add(peer);
  }

  /** A link closed. @param {number} peer */
  unlinked(peer) {
    this.#tabLinks.delete(peer);
  }

  /**
   * How many of the `ready` peers are network peers (other tabs' links left out); in a
   * follower, those the leader reported.
   * @param {number[]} ready
   * @returns {number}
   */
  networkPeers(ready) {
    if (this.#role === 'follower') return this.#leaderStatus?.networkPeers ?? 0;
    return ready.filter((peer) => !this.#tabLinks.has(peer)).length;
  }

  /** What tabs.js may do to this `Vns` (`tabHooks` in core.js). @returns {TabHooks} */
  hooks() {
    const host = this.#host;
    return {
      setRole: (role) => {
        if (this.#role === role) return;
        this.#role = role;
        host.emit('role', { role });
      },
      setRelay: (relay) => (this.#relay = relay),
      setLeaderStatus: (status) => {
        this.#leaderStatus = status;
        host.emit('leader-status', status);
      },
      adopt: (node) => host.adopt(node),
      now: () => host.now(),
      whenClosed: () => host.whenClosed(),
      reportError: (detail) => host.emit('error', detail),
    };
  }
}
