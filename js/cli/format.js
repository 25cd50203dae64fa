// @ts-check
/**
 * How the `vns` command shows names, dates and the proof-of-work's progress.
 * @module
 */

const DAY_MS = 24 * 60 * 60 * 1000;

/** A date in UTC to the second. @param {number} ms */
export const date = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Whole days from `now` to `ms` (negative once past). @param {number} ms @param {number} now */
export const daysUntil = (ms, now) => Math.floor((ms - now) / DAY_MS);

/**
 * A span in its largest sensible unit: "32 s", "4 min", "5 h", "335 days".
 * @param {number} ms
 */
export function span(ms) {
  const s = ms / 1000;
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 2 * 86400) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} days`;
}

/**
 * A name as the node resolves it.
 * @typedef {{ name: string, records: Array<{ type: string, value: string, ttl: number }>, owner: string, expires: number, seq: number }} ResolvedName
 */

/** @param {ResolvedName} r */
export function showResolved(r) {
  const lines = [`${r.name}`, `  owner    ${r.owner}`, `  expires  ${date(r.expires)}`, `  version  ${r.seq}`];
  if (r.records.length === 0) lines.push('  (no records)');
  for (const rec of r.records) lines.push(`  ${rec.type.padEnd(5)} ${rec.value}  (ttl ${rec.ttl}s)`);
  return lines.join('\n');
}

/**
 * A progress bar on stderr while the proof-of-work runs: redrawn in place on a terminal, a
 * line every few seconds otherwise, framed by a start and a done line.
 */
export function progressBar() {
  const tty = process.stderr.isTTY;
  let last = 0;
  let started = 0;
  return {
    /** @param {number} difficulty */
    start(difficulty) {
      started = Date.now();
      process.stderr.write(`proof-of-work: ${difficulty} bits, ~${(2 ** difficulty).toLocaleString('en')} hashes expected\n`);
    },
    /** @param {{ attempts: number, expected: number }} p */
    update({ attempts, expected }) {
      const now = Date.now();
      if (now - last < (tty ? 100 : 5000)) return;
      last = now;
      const ratio = Math.min(attempts / expected, 1);
      const width = 30;
      const filled = Math.round(ratio * width);
      const text = `proof-of-work [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${attempts.toLocaleString('en')} of ~${expected.toLocaleString('en')} hashes`;
      process.stderr.write(tty ? `\r${text}` : `${text}\n`);
    },
    done() {
      if (tty && last) process.stderr.write('\n');
      process.stderr.write(`proof-of-work: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    },
  };
}
