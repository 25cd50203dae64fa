/** @param {Flags} flags @returns {Promise<Keys>} */
export function loadKeys(flags: Flags): Promise<Keys>;
/**
 * `vns key new|show|export|import`. Returns [json value, human text].
 * @param {string[]} rest @param {Flags} flags
 * @returns {Promise<[unknown, string]>}
 */
export function keyCommand(rest: string[], flags: Flags): Promise<[unknown, string]>;
export function keyPath(flags: Flags): string;
/** Said wherever a phrase is shown. */
export const PHRASE_WARNING: "These 24 words are your key: anyone who has them owns your names. Write them down, keep them offline, never paste them into a web page you do not trust.";
export type Flags = import("./options.js").Flags;
import { Keys } from '../node.js';
