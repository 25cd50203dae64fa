// @ts-check
/**
 * Small DOM helpers shared by the views: building elements, formatting times, errors and
 * records. No framework: views rebuild their little trees on change.
 * @module
 */
import { RECORD_RULES } from 'vns';

/** @typedef {import('../js/core.js').Resolved} Resolved */
/** @typedef {import('../js/core.js').RecordInput} RecordInput */

/**
 * Builds an element: `h('p', { class: 'hint' }, 'text', child)`. Attributes starting with
 * `on` are listeners; `false`/`undefined` attributes and children are skipped.
 * @param {string} tag
 * @param {Record<string, unknown>} [attributes]
 * @param {...(Node | string | number | false | null | undefined)} children
 * @returns {HTMLElement}
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === false || value === null) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      element.addEventListener(key.slice(2), /** @type {EventListener} */ (value));
    } else if (value === true) {
      element.setAttribute(key, '');
    } else {
      element.setAttribute(key, String(value));
    }
  }
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    element.append(typeof child === 'number' ? String(child) : child);
  }
  return element;
}

/**
 * The element with `id`, or a clear error naming it.
 * @template {HTMLElement} [T=HTMLElement]
 * @param {string} id
 * @returns {T}
 */
export function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return /** @type {T} */ (element);
}

/**
 * Sets the text of every `[data-field=name]` element.
 * @param {string} name @param {string} text
 */
export function setField(name, text) {
  for (const element of document.querySelectorAll(`[data-field="${name}"]`)) element.textContent = text;
}

/** @param {number} ms @returns {string} a date and a relative time */
export function formatExpiry(ms) {
  const days = Math.round((ms - Date.now()) / 86_400_000);
  const when = new Date(ms).toLocaleString();
  if (days > 1) return `${when} (in ${days} days)`;
  if (ms > Date.now()) return `${when} (soon)`;
  return `${when} (expired)`;
}

/** @param {number} seconds @returns {string} */
export function formatTtl(seconds) {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/**
 * A readable message for an error from the node (its `code` names the broken rule).
 * @param {unknown} error
 * @returns {string}
 */
export function describeError(error) {
  const { code, message } = /** @type {{ code?: string, message?: string }} */ (error ?? {});
  const text = message ?? String(error);
  return code && !text.includes(code) ? `${text} (${code})` : text;
}

/** @param {unknown} error @returns {string | undefined} */
export function errorCode(error) {
  return /** @type {{ code?: string }} */ (error ?? {}).code;
}

/**
 * The records of a resolved name as a table.
 * @param {Resolved['records']} records
 * @returns {HTMLElement}
 */
export function recordsTable(records) {
  if (records.length === 0) return h('p', { class: 'hint' }, 'No records.');
  return h(
    'table',
    { class: 'records' },
    h('caption', {}, 'Records'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Type'), h('th', { scope: 'col' }, 'Value'), h('th', { scope: 'col' }, 'TTL'))),
    h(
      'tbody',
      {},
      ...records.map((r) => h('tr', {}, h('td', {}, r.type), h('td', { class: 'value' }, r.value), h('td', {}, formatTtl(r.ttl)))),
    ),
  );
}

/**
 * Owner, expiry and sequence number of a resolved name, as a description list.
 * @param {Resolved} resolved
 * @returns {HTMLElement}
 */
export function nameFacts(resolved) {
  return h(
    'dl',
    { class: 'facts' },
    h('dt', {}, 'Owner'),
    h('dd', {}, h('code', { class: 'id' }, resolved.owner)),
    h('dt', {}, 'Expires'),
    h('dd', {}, formatExpiry(resolved.expires)),
    h('dt', {}, 'Version'),
    h('dd', {}, String(resolved.seq)),
  );
}

/** A placeholder for each record type's value (the types themselves come from the core). */
const VALUE_HINTS = /** @type {Record<string, string>} */ ({
  A: 'IPv4 address, e.g. 192.0.2.1',
  AAAA: 'IPv6 address, e.g. 2001:db8::1',
  TXT: 'text',
  FS: 'content CID, e.g. bafy…',
  SYNC: 'peer endpoint URL',
});

let editorRows = 0;

/**
 * An editor of records (type, value, TTL rows) inside `container`.
 * @param {HTMLElement} container
 * @param {RecordInput[]} [initial]
 * @returns {{ records(): RecordInput[], reset(records?: RecordInput[]): void }}
 */
export function recordsEditor(container, initial = [{ type: 'A', value: '' }]) {
  const list = h('div', { class: 'rows' });
  /** @param {RecordInput} [record] */
  const addRow = (record = { type: 'A', value: '' }) => {
    const n = (editorRows += 1);
    const type = /** @type {HTMLSelectElement} */ (
      h('select', { id: `rec-type-${n}`, name: 'type' }, ...RECORD_RULES.types.map((t) => h('option', { value: t }, t)))
    );
    type.value = record.type;
    const value = /** @type {HTMLInputElement} */ (
      h('input', { id: `rec-value-${n}`, name: 'value', value: record.value, autocomplete: 'off', spellcheck: 'false' })
    );
    const ttl = /** @type {HTMLInputElement} */ (
      h('input', {
        id: `rec-ttl-${n}`, name: 'ttl', type: 'number', step: 1, inputmode: 'numeric',
        min: RECORD_RULES.minTtl, max: RECORD_RULES.maxTtl, value: record.ttl ?? RECORD_RULES.defaultTtl,
      })
    );
    const hint = () => (value.placeholder = VALUE_HINTS[type.value] ?? '');
    type.addEventListener('change', hint);
    hint();
    const row = h(
      'div',
      { class: 'record-row' },
      h('label', { for: type.id }, 'Type'),
      type,
      h('label', { for: value.id }, 'Value'),
      value,
      h('label', { for: ttl.id }, 'TTL (s)'),
      ttl,
      h('button', { type: 'button', class: 'link', 'aria-label': 'Remove this record', onclick: () => row.remove() }, 'Remove'),
    );
    list.append(row);
  };
  container.replaceChildren(list, h('button', { type: 'button', onclick: () => addRow() }, 'Add a record'));
  /** @param {RecordInput[]} records */
  const reset = (records) => {
    list.replaceChildren();
    for (const record of records) addRow(record);
  };
  reset(initial);
  return {
    /** The rows as typed: values go to the core as they are (it keeps a TXT value's spaces). */
    records() {
      return [...list.querySelectorAll('.record-row')]
        .map((row) => {
          const field = (/** @type {string} */ name) => /** @type {HTMLInputElement} */ (row.querySelector(`[name=${name}]`)).value;
          return { type: field('type'), value: field('value'), ttl: Number(field('ttl')) || undefined };
        })
        .filter((r) => r.value !== '');
    },
    reset(records = initial) {
      reset(records);
    },
  };
}
