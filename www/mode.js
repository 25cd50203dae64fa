// @ts-check
/**
 * Which client the page runs: `light` (answers verified one name at a time, nothing else
 * downloaded) or `full` (a verified copy of every name in this browser). The choice is kept in
 * localStorage, so it persists across reloads and is shared by the origin's tabs; a first
 * visit gets `DEFAULT_MODE`.
 * @module
 */

/** @typedef {'light' | 'full'} Mode */

/** Where the choice is kept. */
const MODE_KEY = 'vns-www-mode';

/** The mode of a first visit. */
export const DEFAULT_MODE = /** @type {Mode} */ ('light');

/** Why, in one sentence, shown beside the switch. */
export const DEFAULT_MODE_REASON =
  'Light is the default for a first visit because it answers the first lookup, verified, without downloading the whole namespace first.';

/**
 * How old an answer no node has vouched for (after a reload offline) may get before it is
 * shown as possibly stale: five minutes, or `?staleAfterMs=N` in the page's address (a test
 * aid, read at each start).
 */
const STALE_AFTER_MS = 5 * 60_000;

/** The mode chosen in this browser, or the default. @returns {Mode} */
export function chosenMode() {
  const kept = localStorage.getItem(MODE_KEY);
  return kept === 'light' || kept === 'full' ? kept : DEFAULT_MODE;
}

/** Whether the mode was ever chosen here (a first visit has not). */
export function modeChosen() {
  return localStorage.getItem(MODE_KEY) !== null;
}

/**
 * Keeps `mode` as this browser's choice and starts the page again in it (each mode opens its
 * own client and database; neither is deleted).
 * @param {Mode} mode
 */
export function switchMode(mode) {
  localStorage.setItem(MODE_KEY, mode);
  location.reload();
}

/** The light client's `staleAfterMs`. @returns {number} */
export function staleAfterMs() {
  const asked = new URLSearchParams(location.search).get('staleAfterMs');
  const ms = asked === null ? NaN : Number(asked);
  return Number.isSafeInteger(ms) && ms >= 0 ? ms : STALE_AFTER_MS;
}
