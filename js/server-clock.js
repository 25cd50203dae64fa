// @ts-check
/**
 * The clock health of `vns serve` in words: a warning when the node's clock is further from
 * its peers' median than the core tolerates (the core then judges the rules at the peers'
 * time, docs/protocol.md "Clock health"), a line when it is back within the tolerance.
 *
 * ```js
 * logClockHealth(vns, log);
 * // 2026-12-01T12:00:00.000Z warn  this node's clock is 10 min ahead of its peers' median
 * //   (2 peers); claims are settled at the peers' time until the system clock is fixed
 * ```
 * @module
 */

/** @typedef {import('../pkg/web/vns.js').ClockHealth} ClockHealth */

/**
 * A duration for people: `10 min`, `42 s`, `1.5 h`.
 * @param {number} ms
 */
export function durationWords(ms) {
  const abs = Math.abs(ms);
  if (abs >= 3_600_000) return `${Number((abs / 3_600_000).toFixed(1))} h`;
  if (abs >= 60_000) return `${Number((abs / 60_000).toFixed(1))} min`;
  return `${Number((abs / 1000).toFixed(1))} s`;
}

/**
 * The sentence for a clock health: how far ahead or behind, against how many peers, and
 * what the node does about it.
 * @param {ClockHealth} health
 */
export function clockWords(health) {
  const peers = `${health.peers} peer${health.peers === 1 ? '' : 's'}`;
  if (!health.skewed) return `this node's clock agrees with its peers' median (${peers})`;
  const way = health.aheadMs > 0 ? 'ahead of' : 'behind';
  return (
    `this node's clock is ${durationWords(health.aheadMs)} ${way} its peers' median (${peers}); ` +
    `claims are settled and names expire at the peers' time until the system clock is fixed`
  );
}

/**
 * Logs the node's clock health whenever it turns skewed (warn) or healthy again (info).
 * @param {import('./core.js').Vns} vns
 * @param {import('./server-log.js').Log} log
 */
export function logClockHealth(vns, log) {
  let skewed = vns.clock.skewed;
  vns.addEventListener('clock', (e) => {
    const { health } = e.detail;
    if (health.skewed === skewed) return;
    skewed = health.skewed;
    log(skewed ? 'warn' : 'info', 'clock', clockWords(health), { ...health });
  });
}
