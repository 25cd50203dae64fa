// @ts-check
/**
 * The node server's `/metrics` page, through `prom-client` (the Node ecosystem's Prometheus
 * client): the process metrics it collects by default (CPU, memory, event-loop lag, GC,
 * handles), histograms the server observes, and families read from the node when scraped.
 *
 * ```js
 * const registry = new MetricsRegistry();
 * const latency = registry.histogram('vns_post_duration_seconds', 'POST latency.', ['outcome'], [0.01, 0.1, 1]);
 * latency.observe({ outcome: 'accepted' }, 0.02);
 * const text = await registry.render([{ name: 'vns_entries', help: 'Names held.', type: 'gauge', samples: [[{}, 3]] }]);
 * ```
 * @module
 */
import client from 'prom-client';

/**
 * One metric family read when scraped: samples are (labels, value) pairs.
 * @typedef {{
 *   name: string,
 *   help: string,
 *   type: 'counter' | 'gauge',
 *   samples: Array<[Record<string, string>, number]>,
 * }} Metric
 */

/**
 * A registry of one server's metrics. Families read when scraped (`render(families)`) are
 * mirrored into `prom-client` gauges and counters, created the first time each is seen, so
 * their names, help, types and labels stay as the table declares them.
 */
export class MetricsRegistry {
  /** @type {client.Registry} */ #registry = new client.Registry();
  /** @type {Map<string, client.Gauge | client.Counter>} */ #mirrored = new Map();
  /** Label names of each mirrored family. @type {Map<string, string[]>} */ #labels = new Map();

  constructor() {
    client.collectDefaultMetrics({ register: this.#registry });
  }

  /** The `content-type` of `render`'s text. */
  get contentType() {
    return this.#registry.contentType;
  }

  /**
   * A histogram the caller observes (`observe(labels, value)`).
   * @param {string} name @param {string} help @param {string[]} labelNames @param {number[]} buckets
   */
  histogram(name, help, labelNames, buckets) {
    return new client.Histogram({ name, help, labelNames, buckets, registers: [this.#registry] });
  }

  /**
   * The exposition text: `families` as read now, then the histograms and process metrics.
   * @param {Metric[]} families
   * @returns {Promise<string>}
   */
  async render(families) {
    for (const family of families) this.#mirror(family);
    return this.#registry.metrics();
  }

  /** @param {Metric} family */
  #mirror({ name, help, type, samples }) {
    let metric = this.#mirrored.get(name);
    const known = this.#labels.get(name) ?? [];
    const labelNames = [...new Set([...known, ...samples.flatMap(([labels]) => Object.keys(labels))])];
    if (metric && labelNames.length !== known.length) {
      // A label not seen before (a family empty until now): declare the family again with it.
      this.#registry.removeSingleMetric(name);
      metric = undefined;
    }
    if (!metric) {
      this.#labels.set(name, labelNames);
      const options = { name, help, labelNames, registers: [this.#registry] };
      metric = type === 'counter' ? new client.Counter(options) : new client.Gauge(options);
      this.#mirrored.set(name, metric);
    }
    // The node keeps the totals; the mirror shows them as they are now.
    metric.reset();
    for (const [labels, value] of samples) {
      if (metric instanceof client.Gauge) metric.set(labels, value);
      else metric.inc(labels, value);
    }
  }
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
