/**
 * Runs a command about names. Returns [json value, human text, exit code].
 * @param {string} command @param {string[]} rest @param {Flags} flags
 * @returns {Promise<[unknown, string, number] | undefined>} `undefined` for another command
 */
export function nameCommand(command: string, rest: string[], flags: Flags): Promise<[unknown, string, number] | undefined>;
export type Flags = import("./options.js").Flags;
export type Vns = import("../core.js").Vns;
export type Keys = import("../core.js").Keys;
export type RecordInput = import("../core.js").RecordInput;
export type ResolvedName = import("./format.js").ResolvedName;
