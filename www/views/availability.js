// @ts-check
/**
 * A name's availability in words, as the core answers it (`vns.availability`): free, taken
 * (by whom, until when), in its grace period, or not a valid name (the core's sentence).
 * @module
 */
import { h, errorMessage, formatTime, formatExpiry } from '../ui.js';

/** @typedef {import('../../pkg/web/vns.js').NameAvailability} Availability */

/**
 * The availability line for `answer`; `self` is this browser's key id, if it has one.
 * @param {Availability} answer
 * @param {string | undefined} self
 * @returns {HTMLElement}
 */
export function availabilityLine(answer, self) {
  const { name, state, owner, expires, graceEnds } = answer;
  const by = () => (owner === self ? h('strong', {}, 'your key') : h('code', { class: 'id' }, owner ?? ''));
  switch (state) {
    case 'free':
      return h('p', { class: 'verified', 'data-state': state }, `${name} is free.`);
    case 'taken':
      return h('p', { class: 'notice', 'data-state': state },
        `${name} is taken: owned by `, by(), ` until ${formatExpiry(expires ?? 0)}.`);
    case 'grace':
      return h('p', { class: 'notice', 'data-state': state },
        `${name} expired on ${formatTime(expires ?? 0)} and is in its grace period until ${formatTime(graceEnds ?? 0)}: `,
        'only its owner (', by(), ') can renew it until then; after that anyone can register it.');
    default:
      return h('div', { 'data-state': state }, errorMessage(answer, { class: 'field-error' }));
  }
}
