// @ts-check
/**
 * Proof-of-work solvers: the types every solver shares, and the default one, which searches
 * on the calling thread (`workerSolver` in `worker-solver.js` searches in Web Workers).
 *
 * ```js
 * const solve = inlineSolver({ powSearch }, 4096);
 * const nonce = await solve({ name: 'alice.vfs', owner, ts, difficulty: 8 }, {});
 * ```
 * @module
 */

/**
 * A proof-of-work job: find a nonce for `name`, `owner` and `ts` at `difficulty` bits.
 * @typedef {{ name: string, owner: string, ts: number, difficulty: number }} PowTask
 */

/**
 * Progress of a proof-of-work search: nonces tried so far, and the expected total.
 * @typedef {{ attempts: number, expected: number }} PowProgress
 */

/**
 * Finds a proof-of-work nonce (for example in a Web Worker). Rejects with an `AbortError`
 * when `signal` aborts.
 * @typedef {(task: PowTask, options: {
 *   onProgress?: (progress: PowProgress) => void,
 *   signal?: AbortSignal,
 * }) => Promise<number>} PowSolver
 */

/** What the inline solver needs from the wasm module. @typedef {{ powSearch: typeof import('../pkg/web/vns.js').powSearch }} PowWasm */

/** Nonces tried per proof-of-work chunk before yielding to the event loop. */
export const DEFAULT_POW_CHUNK = 8192;

/** Lets timers, I/O and abort signals run between proof-of-work chunks. */
const yieldToEventLoop = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * The default solver: `powSearch` in chunks on this thread, yielding to the event loop
 * between chunks so timers, I/O and abort signals keep running.
 * @param {PowWasm} wasm
 * @param {number} [chunkSize]
 * @returns {PowSolver}
 */
export function inlineSolver(wasm, chunkSize = DEFAULT_POW_CHUNK) {
  return async ({ name, owner, ts, difficulty }, { onProgress, signal } = {}) => {
    const expected = 2 ** difficulty;
    for (let start = 0; ; start += chunkSize) {
      signal?.throwIfAborted();
      const nonce = wasm.powSearch(name, owner, ts, difficulty, start, chunkSize);
      if (nonce !== undefined) return nonce;
      onProgress?.({ attempts: start + chunkSize, expected });
      await yieldToEventLoop();
    }
  };
}

