// @ts-check
/**
 * The answer cache of `Vns.resolve`: frozen answers by the name as asked, forgotten when the
 * core's `change` event names them.
 *
 * ```js
 * const cache = new AnswerCache();
 * cache.set('Alice', deepFreeze(answer)); // answer.name === 'alice.vfs'
 * cache.forget('alice.vfs');             // every spelling of it goes
 * ```
 * @module
 */

/** @typedef {import('../pkg/web/vns.js').Resolved} Resolved */

/**
 * Freezes an answer and what it holds, so a cached answer cannot be changed by a caller.
 * @template T
 * @param {T} value
 * @returns {T}
 */
export function deepFreeze(value) {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * Freezes a resolve answer as `deepFreeze` would, knowing its shape: each record, the
 * records, the answer (the other fields are strings, numbers and null). Walking it with
 * `Object.values` made an array per object on every first resolve.
 *
 * ```js
 * const answer = freezeAnswer(node.resolve('alice', Date.now()));
 * Object.isFrozen(answer.records[0]); // true
 * ```
 * @param {Resolved} answer
 * @returns {Resolved}
 */
export function freezeAnswer(answer) {
  const { records } = answer;
  for (let i = 0; i < records.length; i++) Object.freeze(records[i]);
  Object.freeze(records);
  return Object.freeze(answer);
}

/** Most answers kept; past this the cache starts over (it refills from the core). */
const MAX_CACHED_ANSWERS = 1 << 20;

/**
 * Resolved answers keyed by the name as the caller wrote it (`alice`, `Alice.vfs`, …), and
 * forgotten by canonical name when a `change` event names it. A change event follows every
 * change to the store (local, from peers, sweeps), so a cached answer is never stale; expiry
 * is checked on every hit.
 */
export class AnswerCache {
  /** @type {Map<string, Resolved>} */ #byAsked = new Map();
  /** @type {Map<string, string[]>} */ #askedAs = new Map();

  /** @param {string} asked */
  get(asked) {
    return this.#byAsked.get(asked);
  }

  /** @param {string} asked @param {Resolved} answer */
  set(asked, answer) {
    if (this.#byAsked.size >= MAX_CACHED_ANSWERS) this.clear();
    this.#byAsked.set(asked, answer);
    // Asked by its canonical name (the usual case), the answer needs no list of spellings:
    // `forget` drops that key itself. Skipping the list halves what a first resolve stores.
    if (asked === answer.name) return;
    const spellings = this.#askedAs.get(answer.name);
    if (!spellings) this.#askedAs.set(answer.name, [asked]);
    else if (!spellings.includes(asked)) spellings.push(asked);
  }

  clear() {
    this.#byAsked.clear();
    this.#askedAs.clear();
  }

  /** @param {string} canonical */
  forget(canonical) {
    this.#byAsked.delete(canonical);
    for (const asked of this.#askedAs.get(canonical) ?? []) this.#byAsked.delete(asked);
    this.#askedAs.delete(canonical);
  }
}

