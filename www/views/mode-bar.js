// @ts-check
/**
 * The mode switch, on every view: which client the page runs (light or full), why light is
 * the default, and what the client holds: the light cache's names (entry bytes, possibly
 * stale or not) and the bytes it saves, or the number of names in the full copy.
 * @module
 */
import { h, byId, formatTime } from '../ui.js';
import { DEFAULT_MODE_REASON, switchMode } from '../mode.js';

/** @typedef {import('../session.js').Session} Session */
/** @typedef {import('../mode.js').Mode} Mode */

/** How each mode reads beside its radio button. */
const MODE_WORDS = {
  light: 'Light: each name is asked of the node with a merkle proof and verified here; only the answers are kept',
  full: 'Full: this browser keeps a verified copy of every name and syncs it with the node',
};

/** A light cache's answers change state with time alone (stale after a while): re-read it. */
const LIGHT_REFRESH_MS = 1000;

/**
 * @param {Session} session
 * @returns {{ render(): void }}
 */
export function mountModeBar(session) {
  const bar = byId('mode-bar');
  /** Kept across renders, so that an open list stays open. */
  const details = /** @type {HTMLDetailsElement} */ (h('details', { 'data-field': 'cache-list' }));

  const radios = /** @type {Mode[]} */ (['light', 'full']).map((mode) => {
    const input = /** @type {HTMLInputElement} */ (h('input', { type: 'radio', name: 'mode', value: mode, id: `mode-${mode}` }));
    input.checked = mode === session.mode;
    input.addEventListener('change', () => {
      if (input.checked && mode !== session.mode) switchMode(mode);
    });
    return h('label', { for: input.id, class: 'mode-choice' }, input, ` ${MODE_WORDS[mode]}`);
  });
  const holds = h('p', { 'data-field': 'mode-holds' });
  bar.replaceChildren(
    h('fieldset', {}, h('legend', {}, 'Mode ', h('strong', { 'data-field': 'mode' }, session.mode)), ...radios),
    h('p', { class: 'hint', 'data-field': 'default-mode' }, DEFAULT_MODE_REASON),
    holds,
    details,
  );

  function render() {
    const light = session.light;
    if (!light) {
      const size = session.full?.size ?? 0;
      holds.replaceChildren(h('span', { 'data-field': 'replica-names', 'data-names': size }, `This browser's copy holds ${size} name${size === 1 ? '' : 's'}.`));
      details.hidden = true;
      return;
    }
    const { names, savedBytes } = light.cached();
    const stale = names.filter((n) => n.stale).length;
    holds.replaceChildren(
      h('span', { 'data-field': 'cache-summary', 'data-names': names.length, 'data-bytes': savedBytes, 'data-stale': stale },
        `The light cache holds ${names.length} verified answer${names.length === 1 ? '' : 's'} (${savedBytes} bytes saved in this browser)`,
        stale ? `, ${stale} possibly stale.` : names.length ? ', all current.' : '.'),
    );
    const open = details.open;
    details.replaceChildren(
      h('summary', {}, 'Cached answers'),
      names.length === 0
        ? h('p', { class: 'hint' }, 'None yet: names resolved here are kept, verified, for the next visit.')
        : h('table', { class: 'cache' },
          h('thead', {}, h('tr', {}, ...['Name', 'Entry', 'Verified', 'State'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, ...names.map((n) => h('tr', { 'data-name': n.name, 'data-stale': String(n.stale), 'data-verified-at': n.verifiedAt },
            h('td', {}, h('code', {}, n.name)),
            h('td', {}, n.owner === null ? 'proven absent' : `${n.bytes} bytes`),
            h('td', {}, formatTime(n.verifiedAt)),
            h('td', {}, n.stale ? 'possibly stale: no node has vouched for it since' : 'current'))))),
    );
    details.open = open;
    details.hidden = false;
  }

  render();
  session.addEventListener('state', render);
  session.addEventListener('change', render);
  if (session.light) setInterval(render, LIGHT_REFRESH_MS);
  return { render };
}
