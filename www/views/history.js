// @ts-check
/**
 * A name's history as its entry carries it (`vns.history`): the registration, every renewal
 * and transfer (who owned it when), and the last update of its records.
 * @module
 */
import { h, formatTime, errorMessage } from '../ui.js';

/** @typedef {import('../session.js').Session} Session */

/** How each kind of change reads in the table. */
const KIND_WORDS = /** @type {Record<string, string>} */ ({
  register: 'Registered',
  renew: 'Renewed',
  transfer: 'Transferred',
  update: 'Records updated',
});

/**
 * The history table of `name`, oldest first; with a Close button when `close` is given.
 * @param {Session} session
 * @param {string} name as the core spells it
 * @param {() => void} [close]
 * @returns {Promise<HTMLElement>}
 */
export async function historyPanel(session, name, close) {
  const self = session.keys?.peerId;
  const who = (/** @type {string} */ id) => (id === self ? h('span', { title: id }, 'this key') : h('code', { class: 'id' }, id));
  const closer = close && h('p', { class: 'actions' }, h('button', { type: 'button', onclick: close }, 'Close'));
  /** @type {Awaited<ReturnType<Session['history']>>} */
  let events;
  try {
    events = await session.history(name);
  } catch (error) {
    return h('div', { class: 'history', 'data-panel': 'history' }, errorMessage(error, { class: 'notice' }), closer);
  }
  return h(
    'div',
    { class: 'history', 'data-panel': 'history' },
    h(
      'table',
      {},
      h('caption', {}, `History of ${name}`),
      h('thead', {}, h('tr', {}, ...['When', 'What', 'Signed by', 'Owner after', 'Expires'].map((t) => h('th', { scope: 'col' }, t)))),
      h(
        'tbody',
        {},
        ...events.map((e) =>
          h('tr', { 'data-kind': e.kind },
            h('td', {}, formatTime(e.at)),
            h('td', {}, KIND_WORDS[e.kind] ?? e.kind),
            h('td', {}, who(e.by)),
            h('td', {}, who(e.owner)),
            h('td', {}, e.expires === undefined || e.expires === null ? '' : formatTime(e.expires))),
        ),
      ),
    ),
    h('p', { class: 'hint' }, 'Only the latest record update is kept (each replaces the one before it, and a renewal or transfer after it replaces it too); every registration, renewal and transfer is kept and signed.'),
    closer,
  );
}
