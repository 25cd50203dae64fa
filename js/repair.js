// @ts-check
/**
 * `vns serve --repair`: a node whose store is damaged starts on every intact entry the core
 * finds (`open({ repair: true })`, `RepairReport`), says loudly what was damaged and which
 * names are gone, saves a whole tree at once, and then runs normally: catch-up with its peers
 * brings the lost names back (and sends peers what they lack). This module keeps the account
 * while that happens: a name counts as recovered once the node holds it again.
 *
 * ```js
 * const vns = await open({ path: './vns-data', repair: true });
 * const repair = trackRepair(vns, vns.repairReport, log);
 * await repair.saved;
 * repair.status(); // { lost: ['bob.vfs'], recovered: [], damaged: 1, … }
 * ```
 * @module
 */

/** @typedef {import('../pkg/web/vns.js').RepairReport} RepairReport */

/** Code of a repair that left names this node does not hold (`status.repair.code`). */
export const NAMES_LOST = /** @type {const} */ ({ code: 'repair.names_lost' }).code;

/** Codes of a store that refuses a strict load and can be opened with `--repair`. */
const REPAIRABLE = new Set([
  'storage.missing', 'storage.corrupt', 'storage.root_missing', 'load.bad_entry', 'load.bad_root',
  'tree.missing_block', 'tree.corrupt_block', 'tree.invalid_node', 'tree.unsorted_keys',
]);

/** Most names a log line lists (the status lists them all). */
const NAMES_IN_LOG = 20;

/**
 * An error at start-up with the way out added when `--repair` can get past it.
 * @param {unknown} e
 * @returns {unknown}
 */
export function withRepairHint(e) {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
  if (!REPAIRABLE.has(code) || !(e instanceof Error)) return e;
  e.message += '; start with --repair to load every intact entry (the damage and the names lost are reported) and fetch the rest from --peer nodes';
  return e;
}

/**
 * Names as a log line shows them: the first few and how many more.
 * @param {string[]} names
 */
function listed(names) {
  const more = names.length > NAMES_IN_LOG ? ` and ${names.length - NAMES_IN_LOG} more` : '';
  return names.slice(0, NAMES_IN_LOG).join(', ') + more;
}

/**
 * Logs what a repairing open found, saves the repaired tree, and follows the lost names.
 * @param {import('./core.js').Vns} vns
 * @param {RepairReport} report
 * @param {import('./server-log.js').Log} log
 * @returns {{ saved: Promise<void>, status(): RepairStatus }}
 */
export function trackRepair(vns, report, log) {
  const lost = new Set(report.lost);
  /** @type {string[]} */
  const recovered = [];
  const at = new Date().toISOString();
  for (const d of report.damaged) {
    log('warn', 'repair-damage', `repair: ${d.kind} block ${d.cid} is damaged: ${d.message} (${d.code})`, { ...d });
  }
  const unknown = !report.scanned && report.damaged.some((d) => d.kind !== 'entry')
    ? '; names under the damaged tree nodes are unknown (this storage cannot list its blocks)'
    : '';
  log(report.damaged.length ? 'warn' : 'info', 'repair', `repair: loaded ${report.entries} names (${report.fromScan} found outside the tree, ${report.fromQueue} from the delta queue), ${report.damaged.length} damaged blocks, ${lost.size} names lost${lost.size ? `: ${listed([...lost])}` : ''}${unknown}`, {
    entries: report.entries,
    fromScan: report.fromScan,
    fromQueue: report.fromQueue,
    damaged: report.damaged.length,
    lost: [...lost],
    scanned: report.scanned,
  });
  if (lost.size) {
    log('error', 'repair-lost', `repair: ${lost.size} names are not on this node; they come back only from a peer that holds them (${NAMES_LOST})`, { code: NAMES_LOST, lost: [...lost] });
  }
  const onChange = (/** @type {CustomEvent<{ name: string }>} */ e) => {
    const { name } = e.detail;
    if (!lost.has(name) || vns.entryBlock(name) === undefined) return;
    lost.delete(name);
    recovered.push(name);
    const left = lost.size ? `${lost.size} still lost` : 'every lost name is back';
    log('info', 'repair-recovered', `repair: ${name} recovered from a peer (${left})`, { name, left: lost.size });
  };
  vns.addEventListener('change', onChange);
  // The repaired tree is written at once: until then a crash would meet the damage again.
  const saved = vns.save().then(() => {
    log('info', 'repair-saved', 'repair: the repaired tree is saved', {});
  });
  return {
    saved,
    status: () => ({
      at,
      entries: report.entries,
      fromScan: report.fromScan,
      fromQueue: report.fromQueue,
      damaged: report.damaged,
      scanned: report.scanned,
      lost: [...lost],
      recovered: [...recovered],
      ...(lost.size && { code: NAMES_LOST }),
    }),
  };
}

/**
 * `status.repair`: when the node started repairing, what it found, the names still lost
 * (with `code` while any are) and those peers gave back since.
 * @typedef {{
 *   at: string,
 *   entries: number,
 *   fromScan: number,
 *   fromQueue: number,
 *   damaged: import('../pkg/web/vns.js').DamagedBlock[],
 *   scanned: boolean,
 *   lost: string[],
 *   recovered: string[],
 *   code?: string,
 * }} RepairStatus
 */
