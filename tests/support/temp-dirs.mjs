// @ts-check
/**
 * Temporary folders for one test file, all removed once its last test has run.
 *
 * ```js
 * const tempDir = tempDirs('vns-serve-');
 * const data = await tempDir(); // a fresh, empty folder under the OS's temp folder
 * ```
 * @module
 */
import { after } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A maker of fresh temporary folders named `PREFIX…`, removed after the calling file's tests.
 * @param {string} prefix
 * @returns {() => Promise<string>}
 */
export function tempDirs(prefix) {
  /** @type {string[]} */
  const dirs = [];
  after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
}
