// @ts-check
/**
 * One scrub pass of a node's stored blocks (`Vns.scrub`): the core reads back every block
 * the current root reaches, a batch at a time, checks each against its CID and writes
 * damaged ones again from memory; each batch runs between saves, so a pass never
 * interleaves with one. This gathers the batches into the pass's result.
 *
 * ```js
 * const result = await scrubPass(() => node, saves, { batch: 1024, onProgress: console.log });
 * result.damaged.length; // 0 for an intact store
 * ```
 * @module
 */

/** @typedef {import('../pkg/web/vns.js').VnsNode} VnsNode */
/** @typedef {import('../pkg/web/vns.js').ScrubStep} ScrubStep */
/** @typedef {import('./save-queue.js').SaveQueue} SaveQueue */

/**
 * How a pass runs: blocks per batch (default 1024), and who is told after each batch.
 * @typedef {{ batch?: number, onProgress?: (step: ScrubStep) => void }} ScrubOptions
 */

/**
 * What a pass checked and found: blocks checked of the `total` the root reaches, every
 * damaged block, and the first error met writing one again.
 * @typedef {{ checked: number, total: number, damaged: ScrubStep['damaged'], repairError?: Error }} ScrubResult
 */

/**
 * Runs one pass over `node()` (asked at each batch: a follower tab may replace the node),
 * each batch between the saves of `saves`.
 * @param {() => VnsNode} node
 * @param {SaveQueue} saves
 * @param {ScrubOptions} [options]
 * @returns {Promise<ScrubResult>}
 */
export async function scrubPass(node, saves, { batch = 1024, onProgress } = {}) {
  const total = await saves.between(async () => node().scrubStart());
  /** @type {ScrubStep['damaged']} */
  const damaged = [];
  /** @type {Error | undefined} */
  let repairError;
  let checked = 0;
  while (checked < total || total === 0) {
    const step = await saves.between(() => node().scrubStep(batch));
    damaged.push(...step.damaged);
    repairError ??= step.repairError;
    checked = step.checked;
    onProgress?.(step);
    if (step.done) break;
  }
  return { checked, total, damaged, ...(repairError && { repairError }) };
}
