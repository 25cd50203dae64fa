// @ts-check
/**
 * Key: this browser's owner key. Generate; show its recovery phrase (on request, behind a
 * warning); import a key from a phrase (or from an older hex or base64 export).
 * @module
 */
import { Keys, generateKeys, keysFromPhrase, phraseOf } from 'vns';
import { h, byId, errorMessage } from '../ui.js';
import { parseSecret } from '../keystore.js';

/** @typedef {import('../session.js').Session} Session */

/** A secret as 64 hex digits or 44 base64 characters: one word, where a phrase has many. */
const ONE_WORD = /^\S+$/;

/**
 * The key typed or pasted for import: a recovery phrase (the core checks its words and
 * checksum), else an older export of the raw secret.
 * @param {string} text
 * @returns {import('vns').Keys}
 */
function importedKeys(text) {
  const clean = text.trim();
  return ONE_WORD.test(clean) ? Keys.fromSecret(parseSecret(clean)) : keysFromPhrase(clean);
}

/**
 * @param {Session} session
 * @returns {{ render(): void }}
 */
export function mountKey(session) {
  const panel = byId('key-panel');
  const message = h('div', { role: 'status', id: 'key-message' });

  /** @param {import('vns').Keys} keys @param {string} done */
  const replaceWith = async (keys, done) => {
    const owned = session.keys ? (await session.namesByOwner(session.keys.peerId)).length : 0;
    if (owned > 0 && !confirm(`The current key owns ${owned} name(s). Without it they cannot be changed. Replace it?`)) return;
    try {
      await session.setKeys(keys);
      message.replaceChildren(h('p', { class: 'verified' }, done));
    } catch (error) {
      message.replaceChildren(errorMessage(error));
    }
  };

  function render() {
    const keys = session.keys;
    const importInput = /** @type {HTMLTextAreaElement} */ (
      h('textarea', { id: 'key-import', rows: 3, autocomplete: 'off', spellcheck: 'false', placeholder: '24 words: abandon ability able …' })
    );
    const importForm = h(
      'form',
      { class: 'stack', 'aria-labelledby': 'key-import-title' },
      h('h3', { id: 'key-import-title' }, 'Import a key'),
      h('label', { for: importInput.id }, 'Recovery phrase'),
      h('p', { class: 'hint' }, 'The words, separated by spaces (a secret exported by an older version, 64 hex digits or base64, works too).'),
      importInput,
      h('p', { class: 'actions' }, h('button', { type: 'submit' }, 'Import')),
    );
    importForm.addEventListener('submit', (event) => {
      event.preventDefault();
      try {
        void replaceWith(importedKeys(importInput.value), 'Key imported.');
      } catch (error) {
        message.replaceChildren(errorMessage(error, { prefix: 'Not imported: ' }));
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
    const phraseBox = h('div', { 'data-field': 'phrase-box' });
    const showPhrase = () => {
      const words = phraseOf(keys).split(' ');
      phraseBox.replaceChildren(
        h('ol', { class: 'phrase', 'data-field': 'phrase' }, ...words.map((word) => h('li', {}, word))),
        h('p', { class: 'actions' }, h('button', { type: 'button', onclick: () => phraseBox.replaceChildren(reveal) }, 'Hide the phrase')),
      );
    };
    const reveal = h('p', { class: 'actions' }, h('button', { type: 'button', onclick: showPhrase }, 'Show the recovery phrase'));
    phraseBox.append(reveal);
    panel.replaceChildren(
      h('dl', { class: 'facts' }, h('dt', {}, 'Owner id'), h('dd', {}, h('code', { class: 'id', 'data-field': 'key-id' }, keys.peerId))),
      h('p', { class: 'hint' }, "The key is stored in this browser's IndexedDB (vns-www-keys). Clearing site data deletes it: write down its recovery phrase to keep your names."),
      h(
        'section',
        { class: 'secret', 'aria-labelledby': 'phrase-title' },
        h('h3', { id: 'phrase-title' }, 'Recovery phrase'),
        h('p', { class: 'warn', role: 'note' },
          h('strong', {}, 'Keep these words secret. '),
          'Anyone who has them controls your names. Write them on paper, in order, and keep it offline; never paste them into a site or a chat, and make sure nobody watches your screen.'),
        phraseBox,
      ),
      message,
      importForm,
      h('p', { class: 'actions' }, h('button', { type: 'button', onclick: () => replaceWith(generateKeys(), 'New key generated.') }, 'Replace with a new key')),
    );
  }

  return { render };
}
