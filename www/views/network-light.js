// @ts-check
/**
 * Network, in light mode: the link to the node, the names the node pushes changes of (the
 * watch list), the traffic of the light client's sessions, and the node's figures beside
 * them. A light client holds no root or queue of its own: it asks, verifies and watches.
 * @module
 */
import { h } from '../ui.js';

/** @typedef {import('../session.js').Session} Session */
/** @typedef {import('../../js/light.js').LightVns} LightVns */

/**
 * Fills `panel` with the light client's network facts.
 * @param {Session} session @param {LightVns} light @param {HTMLElement} panel
 */
export function renderLightNetwork(session, light, panel) {
  const { nodeStatus } = session;
  const online = session.online;
  const watched = light.watched();
  const traffic = light.traffic();
  const network = light.network;
  panel.replaceChildren(
    h('p', { class: online ? 'verified' : 'warn', 'data-field': 'connection', 'data-online': String(online) },
      online ? 'Connected to the node (light session: it answers lookups and pushes watched names).' : 'Offline: reconnecting to the node…'),
    h(
      'table',
      { class: 'peers' },
      h('caption', {}, 'Peers of this page'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Peer'), h('th', { scope: 'col' }, 'State'), h('th', { scope: 'col' }, 'Its merkle root'))),
      h('tbody', {}, h('tr', {},
        h('td', { 'data-label': 'Peer' }, h('code', {}, session.wsUrl)),
        h('td', { 'data-label': 'State' }, online ? 'connected' : 'offline'),
        h('td', { 'data-label': 'Its merkle root' }, nodeStatus ? h('code', { class: 'id', 'data-field': 'node-root' }, nodeStatus.root) : 'unknown (unreachable)'))),
    ),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Watched names'),
      h('dd', { 'data-field': 'watched', 'data-count': watched.length },
        watched.length ? `${watched.length}: ${watched.join(', ')}` : 'none yet (names resolved here are watched)'),
      h('dt', {}, 'Traffic with the node'),
      h('dd', {
        'data-field': 'traffic',
        'data-frames-in': traffic.framesIn, 'data-bytes-in': traffic.bytesIn,
        'data-frames-out': traffic.framesOut, 'data-bytes-out': traffic.bytesOut,
      }, `${traffic.framesIn} frames in (${traffic.bytesIn} bytes), ${traffic.framesOut} out (${traffic.bytesOut} bytes)`),
      h('dt', {}, 'Names on the node'), h('dd', {}, nodeStatus ? String(nodeStatus.entries) : 'unknown'),
      h('dt', {}, 'Network'),
      h('dd', {}, `${network.name}, proof-of-work ${network.difficulty} bits, id `, h('code', { class: 'id' }, network.networkId),
        session.statusFromCache ? ' (settings remembered from an earlier visit)' : ''),
    ),
  );
}
