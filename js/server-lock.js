// @ts-check
/**
 * One `vns serve` per data folder: the folder's lock file `LOCK` names the process that
 * holds it (pid, host, start time). A second server on the folder refuses to start while that
 * process lives; a lock left by a killed process (SIGKILL, power loss) is taken over at once,
 * because its pid no longer runs.
 *
 * A lock is created with an exclusive create, so of two servers starting together one wins.
 * Taking over a dead holder's lock is guarded by a second exclusive file (`LOCK.takeover`),
 * so two servers recovering the same stale lock cannot both remove it and both start.
 *
 * ```js
 * const lock = await lockDataFolder('./vns-data'); // throws serve.data_locked if held
 * // … run the node …
 * await lock.release();
 * ```
 * @module
 */
import { mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

/** The lock file's name inside the data folder. */
export const LOCK_FILE = 'LOCK';
/** A lock file younger than this with no readable holder is being written: wait for it. */
const YOUNG_MS = 2000;
/** Pause between attempts while another process writes or takes over the lock. */
const RETRY_MS = 50;
/** Attempts before giving up on a lock that keeps changing under us. */
const ATTEMPTS = 100;

/** Who holds a lock. @typedef {{ pid: number, host: string, started: string }} LockHolder */

/** The data folder is held by another live process. */
export class DataLockedError extends Error {
  code = 'serve.data_locked';
  /** @param {string} message @param {LockHolder} holder */
  constructor(message, holder) {
    super(message);
    this.holder = holder;
  }
}

/** @param {string} file @returns {Promise<{ holder: LockHolder | undefined, text: string } | undefined>} undefined: no file */
async function readHolder(file) {
  let text;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if (/** @type {NodeJS.ErrnoException} */ (e).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const parsed = JSON.parse(text);
    const valid = Number.isSafeInteger(parsed?.pid) && parsed.pid > 0 && typeof parsed.host === 'string';
    return { holder: valid ? { pid: parsed.pid, host: parsed.host, started: String(parsed.started ?? '') } : undefined, text };
  } catch {
    return { holder: undefined, text };
  }
}

/** Whether `holder` still runs (a holder on another host cannot be checked: it counts as live). @param {LockHolder} holder */
function alive(holder) {
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to another user.
    return /** @type {NodeJS.ErrnoException} */ (e).code === 'EPERM';
  }
}

/** @param {string} file @param {string} text @returns {Promise<boolean>} created (false: it exists) */
async function createExclusive(file, text) {
  try {
    await writeFile(file, text, { flag: 'wx' });
    return true;
  } catch (e) {
    if (/** @type {NodeJS.ErrnoException} */ (e).code === 'EEXIST') return false;
    throw e;
  }
}

/** @param {string} file */
async function removeIfPresent(file) {
  await unlink(file).catch((e) => {
    if (e.code !== 'ENOENT') throw e;
  });
}

const pause = () => new Promise((r) => setTimeout(r, RETRY_MS));

/**
 * Removes the lock file if it still holds `staleText` (a dead holder's, or an abandoned
 * partial write), under the takeover guard.
 * @param {string} file @param {string} staleText @param {string} ours
 */
async function takeOver(file, staleText, ours) {
  const guard = `${file}.takeover`;
  if (!(await createExclusive(guard, ours))) {
    const other = await readHolder(guard);
    // A guard whose writer died (killed mid-takeover) is removed; a live one is waited for.
    if (other && (!other.holder || !alive(other.holder))) await removeIfPresent(guard);
    else await pause();
    return;
  }
  try {
    const now = await readHolder(file);
    if (now && now.text === staleText) await removeIfPresent(file);
  } finally {
    await removeIfPresent(guard);
  }
}

/**
 * Takes the lock of the data folder `dir` (created if missing) for this process.
 * @param {string} dir
 * @returns {Promise<{ path: string, release(): Promise<void> }>}
 * @throws {DataLockedError} when another live process holds it
 */
export async function lockDataFolder(dir) {
  const folder = resolve(dir);
  await mkdir(folder, { recursive: true });
  const file = join(folder, LOCK_FILE);
  const ours = JSON.stringify({ pid: process.pid, host: hostname(), started: new Date().toISOString() });
  for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
    if (await createExclusive(file, ours)) {
      return {
        path: file,
        async release() {
          const now = await readHolder(file).catch(() => undefined);
          if (now?.text === ours) await removeIfPresent(file);
        },
      };
    }
    const found = await readHolder(file);
    if (!found) continue; // released meanwhile: try again
    const { holder, text } = found;
    if (holder && alive(holder)) {
      const where = holder.host === hostname() ? `process ${holder.pid}` : `process ${holder.pid} on ${holder.host}`;
      throw new DataLockedError(
        `the data folder ${folder} is in use by another vns serve (${where}, started ${holder.started}); ` +
          `stop it, or give this one another folder with --data DIR (or --memory)`,
        holder,
      );
    }
    if (!holder) {
      // Unreadable: either being written right now, or left half-written by a killed process.
      const age = await stat(file).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age < YOUNG_MS) {
        await pause();
        continue;
      }
    }
    await takeOver(file, text, ours);
  }
  throw Object.assign(new Error(`could not take the lock ${file}: it kept changing; is another vns serve starting on ${folder}?`), {
    code: 'serve.data_locked',
  });
}
