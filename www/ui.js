// @ts-check
/**
 * Small DOM helpers shared by the views: building elements, formatting times, errors and
 * records (the record editor is in records-editor.js). No framework: views rebuild their little trees on change.
 * @module
 */
/** @typedef {import('../js/core.js').Resolved} Resolved */

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

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * A length of time in words, rounded to its largest unit: `formatDuration(90_000)` is
 * "2 minutes", `formatDuration(3 * 86_400_000)` "3 days".
 * @param {number} ms
 * @returns {string}
 */
export function formatDuration(ms) {
  const units = /** @type {const} */ ([[DAY_MS, 'day'], [HOUR_MS, 'hour'], [MINUTE_MS, 'minute'], [1000, 'second']]);
  for (const [size, unit] of units) {
    if (ms >= size || size === 1000) {
      const n = Math.round(ms / size);
      return `${n} ${unit}${n === 1 ? '' : 's'}`;
    }
  }
  return '';
}

/** @param {number} ms a time @returns {string} the date and time as this browser writes them */
export function formatTime(ms) {
  return new Date(ms).toLocaleString();
}

/**
 * How long until `ms`: "in 12 days", "in 3 hours", or "expired 2 minutes ago".
 * @param {number} ms @param {number} [now]
 * @returns {string}
 */
export function formatLeft(ms, now = Date.now()) {
  return ms > now ? `${formatDuration(ms - now)} left` : `${formatDuration(now - ms)} ago`;
}

/**
 * Whole days left until `ms` (0 on the last day, negative once past).
 * @param {number} ms @param {number} [now]
 */
export function daysLeft(ms, now = Date.now()) {
  return Math.floor((ms - now) / DAY_MS);
}

/** @param {number} ms @returns {string} a date and a relative time */
export function formatExpiry(ms) {
  return `${formatTime(ms)} (${ms > Date.now() ? 'in ' + formatDuration(ms - Date.now()) : 'expired'})`;
}

/** @param {number} seconds @returns {string} */
export function formatTtl(seconds) {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/**
 * An error as the user reads it: the core's sentence (`message`), and its stable `code` in a
 * detail line for reports and searches.
 * @param {unknown} error
 * @param {{ prefix?: string, class?: string }} [options] `prefix` goes before the sentence
 * @returns {HTMLElement}
 */
export function errorMessage(error, { prefix = '', class: className = 'error' } = {}) {
  const { code, message } = /** @type {{ code?: string, message?: string }} */ (error ?? {});
  return h(
    'p',
    { class: className, 'data-code': code },
    h('span', { class: 'message' }, `${prefix}${message ?? String(error)}`),
    code && h('span', { class: 'code-detail' }, 'Error code ', h('code', {}, code)),
  );
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
