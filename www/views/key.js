// @ts-check
/**
 * Key: this browser's owner key. Generate, export (hex or base64, behind a warning), import.
 * @module
 */
import { Keys, generateKeys } from 'vns';
import { h, byId, describeError } from '../ui.js';
import { toHex, toBase64, parseSecret } from '../keystore.js';

/** @typedef {import('../session.js').Session} Session */

/**
 * @param {Session} session
 * @returns {{ render(): void }}
 */
export function mountKey(session) {
  const panel = byId('key-panel');
  const message = h('p', { role: 'status' });

  /** @param {import('vns').Keys} keys @param {string} done */
  const replaceWith = async (keys, done) => {
    const owned = session.keys ? session.vns.namesByOwner(session.keys.peerId).length : 0;
    if (owned > 0 && !confirm(`The current key owns ${owned} name(s). Without it they cannot be changed. Replace it?`)) return;
    try {
      await session.setKeys(keys);
      message.className = 'verified';
      message.textContent = done;
    } catch (error) {
      message.className = 'error';
      message.textContent = describeError(error);
    }
  };

  function render() {
    const keys = session.keys;
    const importInput = /** @type {HTMLTextAreaElement} */ (
      h('textarea', { id: 'key-import', rows: 2, autocomplete: 'off', spellcheck: 'false', placeholder: '64 hex digits or base64' })
    );
    const importForm = h(
      'form',
      { class: 'stack', 'aria-labelledby': 'key-import-title' },
      h('h3', { id: 'key-import-title' }, 'Import a key'),
      h('label', { for: importInput.id }, 'Secret'),
      importInput,
      h('p', { class: 'actions' }, h('button', { type: 'submit' }, 'Import')),
    );
    importForm.addEventListener('submit', (event) => {
      event.preventDefault();
      try {
        void replaceWith(Keys.fromSecret(parseSecret(importInput.value)), 'Key imported.');
      } catch (error) {
        message.className = 'error';
        message.textContent = describeError(error);
      }
    });

    if (!keys) {
      panel.replaceChildren(
        h('p', {}, 'This browser has no key yet. One is made when you register a name, or now:'),
        h('p', { class: 'actions' }, h('button', { type: 'button', onclick: () => replaceWith(generateKeys(), 'Key generated and stored in this browser.') }, 'Generate a key')),
        message,
        importForm,
      );
      return;
    }
    const secret = keys.secret();
    panel.replaceChildren(
      h('dl', { class: 'facts' }, h('dt', {}, 'Owner id'), h('dd', {}, h('code', { class: 'id', 'data-field': 'key-id' }, keys.peerId))),
      h('p', { class: 'hint' }, "The key is stored in this browser's IndexedDB (vns-www-keys). Clearing site data deletes it: export it to keep your names."),
      h(
        'details',
        { class: 'secret' },
        h('summary', {}, 'Export the secret'),
        h('p', { class: 'warn', role: 'note' },
          h('strong', {}, 'Keep this secret. '), 'Anyone who has it controls your names. Store it offline; never paste it into a site or a chat.'),
        h('dl', { class: 'facts' },
          h('dt', {}, 'Hex'), h('dd', {}, h('code', { class: 'id', 'data-field': 'secret-hex' }, toHex(secret))),
          h('dt', {}, 'Base64'), h('dd', {}, h('code', { class: 'id' }, toBase64(secret)))),
      ),
      message,
      importForm,
      h('p', { class: 'actions' }, h('button', { type: 'button', onclick: () => replaceWith(generateKeys(), 'New key generated.') }, 'Replace with a new key')),
    );
  }

  return { render };
}
