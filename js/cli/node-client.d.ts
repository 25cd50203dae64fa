/**
 * Calls the node's HTTP API. Errors from the node keep their rule code.
 * @param {Flags} flags @param {string} path @param {RequestInit} [init]
 */
export function call(flags: Flags, path: string, init?: RequestInit): Promise<Response>;
/**
 * A throwaway in-memory node on the same network as the server.
 * @param {Flags} flags
 */
export function clientNode(flags: Flags): Promise<import("../core.js").Vns>;
/**
 * Runs `body` on a client node and closes it afterwards.
 * @template T
 * @param {Flags} flags @param {(client: Vns) => Promise<T>} body
 * @returns {Promise<T>}
 */
export function withClient<T>(flags: Flags, body: (client: Vns) => Promise<T>): Promise<T>;
/** Sends a signed entry block. @param {Flags} flags @param {Uint8Array} bytes */
export function send(flags: Flags, bytes: Uint8Array): Promise<any>;
/**
 * Fetches the name's current entry into `client`, so a change can be built on it.
 * @param {Flags} flags @param {Vns} client @param {string} name
 */
export function loadEntry(flags: Flags, client: Vns, name: string): Promise<void>;
/**
 * Fetches the name's entry if the node holds one. Only an unreachable node is an error here:
 * anything else (not held, lapsed) is left for the core to judge.
 * @param {Flags} flags @param {Vns} client @param {string} name
 */
export function loadHeld(flags: Flags, client: Vns, name: string): Promise<void>;
export function nodeUrl(flags: Flags): string;
export function getJson(flags: Flags, path: string): Promise<any>;
export type Flags = import("./options.js").Flags;
export type Vns = import("../core.js").Vns;
