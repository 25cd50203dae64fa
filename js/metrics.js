// @ts-check
/**
 * The node server's `/metrics` page in the Prometheus text format (version 0.0.4).
 *
 * ```js
 * const text = renderMetrics([{ name: 'vns_entries', help: 'Names held.', type: 'gauge', samples: [[{}, 3]] }]);
 * // # HELP vns_entries Names held.\n# TYPE vns_entries gauge\nvns_entries 3\n
 * ```
 * @module
 */

/**
 * One metric family: samples are (labels, value) pairs.
 * @typedef {{
 *   name: string,
 *   help: string,
 *   type: 'counter' | 'gauge',
 *   samples: Array<[Record<string, string>, number]>,
 * }} Metric
 */

/** Label values escape backslash, double quote and newline, as the format requires. */
const escape = (/** @type {string} */ value) =>
  value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** @param {Record<string, string>} labels */
function labelText(labels) {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escape(v)}"`);
  return pairs.length ? `{${pairs.join(',')}}` : '';
}

/**
 * The exposition text of `metrics`.
 * @param {Metric[]} metrics
 * @returns {string}
 */
export function renderMetrics(metrics) {
  const lines = [];
  for (const { name, help, type, samples } of metrics) {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) lines.push(`${name}${labelText(labels)} ${value}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Counters keyed by a label value (e.g. rejections by rule code).
 */
export class LabelledCounter {
  /** @type {Map<string, number>} */ #counts = new Map();

  /** @param {string} key */
  inc(key) {
    this.#counts.set(key, (this.#counts.get(key) ?? 0) + 1);
  }

  /** @returns {Array<[string, number]>} */
  entries() {
    return [...this.#counts.entries()];
  }
}
