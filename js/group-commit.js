// @ts-check
/**
 * Group commit: callers that need their change on disk share saves. A caller arriving while
 * no save runs starts one; callers arriving while one is in flight (whose changes it may have
 * missed) all wait for the one save that starts after it, instead of one save each. Every
 * caller still resolves only once a save that started after its change was applied has
 * committed, so an acknowledgement after `await commit()` means durable.
 *
 * ```js
 * const commit = groupCommit(() => vns.save());
 * vns.submit(bytes);   // the change is applied (synchronously) ...
 * await commit();      // ... and on disk, shared with every concurrent caller
 * ```
 * @module
 */

/**
 * @template T
 * @param {() => Promise<T>} save one save of everything applied so far
 * @returns {() => Promise<T>} waits for a save that covers every change applied before the call
 */
export function groupCommit(save) {
  /** @type {Promise<T> | undefined} the save in flight */
  let running;
  /** @type {Promise<T> | undefined} the save queued behind it, shared by everyone waiting */
  let queued;
  const start = () => {
    const current = save();
    running = current;
    const clear = () => {
      if (running === current) running = undefined;
    };
    current.then(clear, clear);
    return current;
  };
  return () => {
    if (queued) return queued;
    if (!running) return start();
    const next = running.then(
      () => {},
      () => {},
    ).then(() => {
      queued = undefined;
      return start();
    });
    queued = next;
    return next;
  };
}
