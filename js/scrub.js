// @ts-check
/**
 * The scrubber of `vns serve`: every `--scrub-interval` (default 6 h; 0 turns it off), and on
 * demand (`POST /api/vns/scrub`), one pass of `vns.scrub()` over the stored blocks, in the
 * background: each block the root reaches is read back and checked against its CID, and a
 * damaged one is written again from memory (the running node still holds it). A block that
 * could not be written again is logged as an error; nothing is ever deleted. Progress is in
 * `status.scrub`, counts in `/metrics` (`vns_scrub_*`).
 *
 * ```js
 * const scrubber = startScrubber(vns, { intervalMs: 6 * 3600_000, log, counts });
 * await scrubber.run(); // or let the timer start it
 * scrubber.status();    // { state: 'idle', checked, total, damaged, repaired, lastRun, … }
 * scrubber.stop();
 * ```
 * @module
 */

/** Default time between scrub passes: 6 hours. */
export const DEFAULT_SCRUB_INTERVAL_MS = 6 * 60 * 60 * 1000;

/** Blocks read per scrub step (a save waits for at most one step). */
const SCRUB_BATCH = 512;

/**
 * What `status.scrub` says: whether a pass runs and how far it got, what the last finished
 * pass found, and when the next one starts.
 * @typedef {{
 *   state: 'idle' | 'running',
 *   intervalMs: number,
 *   checked: number,
 *   total: number,
 *   runs: number,
 *   lastRun: { started: string, finished: string, checked: number, damaged: number, repaired: number, error?: string } | null,
 *   nextRun: string | null,
 * }} ScrubStatus
 */

/**
 * Counters the scrubber adds to (the server's `ServerCounts`).
 * @typedef {{ scrubRuns: number, scrubChecked: number, scrubDamaged: number, scrubRepaired: number }} ScrubCounts
 */

/**
 * Starts the periodic scrub of `vns`'s storage.
 * @param {import('./core.js').Vns} vns
 * @param {{ intervalMs?: number, log: import('./server-log.js').Log, counts: ScrubCounts }} options
 */
export function startScrubber(vns, { intervalMs = DEFAULT_SCRUB_INTERVAL_MS, log, counts }) {
  /** @type {Promise<NonNullable<ScrubStatus['lastRun']>> | undefined} */
  let running;
  /** @type {ScrubStatus['lastRun']} */
  let lastRun = null;
  let progress = { checked: 0, total: 0 };
  let nextAt = intervalMs > 0 ? Date.now() + intervalMs : null;

  const pass = async () => {
    const started = new Date().toISOString();
    progress = { checked: 0, total: 0 };
    log('info', 'scrub-started', 'scrub: checking every stored block against its CID', {});
    let repaired = 0;
    let damaged = 0;
    /** @type {string | undefined} */
    let error;
    try {
      const result = await vns.scrub({
        batch: SCRUB_BATCH,
        onProgress: (step) => {
          progress = { checked: step.checked, total: step.total };
          for (const d of step.damaged) {
            damaged += 1;
            counts.scrubDamaged += 1;
            if (d.repaired) {
              repaired += 1;
              counts.scrubRepaired += 1;
              log('warn', 'scrub-repaired', `scrub: block ${d.cid} was damaged (${d.message}, ${d.code}); written again from memory`, { ...d });
            } else {
              log('error', 'scrub-damage', `scrub: block ${d.cid} is damaged (${d.message}, ${d.code}) and could not be written again: ${step.repairError?.message ?? 'unknown'}`, { ...d });
            }
          }
        },
      });
      counts.scrubChecked += result.checked;
    } catch (e) {
      error = e instanceof Error ? e.message : String(e);
      log('error', 'error', `scrub failed: ${error}`, { type: 'scrub' });
    }
    counts.scrubRuns += 1;
    const run = { started, finished: new Date().toISOString(), checked: progress.checked, damaged, repaired, ...(error && { error }) };
    lastRun = run;
    const level = damaged > repaired || error ? 'error' : damaged ? 'warn' : 'info';
    log(level, 'scrub-finished', `scrub: ${run.checked} blocks checked, ${damaged} damaged, ${repaired} written again`, run);
    return run;
  };

  /** Starts a pass unless one runs; resolves when it (or the one running) ends. */
  const run = () => {
    running ??= pass().finally(() => {
      running = undefined;
      if (intervalMs > 0) nextAt = Date.now() + intervalMs;
    });
    return running;
  };
  const timer = intervalMs > 0 ? setInterval(() => void run(), intervalMs) : undefined;
  timer?.unref?.();
  return {
    run,
    /** @returns {ScrubStatus} */
    status: () => ({
      state: running ? 'running' : 'idle',
      intervalMs,
      ...progress,
      runs: counts.scrubRuns,
      lastRun,
      nextRun: nextAt === null ? null : new Date(nextAt).toISOString(),
    }),
    /** Stops the timer and waits for a pass under way. */
    async stop() {
      clearInterval(timer);
      await running?.catch(() => {});
    },
  };
}
