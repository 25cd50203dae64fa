// @ts-check
/**
 * Network: the link to the node and the WebRTC peers beside it, the local merkle root beside
 * the node's, the offline delta queue, the node's own peers, and the names changing live.
 * @module
 */
import { h, byId } from '../ui.js';
import { renderLightNetwork } from './network-light.js';

/** @typedef {import('../session.js').Session} Session */

/** What each tab role means for the page (tabs of one browser share the names database). */
const TAB_ROLES = {
  leader: "leads: holds this browser's IndexedDB (vns-www) and the link to the node for every tab",
  follower: 'follows the leading tab: keeps its own copy, fed by that tab, and sends changes through it',
  solo: "holds this browser's IndexedDB (vns-www) on its own",
};

/**
 * @param {Session} session
 * @returns {{ render(): void }}
 */
export function mountNetwork(session) {
  const panel = byId('network-panel');
  const recent = byId('recent-changes');

  function render() {
    renderRecent();
    const { full: vns, light, nodeStatus } = session;
    if (light) return renderLightNetwork(session, light, panel);
    if (!vns) return;
    const localRoot = vns.merkleRoot();
    const queue = /** @type {NonNullable<Session['queue']>} */ (session.queue); // full mode: always one
    const online = session.online;
    const same = nodeStatus ? nodeStatus.root === localRoot : undefined;
    const links = nodeStatus?.links ?? [];
    // A follower tab reaches the node only through the leading tab.
    const via = vns.role === 'follower' ? ' through the leading tab' : '';

    panel.replaceChildren(
      h('p', { class: online ? 'verified' : 'warn', 'data-field': 'connection', 'data-online': String(online) },
        online ? `Connected to the node${via}.` : `Offline: reconnecting to the node${via}…`),
      h(
        'table',
        { class: 'peers' },
        h('caption', {}, 'Peers of this page'),
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, 'Peer'), h('th', { scope: 'col' }, 'State'),
          h('th', { scope: 'col' }, 'Its merkle root'), h('th', { scope: 'col' }, 'Local merkle root'),
          h('th', { scope: 'col' }, 'In sync'))),
        h('tbody', {}, h('tr', {},
          h('td', { 'data-label': 'Peer' }, h('code', {}, session.wsUrl)),
          h('td', { 'data-label': 'State' }, `${online ? 'connected' : 'offline'}${via}`),
          h('td', { 'data-label': 'Its merkle root' }, nodeStatus ? h('code', { class: 'id', 'data-field': 'node-root' }, nodeStatus.root) : 'unknown (unreachable)'),
          h('td', { 'data-label': 'Local merkle root' }, h('code', { class: 'id', 'data-field': 'local-root' }, localRoot)),
          h('td', { 'data-label': 'In sync', 'data-field': 'in-sync' }, same === undefined ? '–' : same ? 'yes' : 'not yet'))),
      ),
      webrtcTable(session),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Names here'), h('dd', { 'data-field': 'local-entries' }, String(vns.size)),
        h('dt', {}, 'Names on the node'), h('dd', {}, nodeStatus ? String(nodeStatus.entries) : 'unknown'),
        h('dt', {}, 'Delta queue'),
        h('dd', { 'data-field': 'queue-size' },
          `${queue.size} waiting (capacity ${queue.capacity}; ${queue.replayed} replayed, ${queue.dropped} dropped)`),
        h('dt', {}, 'This tab'),
        h('dd', { 'data-field': 'tab-role', 'data-role': vns.role }, TAB_ROLES[vns.role]),
        h('dt', {}, "This browser's copy"), h('dd', { 'data-field': 'save-state', 'data-state': session.saveState },
          { saved: 'saved', saving: 'saving…', error: 'save failed (see the console)' }[session.saveState ?? 'saved']),
        h('dt', {}, 'Network'),
        h('dd', {}, `${session.network.network ?? 'main'}, proof-of-work ${vns.difficulty} bits, id `, h('code', { class: 'id' }, vns.networkId),
          session.statusFromCache ? ' (settings remembered from an earlier visit)' : ''),
      ),
      h('h3', {}, "The node's peers"),
      nodeStatus
        ? links.length
          ? h('ul', {}, ...links.map((l) => h('li', {}, `${l.direction === 'in' ? 'incoming from' : 'dialled'} `, h('code', {}, l.remote))))
          : h('p', { class: 'hint' }, 'none')
        : h('p', { class: 'hint' }, 'unknown while the node is unreachable'),
    );

  }

  /** The names changed while the page was open, newest first (`data-at`: when, in ms). */
  function renderRecent() {
    recent.replaceChildren(
      ...session.recent
        .slice()
        .reverse()
        .map((c) => h('li', { 'data-name': c.name, 'data-at': c.at }, h('code', {}, c.name), ` ${c.local ? 'changed here' : 'from the network'} at ${new Date(c.at).toLocaleTimeString()}`)),
    );
  }

  return { render };
}

/** Words for a WebRTC peer's state. */
const RTC_STATES = { connecting: 'connecting…', open: 'connected', reopening: 'reopening its channel…' };

/**
 * The page's WebRTC peers: other pages met through the node, linked directly.
 * @param {Session} session
 */
function webrtcTable(session) {
  const peers = session.rtc?.peers() ?? [];
  const id = session.rtc?.id;
  return h(
    'table',
    { class: 'peers', 'data-field': 'webrtc-peers' },
    h('caption', {}, 'WebRTC peers (other pages, linked directly)',
      h('span', { class: 'hint' }, id ? ` this page's session id ${id.slice(0, 8)}…` : ' (no session id while the node is unreachable)')),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Peer'), h('th', { scope: 'col' }, 'State'),
      h('th', { scope: 'col' }, 'Round trip'), h('th', { scope: 'col' }, 'Frames in / out'))),
    h('tbody', {}, ...(peers.length
      ? peers.map((p) => h('tr', { 'data-peer': p.id, 'data-state': p.state },
        h('td', { 'data-label': 'Peer' }, h('code', { class: 'id' }, `${p.id.slice(0, 8)}…`)),
        h('td', { 'data-label': 'State' }, RTC_STATES[p.state]),
        h('td', { 'data-label': 'Round trip' }, p.rttMs === null ? '–' : `${p.rttMs} ms`),
        h('td', { 'data-label': 'Frames in / out' }, `${p.framesIn} / ${p.framesOut}`)))
      : [h('tr', {}, h('td', { colspan: '4', class: 'hint' }, 'none yet: other pages of this node appear here once they are open'))])),
  );
}
