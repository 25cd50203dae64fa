// @ts-check
/**
 * My names: the names this browser's key owns, with their records; update, renew, transfer.
 * @module
 */
import { h, byId, setField, recordsEditor, recordsTable, formatExpiry, describeError, errorCode } from '../ui.js';

/** @typedef {import('../session.js').Session} Session */
/** @typedef {import('../../js/core.js').Resolved} Resolved */

/**
 * @param {Session} session
 * @returns {{ render(): Promise<void> }}
 */
export function mountNames(session) {
  const list = byId('names-list');
  /** The name being edited or transferred keeps its form open across re-renders. */
  let editing = '';
  /** The outcome of the last action; kept across re-renders. */
  const flash = h('p', { role: 'status', id: 'names-flash' });

  async function render() {
    const keys = session.keys;
    setField('owner', keys ? keys.peerId : 'no key yet');
    if (editing) return; // don't pull a form away from under the user
    if (!keys) {
      list.replaceChildren(flash, h('p', {}, 'No key yet: ', h('a', { href: '#register' }, 'register a name'), ' or ', h('a', { href: '#key' }, 'import a key'), '.'));
      return;
    }
    const names = session.vns.namesByOwner(keys.peerId);
    if (names.length === 0) {
      list.replaceChildren(flash, h('p', {}, 'This key owns no names yet. ', h('a', { href: '#register' }, 'Register one'), '.'));
      return;
    }
    /** @type {HTMLElement[]} */
    const items = [];
    for (const name of names) {
      try {
        items.push(item(await session.vns.resolve(name)));
      } catch (error) {
        items.push(unresolved(name, error));
      }
    }
    list.replaceChildren(flash, h('ul', { class: 'cards' }, ...items));
  }

  /**
   * Runs an owner's change of `name` and reports it in the flash line.
   * @param {string} name @param {() => Promise<Resolved>} action @param {string} done
   */
  const run = async (name, action, done) => {
    flash.className = 'hint';
    flash.textContent = `${name}: working…`;
    try {
      await session.local(name, action);
      editing = '';
      flash.className = 'verified';
      flash.textContent = `${name}: ${done}${session.online ? '' : ' Queued: the node is offline.'}`;
    } catch (error) {
      flash.className = 'error';
      flash.textContent = `${name}: ${describeError(error)}`;
    }
    await render();
  };

  /**
   * A name this key holds that does not resolve now: past its expiry, in the grace period
   * in which only its owner may renew it.
   * @param {string} name @param {unknown} error
   */
  function unresolved(name, error) {
    const keys = /** @type {import('vns').Keys} */ (session.keys);
    const renewable = errorCode(error) === 'resolve.in_grace';
    return h(
      'li',
      { class: 'card', 'data-name': name },
      h('h3', {}, name),
      h('p', { class: 'notice' }, renewable ? 'Expired: renew it before the grace period ends, or it is released.' : describeError(error)),
      renewable && h('p', { class: 'actions' }, h('button', { type: 'button', onclick: () => run(name, () => session.vns.renew(keys, name), 'Renewed.') }, 'Renew')),
    );
  }

  /** @param {Resolved} resolved */
  function item(resolved) {
    const { name } = resolved;
    const panel = h('div', { class: 'panel' });
    const keys = /** @type {import('vns').Keys} */ (session.keys);

    const openEditor = () => {
      editing = name;
      const form = h('form', { class: 'stack', 'aria-label': `Records of ${name}` });
      const editorBox = h('div', { class: 'records-editor' });
      const fresh = recordsEditor(editorBox, resolved.records);
      form.append(
        editorBox,
        h('p', { class: 'actions' }, h('button', { type: 'submit' }, 'Save records'), h('button', { type: 'button', onclick: close }, 'Cancel')),
      );
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        void run(name, () => session.vns.update(keys, name, fresh.records()), 'Records updated.');
      });
      panel.replaceChildren(form);
    };

    const openTransfer = () => {
      editing = name;
      const input = /** @type {HTMLInputElement} */ (h('input', { id: `transfer-${name}`, required: true, autocomplete: 'off', spellcheck: 'false', placeholder: '12D3KooW…' }));
      const form = h(
        'form',
        { class: 'stack', 'aria-label': `Transfer ${name}` },
        h('label', { for: input.id }, 'New owner (their key id)'),
        input,
        h('p', { class: 'warn' }, 'A transfer cannot be undone from this key.'),
        h('p', { class: 'actions' }, h('button', { type: 'submit' }, 'Transfer'), h('button', { type: 'button', onclick: close }, 'Cancel')),
      );
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        void run(name, () => session.vns.transfer(keys, name, input.value.trim()), `Transferred to ${input.value.trim()}.`);
      });
      panel.replaceChildren(form);
      input.focus();
    };

    const close = () => {
      editing = '';
      panel.replaceChildren();
      void render();
    };

    return h(
      'li',
      { class: 'card', 'data-name': name },
      h('h3', {}, name),
      recordsTable(resolved.records),
      h('p', {}, `Expires ${formatExpiry(resolved.expires)}; version ${resolved.seq}.`),
      h(
        'p',
        { class: 'actions' },
        h('button', { type: 'button', onclick: openEditor }, 'Edit records'),
        h('button', { type: 'button', onclick: () => run(name, () => session.vns.renew(keys, name), 'Renewed.') }, 'Renew'),
        h('button', { type: 'button', onclick: openTransfer }, 'Transfer'),
      ),
      panel,
    );
  }

  return { render };
}
