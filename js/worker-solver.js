// @ts-check
/**
 * A proof-of-work solver that runs in module Web Workers (browsers, Deno), for
 * `vns.register(keys, name, records, { solve: workerSolver() })`: the page's thread stays free
 * while the search runs, and aborting terminates the workers at once.
 *
 * @module
 */

/** @typedef {import('./inline-solver.js').PowSolver} PowSolver */
/** @typedef {import('./pow-worker.js').WorkerReply} WorkerReply */

/**
 * Options of `workerSolver`.
 * @typedef {{
 *   threads?: number,
 *   workerUrl?: string | URL,
 * }} WorkerSolverOptions
 */

/**
 * Each worker searches its own range of nonces, this far apart; nonces stay exact JS numbers
 * (below 2^53) for up to 8,192 workers.
 */
const RANGE = 2 ** 40;

/**
 * A solver running `threads` workers (default 1), each on its own range of nonces. Progress
 * is the sum of their attempts. Rejects with the signal's reason (an `AbortError` unless the
 * caller gave another) when `signal` aborts, after terminating the workers.
 *
 * ```js
 * const controller = new AbortController();
 * await vns.register(keys, 'alice', records, {
 *   solve: workerSolver({ threads: 2 }),
 *   onProgress: ({ attempts, expected }) => (bar.value = attempts / expected),
 *   signal: controller.signal,
 * });
 * ```
 * @param {WorkerSolverOptions} [options]
 * @returns {PowSolver}
 */
export function workerSolver(options = {}) {
  const threads = Math.max(1, Math.floor(options.threads ?? 1));
  if (threads * RANGE > Number.MAX_SAFE_INTEGER) throw new RangeError(`threads: at most ${Math.floor(Number.MAX_SAFE_INTEGER / RANGE)}`);
  const workerUrl = options.workerUrl ?? new URL('./pow-worker.js', import.meta.url);
  return (task, { onProgress, signal } = {}) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const expected = 2 ** task.difficulty;
      /** @type {Worker[]} */
      const workers = [];
      const attempts = new Array(threads).fill(0);
      let done = false;
      /** @param {() => void} settle */
      const finish = (settle) => {
        if (done) return;
        done = true;
        for (const worker of workers) worker.terminate();
        signal?.removeEventListener('abort', onAbort);
        settle();
      };
      const onAbort = () => finish(() => reject(signal?.reason));
      signal?.addEventListener('abort', onAbort);

      for (let i = 0; i < threads; i += 1) {
        const worker = new Worker(workerUrl, { type: 'module', name: `vns-pow-${i}` });
        workers.push(worker);
        worker.addEventListener('message', (/** @type {MessageEvent<WorkerReply>} */ event) => {
          if (done) return;
          const reply = event.data;
          if (reply.type === 'error') {
            finish(() => reject(Object.assign(new Error(reply.message), { code: reply.code })));
            return;
          }
          attempts[i] = reply.attempts;
          if (reply.type === 'found') {
            finish(() => resolve(reply.nonce));
            return;
          }
          onProgress?.({ attempts: attempts.reduce((a, b) => a + b, 0), expected });
        });
        // A module that fails to load (404, syntax error) reports here, without details.
        worker.addEventListener('error', (event) => {
          event.preventDefault();
          const detail = event.message ? `: ${event.message}` : ` (${workerUrl} could not be loaded)`;
          finish(() => reject(Object.assign(new Error(`proof-of-work worker failed${detail}`), { code: 'pow.worker_failed' })));
        });
        worker.postMessage({ type: 'solve', task, start: i * RANGE });
      }
    });
}
