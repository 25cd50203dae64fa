// @ts-check
/**
 * Cleanup registered on a `Vns` or a `LightVns` and run once when it closes (network adapters
 * use it to stop reconnecting). Both classes share this one implementation.
 *
 * ```js
 * const hooks = new CloseHooks();
 * const forget = hooks.add(() => clearTimeout(retry));
 * hooks.run(); // runs every hook still registered, once
 * ```
 * @module
 */

/** Functions to run on close, each once. */
export class CloseHooks {
  /** @type {Set<() => void>} */ #hooks = new Set();

  /**
   * Registers `fn`.
   * @param {() => void} fn
   * @returns {() => void} unregisters it
   */
  add(fn) {
    this.#hooks.add(fn);
    return () => this.#hooks.delete(fn);
  }

  /** Runs every registered hook, in registration order, and forgets them. */
  run() {
    const hooks = [...this.#hooks];
    this.#hooks.clear();
    for (const fn of hooks) fn();
  }
}
