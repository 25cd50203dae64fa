// @ts-check
/**
 * The record editor of the Register and My names views: one row per record (type, value,
 * TTL), each row checked by the core (`checkRecord`) as the user types, its error shown under
 * it. A row left empty is an error too, never silently dropped: removing a record is a click
 * on its Remove button.
 * @module
 */
import { RECORD_RULES, checkRecord } from 'vns';
import { h, errorMessage } from './ui.js';

/** @typedef {import('../js/core.js').RecordInput} RecordInput */

/** A placeholder for each record type's value (the types themselves come from the core). */
const VALUE_HINTS = /** @type {Record<string, string>} */ ({
  A: 'IPv4 address, e.g. 192.0.2.1',
  AAAA: 'IPv6 address, e.g. 2001:db8::1',
  TXT: 'text',
  FS: 'content CID, e.g. bafy…',
  SYNC: 'peer endpoint URL',
});

/** Said under a row whose value is empty. */
const EMPTY_VALUE = 'Enter a value, or remove this record.';

let editorRows = 0;

/**
 * A record editor.
 * @typedef {{
 *   records(): RecordInput[],
 *   check(): boolean,
 *   reset(records?: RecordInput[]): void,
 *   readonly size: number,
 * }} RecordsEditor
 */

/**
 * An editor of records inside `container`. `records()` gives the rows as typed; `check()`
 * checks every row, shows each error under its row and says whether all are valid.
 * `onChange` runs after every edit (a row typed in, added or removed).
 * @param {HTMLElement} container
 * @param {{ initial?: RecordInput[], onChange?: () => void }} [options]
 * @returns {RecordsEditor}
 */
export function recordsEditor(container, { initial = [{ type: 'A', value: '' }], onChange = () => {} } = {}) {
  const list = h('div', { class: 'rows' });

  /** @param {HTMLElement} row @returns {RecordInput} */
  const rowRecord = (row) => {
    const field = (/** @type {string} */ name) => /** @type {HTMLInputElement} */ (row.querySelector(`[name=${name}]`)).value;
    const ttl = field('ttl').trim();
    // The TTL goes to the core as typed (a fraction is its error to name, not ours to round).
    return { type: field('type'), value: field('value'), ttl: ttl === '' ? undefined : Number(ttl) };
  };

  /**
   * Checks one row and shows its error (or none). @param {HTMLElement} row
   * @returns {boolean} whether the row is valid
   */
  const checkRow = (row) => {
    const slot = /** @type {HTMLElement} */ (row.querySelector('.row-error'));
    const value = /** @type {HTMLInputElement} */ (row.querySelector('[name=value]'));
    const record = rowRecord(row);
    /** @type {unknown} */
    let problem;
    if (record.value === '') problem = { message: EMPTY_VALUE };
    else {
      try {
        checkRecord(record);
      } catch (error) {
        problem = error;
      }
    }
    slot.replaceChildren(...(problem ? [errorMessage(problem, { class: 'field-error' })] : []));
    value.setAttribute('aria-invalid', String(Boolean(problem)));
    row.dataset.valid = String(!problem);
    return !problem;
  };

  /** @param {RecordInput} [record] */
  const addRow = (record = { type: 'A', value: '' }) => {
    const n = (editorRows += 1);
    const type = /** @type {HTMLSelectElement} */ (
      h('select', { id: `rec-type-${n}`, name: 'type' }, ...RECORD_RULES.types.map((t) => h('option', { value: t }, t)))
    );
    type.value = record.type;
    const value = /** @type {HTMLInputElement} */ (
      h('input', { id: `rec-value-${n}`, name: 'value', value: record.value, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': `rec-error-${n}` })
    );
    const ttl = /** @type {HTMLInputElement} */ (
      h('input', {
        id: `rec-ttl-${n}`, name: 'ttl', type: 'number', step: 1, inputmode: 'numeric',
        min: RECORD_RULES.minTtl, max: RECORD_RULES.maxTtl, value: record.ttl ?? RECORD_RULES.defaultTtl,
      })
    );
    const hint = () => (value.placeholder = VALUE_HINTS[type.value] ?? '');
    const row = h(
      'div',
      { class: 'record-row' },
      h('label', { for: type.id }, 'Type'),
      type,
      h('label', { for: value.id }, 'Value'),
      value,
      h('label', { for: ttl.id }, 'TTL (s)'),
      ttl,
      h('button', { type: 'button', class: 'link', 'aria-label': 'Remove this record', onclick: () => { row.remove(); onChange(); } }, 'Remove'),
      h('div', { class: 'row-error', id: `rec-error-${n}`, 'aria-live': 'polite' }),
    );
    type.addEventListener('change', hint);
    hint();
    // As the user types: every row says what is wrong with it, at once.
    for (const input of [type, value, ttl]) {
      input.addEventListener('input', () => {
        checkRow(row);
        onChange();
      });
    }
    list.append(row);
  };

  const rows = () => /** @type {HTMLElement[]} */ ([...list.querySelectorAll('.record-row')]);
  container.replaceChildren(list, h('button', { type: 'button', onclick: () => { addRow(); onChange(); } }, 'Add a record'));
  /** @param {RecordInput[]} records */
  const reset = (records) => {
    list.replaceChildren();
    for (const record of records) addRow(record);
  };
  reset(initial);
  return {
    records: () => rows().map(rowRecord),
    check: () => rows().map(checkRow).every(Boolean),
    reset(records = initial) {
      reset(records);
      onChange();
    },
    get size() {
      return rows().length;
    },
  };
}
