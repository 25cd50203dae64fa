// @ts-check
/**
 * The proof-of-work Web Worker (a module worker, started by `workerSolver`): searches nonces
 * off the page's thread so the page stays responsive. It never stops by itself before a nonce
 * is found; the page cancels a search by terminating the worker.
 *
 * Messages in: `{ type: 'solve', task, start }`. Messages out: `{ type: 'progress', attempts }`
 * after each chunk, then `{ type: 'found', nonce, attempts }` or `{ type: 'error', message, code }`.
 *
 * @module
 */
import init, { powSearch } from '../pkg/web/vns.js';

/** @typedef {import('./inline-solver.js').PowTask} PowTask */
/** @typedef {{ type: 'solve', task: PowTask, start: number }} SolveMessage */
/**
 * @typedef {{ type: 'progress', attempts: number }
 *   | { type: 'found', nonce: number, attempts: number }
 *   | { type: 'error', message: string, code: string | undefined }} WorkerReply
 */

/** The small part of the worker's global scope used here (the DOM lib has no worker types). */
const scope = /** @type {{
 *   addEventListener(type: 'message', listener: (event: MessageEvent<SolveMessage>) => void): void,
 *   postMessage(message: WorkerReply): void,
 * }} */ (/** @type {unknown} */ (globalThis));

/** First chunk: small, so that even an easy search reports progress before it ends. */
const FIRST_CHUNK = 64;
const MAX_CHUNK = 1 << 20;
/** Chunks grow until one takes about this long: frequent progress, little overhead. */
const TARGET_CHUNK_MS = 25;

// Fetches the wasm next to the glue once; a second search in this worker reuses it.
const ready = init();

scope.addEventListener('message', async (event) => {
  const { task, start } = event.data;
  try {
    await ready;
    scope.postMessage(search(task, start));
  } catch (error) {
    const { message, code } = /** @type {{ message?: string, code?: string }} */ (error ?? {});
    scope.postMessage({ type: 'error', message: message ?? String(error), code });
  }
});

/**
 * Searches from `start` upwards in growing chunks, posting progress after each.
 * @param {PowTask} task
 * @param {number} start
 * @returns {WorkerReply}
 */
function search({ name, owner, ts, difficulty }, start) {
  let chunk = FIRST_CHUNK;
  let attempts = 0;
  for (;;) {
    const began = performance.now();
    const nonce = powSearch(name, owner, ts, difficulty, start + attempts, chunk);
    if (nonce !== undefined) return { type: 'found', nonce, attempts: nonce - start + 1 };
    attempts += chunk;
    scope.postMessage({ type: 'progress', attempts });
    if (performance.now() - began < TARGET_CHUNK_MS) chunk = Math.min(chunk * 2, MAX_CHUNK);
  }
}
