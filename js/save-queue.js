// @ts-check
/**
 * When a `Vns` node writes to its storage: saves and collections run one at a time, a change
 * schedules an automatic save a little later (so a burst is written once), and the
 * `SaveState` follows where the changes stand. The writing itself is the core's; this only
 * orders and times it.
 *
 * ```js
 * const saves = new SaveQueue({ delayMs: 200, onState: console.log, autosave: () => node.save() });
 * saves.changed();                                  // state 'pending', a save in 200 ms
 * await saves.run(() => node.save());               // 'saving', then 'saved'
 * ```
 * @module
 */

/** @typedef {import('./vns-events.js').SaveState} SaveState */

/**
 * What a `SaveQueue` needs from its node.
 * @typedef {{
 *   delayMs: number,
 *   onState: (state: SaveState) => void,
 *   autosave: () => void,
 * }} SaveQueueOptions
 */

/** Serialised saves, the automatic save after a change, and the save state. */
export class SaveQueue {
  /** @type {Promise<unknown>} */ #chain = Promise.resolve();
  /** @type {SaveState} */ #state = 'saved';
  /** A change arrived since the running save took its blocks. */
  #changedSinceSave = false;
  /** @type {ReturnType<typeof setTimeout> | undefined} */ #timer;
  #closed = false;
  /** @type {SaveQueueOptions} */ #options;

  /** @param {SaveQueueOptions} options */
  constructor(options) {
    this.#options = options;
  }

  /** Where the node's changes stand with its storage. */
  get state() {
    return this.#state;
  }

  /**
   * Runs `write` (a save, or a collection, which saves first) after every earlier one
   * settled (they must not overlap), keeping the state in step with it.
   * @template T
   * @param {() => Promise<T>} write
   * @returns {Promise<T>}
   */
  run(write) {
    const next = this.#chain.catch(() => {}).then(() => this.#track(write));
    this.#chain = next;
    return next;
  }

  /**
   * Runs `task` between saves (after the one in flight, before the next) without counting
   * it as a save: the save state is left alone. For upkeep that must not interleave with a
   * save, such as a scrub step.
   * @template T
   * @param {() => Promise<T>} task
   * @returns {Promise<T>}
   */
  between(task) {
    const next = this.#chain.catch(() => {}).then(task);
    this.#chain = next;
    return next;
  }

  /** A change arrived: the state is `pending` (unless a save runs) and a save is due soon. */
  changed() {
    this.#changedSinceSave = true;
    if (this.#state !== 'saving') this.#setState('pending');
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#closed) this.#options.autosave();
    }, this.#options.delayMs);
  }

  /** No automatic save from now on (the node saves once more as it closes). */
  close() {
    this.#closed = true;
    clearTimeout(this.#timer);
  }

  /**
   * @template T
   * @param {() => Promise<T>} write
   * @returns {Promise<T>}
   */
  async #track(write) {
    this.#changedSinceSave = false;
    this.#setState('saving');
    try {
      const result = await write();
      this.#setState(this.#changedSinceSave ? 'pending' : 'saved');
      return result;
    } catch (error) {
      this.#setState('failed');
      throw error;
    }
  }

  /** @param {SaveState} state */
  #setState(state) {
    if (state === this.#state) return;
    this.#state = state;
    this.#options.onState(state);
  }
}
