/**
 * How the `vns` command fails: exit codes and errors that carry a dotted code.
 * @module
 */
/** Exit codes. */
export const EXIT: Readonly<{
    ok: 0;
    failed: 1;
    usage: 2;
    unreachable: 3;
}>;
/** A failure with an exit code and a VNS-style error code. */
export class CliError extends Error {
    /** @param {string} code @param {string} message @param {number} [exit] */
    constructor(code: string, message: string, exit?: number);
    code: string;
    exit: number;
}
export function usage(message: string): CliError;
