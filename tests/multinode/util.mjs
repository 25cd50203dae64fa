// @ts-check
/**
 * Small helpers of the multi-node harness: polling, bounded concurrency, Prometheus text.
 *
 * ```js
 * const root = await eventually(async () => (await node.status()).root, { what: 'a root' });
 * ```
 * @module
 */
export { eventually } from 'vns/testing';
export { parseMetrics } from '../support/serve-process.mjs';

/** @param {number} ms */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

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
