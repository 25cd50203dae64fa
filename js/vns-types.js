// @ts-check
/**
 * The option and handle types of the `Vns` API (`open`, `Vns.register`, `Vns.attach`).
 *
 * ```js
 * import { open } from 'vns';
 * const vns = await open({ storage: 'memory', network: 'testing', saveDelayMs: 50 }); // OpenOptions
 * ```
 * @module
 */

/** @typedef {import('../pkg/web/vns.js').VnsNodeOptions} VnsNodeOptions */
/** @typedef {import('./inline-solver.js').PowProgress} PowProgress */
/** @typedef {import('./inline-solver.js').PowSolver} PowSolver */

/**
 * What `open` needs from the wasm module (its exports once initialised).
 * @typedef {{
 *   VnsNode: typeof import('../pkg/web/vns.js').VnsNode,
 *   powSearch: typeof import('../pkg/web/vns.js').powSearch,
 * }} WasmExports
 */

/**
 * Options of `open`: the wasm node's options plus the shim's timers.
 * @typedef {VnsNodeOptions & {
 *   sweepIntervalMs?: number,
 *   tickIntervalMs?: number,
 *   saveDelayMs?: number,
 *   now?: () => number,
 * }} OpenOptions
 */

/**
 * Returned by `Vns.attach`: the transport reports incoming frames and its own closing here.
 * @typedef {{
 *   readonly peer: number,
 *   receive(bytes: Uint8Array): void,
 *   closed(): void,
 * }} PeerHandle
 */

/**
 * Options of `Vns.register`.
 * @typedef {{
 *   onProgress?: (progress: PowProgress) => void,
 *   signal?: AbortSignal,
 *   chunkSize?: number,
 *   solve?: PowSolver,
 * }} RegisterOptions
 */

export {};
