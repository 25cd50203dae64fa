// @ts-check
/**
 * The owner's forms on a card of My names: edit records (changing one keeps the others;
 * replacing or removing them all is its own explicit choice), renew (the new expiry and the
 * gain shown before signing) and transfer.
 * @module
 */
import { h, formatTime, formatDuration, errorMessage } from '../ui.js';
import { recordsEditor } from '../records-editor.js';

/** @typedef {import('../session.js').Session} Session */
/** @typedef {import('../../js/core.js').Resolved} Resolved */

/**
 * What a panel needs: the session and key, the name, `run` (applies an owner's change and
 * reports it) and `close` (closes the panel).
 * @typedef {{
 *   session: Session,
 *   keys: import('vns').Keys,
 *   name: string,
 *   run: (action: () => Promise<Resolved>, done: string) => Promise<void>,
 *   close: () => void,
 * }} PanelContext
 */

/** @param {PanelContext} context @param {string} label */
const cancelButton = ({ close }, label = 'Cancel') => h('button', { type: 'button', onclick: close }, label);

/**
 * The record editor of a name. It starts from the current records: a change to one row keeps
 * every other. "Replace all records" starts from an empty list instead, and an empty list is
 * saved only through "Remove all records", each saying what it does.
 * @param {PanelContext} context
 * @param {Resolved['records']} current
 * @returns {HTMLElement}
 */
export function recordsPanel(context, current) {
  const { session, keys, name, run } = context;
  const form = h('form', { class: 'stack', 'aria-label': `Records of ${name}` });
  const editorBox = h('div', { class: 'records-editor' });
  const mode = h('p', { class: 'hint', 'data-mode': 'edit' }, 'Change, add or remove single records; the others stay as they are.');
  const problem = h('div', { 'aria-live': 'polite' });
  const editor = recordsEditor(editorBox, { initial: current, onChange: () => problem.replaceChildren() });
  const replaceAll = () => {
    editor.reset([{ type: 'A', value: '' }]);
    mode.dataset.mode = 'replace';
    mode.className = 'notice';
    mode.textContent = `Replacing all ${current.length} record(s): only the records below will be kept.`;
  };
  const removeAll = () => {
    const ask = h(
      'div',
      { class: 'warn', role: 'alert', 'data-confirm': 'remove-all' },
      h('p', {}, `Remove all ${current.length} record(s) of ${name}? It then resolves to nothing until you add records again.`),
      h('p', { class: 'actions' },
        h('button', { type: 'button', onclick: () => run(() => session.vns.update(keys, name, []), 'All records removed.') }, 'Remove all'),
        h('button', { type: 'button', onclick: () => ask.remove() }, 'Keep them')),
    );
    problem.replaceChildren(ask);
  };
  form.append(
    mode,
    editorBox,
    problem,
    h('p', { class: 'actions' },
      h('button', { type: 'submit' }, 'Save records'),
      h('button', { type: 'button', onclick: replaceAll }, 'Replace all records'),
      h('button', { type: 'button', onclick: removeAll }, 'Remove all records'),
      cancelButton(context)),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!editor.check()) {
      problem.replaceChildren(h('p', { class: 'error', 'data-outcome': 'invalid' }, 'Not saved: correct the records marked above first.'));
      return;
    }
    if (editor.size === 0) {
      problem.replaceChildren(h('p', { class: 'error', 'data-outcome': 'empty' },
        `Not saved: that would remove every record of ${name}. To do that, choose “Remove all records”.`));
      return;
    }
    void run(() => session.vns.update(keys, name, editor.records()), 'Records updated.');
  });
  return form;
}

/**
 * What renewing would do, asked of the core before signing: the new expiry, what it gains,
 * and from when renewing is worthwhile.
 * @param {PanelContext} context
 * @returns {Promise<HTMLElement>}
 */
export async function renewPanel(context) {
  const { session, keys, name, run } = context;
  /** @type {Awaited<ReturnType<Session['renewal']>>} */
  let outlook;
  try {
    outlook = await session.renewal(name);
  } catch (error) {
    return h('div', { 'data-panel': 'renew' }, errorMessage(error), h('p', { class: 'actions' }, cancelButton(context, 'Close')));
  }
  const { expires, renewedExpires, gain, worthwhileFrom } = outlook;
  const now = Date.now();
  const worthwhile = now >= worthwhileFrom;
  return h(
    'div',
    { class: 'stack', 'data-panel': 'renew', 'aria-label': `Renew ${name}` },
    h('p', { 'data-field': 'renew-outcome' },
      `Renewing now moves the expiry from ${formatTime(expires)} to `, h('strong', {}, formatTime(renewedExpires)),
      `: it gains `, h('strong', { 'data-field': 'renew-gain' }, formatDuration(gain)), '.'),
    h('p', { class: worthwhile ? 'verified' : 'notice', 'data-worthwhile': String(worthwhile) },
      worthwhile
        ? 'Renewing now is worthwhile: the name is in its last weeks, or in its grace period.'
        : `A renewal always ends one registration period after it is signed, so renewing now gains only the time since the last one. It becomes worthwhile from ${formatTime(worthwhileFrom)} (in ${formatDuration(worthwhileFrom - now)}).`),
    h('p', { class: 'actions' },
      h('button', { type: 'button', onclick: () => run(() => session.vns.renew(keys, name), `Renewed until ${formatTime(renewedExpires)}.`) }, 'Sign and renew'),
      cancelButton(context)),
  );
}

/** @param {PanelContext} context @returns {HTMLElement} */
export function transferPanel(context) {
  const { session, keys, name, run } = context;
  const input = /** @type {HTMLInputElement} */ (h('input', { id: `transfer-${name}`, required: true, autocomplete: 'off', spellcheck: 'false', placeholder: '12D3KooW…' }));
  const form = h(
    'form',
    { class: 'stack', 'aria-label': `Transfer ${name}` },
    h('label', { for: input.id }, 'New owner (their key id)'),
    input,
    h('p', { class: 'warn' }, 'A transfer cannot be undone from this key.'),
    h('p', { class: 'actions' }, h('button', { type: 'submit' }, 'Transfer'), cancelButton(context)),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const owner = input.value.trim();
    void run(() => session.vns.transfer(keys, name, owner), `Transferred to ${owner}.`);
  });
  queueMicrotask(() => input.focus());
  return form;
}
