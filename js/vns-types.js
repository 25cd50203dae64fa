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
 * Options of `open`: the wasm node's options plus the shim's timers. `shareTabs` (browsers,
 * IndexedDB storage; default `true`): tabs of the origin that open the same database share
 * it, one leading tab writing it (see tabs.js); `false` opens the database in this tab
 * whatever the others do.
 * @typedef {VnsNodeOptions & {
 *   sweepIntervalMs?: number,
 *   tickIntervalMs?: number,
 *   saveDelayMs?: number,
 *   now?: () => number,
 *   shareTabs?: boolean,
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

/**
 * Where a follower tab's owner changes go: `build` makes the change on a node of the
 * relay's choosing; settles once the leading tab accepted it, or rejects with its code.
 * @typedef {(name: string, build: (node: import('../pkg/web/vns.js').VnsNode, now: number) => import('../pkg/web/vns.js').Committed) => Promise<void>} ChangeRelay
 */

/**
 * What tabs.js may do to a `Vns` that its public API does not offer (`tabHooks` in core.js).
 * @typedef {{
 *   setRole(role: import('./vns-events.js').TabRole): void,
 *   setRelay(relay: ChangeRelay | undefined): void,
 *   setLeaderStatus(status: import('./vns-events.js').LeaderStatus): void,
 *   adopt(node: import('../pkg/web/vns.js').VnsNode): Promise<void>,
 *   now(): number,
 *   whenClosed(): Promise<void>,
 *   reportError(detail: import('./vns-events.js').VnsErrorDetail): void,
 * }} TabHooks
 */

export {};
