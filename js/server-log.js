// @ts-check
/**
 * The log of `vns serve`: one line per event, with a level (`error`, `warn`, `info`,
 * `debug`), as a human sentence by default or as a JSON object with `--json`. Lines under the
 * chosen level are dropped.
 *
 * ```js
 * const log = createLogger({ json: false, level: 'info' });
 * log('info', 'op', 'accepted alice.vfs', { name: 'alice.vfs' });
 * // 2026-12-01T12:00:00.000Z info  accepted alice.vfs
 * ```
 *
 * A JSON line carries `time`, `level`, `event`, `message` and the fields:
 * `{"time":"…","level":"info","event":"op","message":"accepted alice.vfs","name":"alice.vfs"}`.
 * @module
 */
import { LOG_LEVELS } from './node-options.js';

/** @typedef {import('./node-options.js').LogLevel} LogLevel */

/**
 * Writes one log line: its level, a short stable event name, a sentence for people, and
 * fields for machines.
 * @typedef {(level: LogLevel, event: string, message: string, fields?: Record<string, unknown>) => void} Log
 */

/**
 * Where lines go: JSON lines and human `info`/`debug` lines to `out`, human `warn`/`error`
 * lines to `err`.
 * @typedef {{ out: (line: string) => void, err: (line: string) => void }} LogSink
 */

/** @type {LogSink} */
const STANDARD_STREAMS = {
  out: (line) => void process.stdout.write(`${line}\n`),
  err: (line) => void process.stderr.write(`${line}\n`),
};

/**
 * A logger.
 * @param {{ json?: boolean, level?: LogLevel, sink?: LogSink, now?: () => Date }} [options]
 * @returns {Log}
 */
export function createLogger({ json = false, level = 'info', sink = STANDARD_STREAMS, now = () => new Date() } = {}) {
  const shown = LOG_LEVELS.indexOf(level);
  return (lineLevel, event, message, fields = {}) => {
    if (LOG_LEVELS.indexOf(lineLevel) > shown) return;
    const time = now().toISOString();
    if (json) {
      sink.out(JSON.stringify({ time, level: lineLevel, event, message, ...fields }));
      return;
    }
    const line = `${time} ${lineLevel.padEnd(5)} ${message}`;
    if (lineLevel === 'error' || lineLevel === 'warn') sink.err(line);
    else sink.out(line);
  };
}

/** A logger that drops everything (the default of `startServer`). @type {Log} */
export const silentLog = () => {};
