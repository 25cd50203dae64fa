// @ts-check
/**
 * How the `vns` command fails: exit codes and errors that carry a dotted code.
 * @module
 */

/** Exit codes. */
export const EXIT = Object.freeze({ ok: 0, failed: 1, usage: 2, unreachable: 3 });

/** A failure with an exit code and a VNS-style error code. */
export class CliError extends Error {
  /** @param {string} code @param {string} message @param {number} [exit] */
  constructor(code, message, exit = EXIT.failed) {
    super(message);
    this.code = code;
    this.exit = exit;
  }
}

/** A usage error (exit code 2). @param {string} message */
export const usage = (message) => new CliError('cli.usage', message, EXIT.usage);
