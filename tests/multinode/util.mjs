// @ts-check
/**
 * Small helpers of the multi-node harness: polling, bounded concurrency, Prometheus text.
 *
 * ```js
 * const root = await eventually(async () => (await node.status()).root, { what: 'a root' });
 * ```
 * @module
 */

/** @param {number} ms */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` until it returns a truthy value and returns it; throws after `timeoutMs`,
 * naming `what` and the last value or error seen. Used for every wait: nothing in the tests
 * asserts after a fixed sleep.
 * @template T
 * @param {() => Promise<T> | T} check
 * @param {{ timeoutMs?: number, intervalMs?: number, what?: string }} [options]
 * @returns {Promise<NonNullable<T>>}
 */
export async function eventually(check, options = {}) {
  const { timeoutMs = 30_000, intervalMs = 50, what = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  /** @type {unknown} */
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value) return /** @type {NonNullable<T>} */ (value);
      last = value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${seen})`);
    }
    await sleep(intervalMs);
  }
}

/**
 * Runs `fn` over `items` with at most `limit` calls in flight; results in input order.
 * @template T, R
 * @param {T[]} items @param {number} limit @param {(item: T, index: number) => Promise<R>} fn
 * @returns {Promise<R[]>}
 */
export async function pool(items, limit, fn) {
  /** @type {R[]} */
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Parses Prometheus text into `name{labels}` -> value (labels as printed by the server).
 * @param {string} text
 * @returns {Map<string, number>}
 */
export function parseMetrics(text) {
  /** @type {Map<string, number>} */
  const out = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

/**
 * Sums the samples of metric `name` whose labels include every pair of `labels`.
 * @param {Map<string, number>} metrics @param {string} name @param {Record<string, string>} [labels]
 */
export function metricSum(metrics, name, labels = {}) {
  let sum = 0;
  for (const [key, value] of metrics) {
    const brace = key.indexOf('{');
    const metric = brace < 0 ? key : key.slice(0, brace);
    if (metric !== name) continue;
    const text = brace < 0 ? '' : key.slice(brace);
    if (Object.entries(labels).every(([k, v]) => text.includes(`${k}="${v}"`))) sum += value;
  }
  return sum;
}

/**
 * `vns_ops_rejected_total` by code (all sources).
 * @param {Map<string, number>} metrics
 * @returns {Record<string, number>}
 */
export function rejectionsByCode(metrics) {
  /** @type {Record<string, number>} */
  const out = {};
  for (const [key, value] of metrics) {
    if (!key.startsWith('vns_ops_rejected_total{')) continue;
    const code = /code="([^"]*)"/.exec(key)?.[1] ?? '?';
    out[code] = (out[code] ?? 0) + value;
  }
  return out;
}

/** Peers with a completed handshake, whether status reports a count or a list. @param {any} status */
export const peerCount = (status) => (Array.isArray(status.peers) ? status.peers.length : Number(status.peers));
