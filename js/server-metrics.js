// @ts-check
/**
 * What `vns serve` counts and exports on `/metrics`: the server's own counters (fed by the
 * node's events and the HTTP API), the metric families as one table of data, each row
 * reading its value from the node's stats, its queue or those counters, and histograms of
 * POST latency, save duration, catch-up duration and frame sizes (with `prom-client`'s process metrics).
 *
 * ```js
 * const metrics = serverMetrics(vns);
 * metrics.counts.apiAccepted += 1;            // the API counts what it submits
 * metrics.observe.post('accepted', 0.012);    // and how long each POST took
 * const text = await metrics.render();        // Prometheus text format
 * ```
 * @module
 */
import { MetricsRegistry, LabelledCounter } from './metrics.js';
import { heapStats } from './node.js';

/** @typedef {import('./core.js').Vns} Vns */
/** @typedef {Array<[Record<string, string>, number]>} Samples */

/** The server's counters since it started. */
export class ServerCounts {
  sweeps = 0;
  swept = 0;
  saveFailures = 0;
  blocksWritten = 0;
  blocksDeleted = 0;
  collections = 0;
  storageGcFailures = 0;
  apiAccepted = 0;
  apiDuplicates = 0;
  apiRejected = new LabelledCounter();
  queueOverflows = 0;
  peersRefused = new LabelledCounter();
  /** Peer sessions ended, by the code they ended with (`disconnected`: the link just closed). */
  sessionsClosed = new LabelledCounter();
  /** Clients closed for a signalling fault, by its code. */
  signalClosed = new LabelledCounter();
  /** Signals relayed between clients, by kind (offer, answer, candidate). */
  signalRelayed = new LabelledCounter();
  /** Clients reachable over WebRTC now (set by the server to read its signalling hub). */
  signalReachable = () => 0;
  scrubRuns = 0;
  scrubChecked = 0;
  scrubDamaged = 0;
  scrubRepaired = 0;
}

/** Reason of a session that ended without a code: its connection closed. */
export const PLAIN_CLOSE = 'disconnected';

/** Buckets of the duration histograms, in seconds (1 ms to 30 s). */
const SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Buckets of the catch-up duration histogram, in seconds (1 ms to 5 min: one missing name
 * on loopback to a large store over a slow link). */
const CATCHUP_SECONDS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 120, 300];
/** Buckets of the frame size histogram, in bytes (64 B to the 1 MiB frame limit). */
const FRAME_BYTES = [64, 256, 1024, 4096, 16_384, 65_536, 262_144, 1_048_576];

/**
 * What the server observes into histograms: a POST's outcome and duration, a frame's
 * direction and size.
 * @typedef {{
 *   post(outcome: 'accepted' | 'duplicate' | 'rejected' | 'failed', seconds: number): void,
 *   frame(direction: 'in' | 'out', bytes: number): void,
 * }} Observe
 */

/**
 * What a metric row reads from.
 * @typedef {{
 *   vns: Vns,
 *   stats: import('./core.js').NodeStats,
 *   queue: import('./core.js').QueueStatus,
 *   counts: ServerCounts,
 *   heap: import('../pkg/web/vns.js').HeapStats,
 * }} MetricSource
 */

/**
 * One metric family: a plain number is one sample without labels.
 * @typedef {{
 *   name: string,
 *   help: string,
 *   type: 'counter' | 'gauge',
 *   value: (source: MetricSource) => number | Samples,
 * }} MetricRow
 */

/** Samples split by where an operation came from. @param {number} peer @param {number} api @returns {Samples} */
const bySource = (peer, api) => [[{ source: 'peer' }, peer], [{ source: 'api' }, api]];

/** Every metric `/metrics` shows, in order. @type {readonly MetricRow[]} */
export const METRICS = Object.freeze([
  { name: 'vns_entries', help: 'Names held in the store.', type: 'gauge', value: ({ vns }) => vns.size },
  { name: 'vns_peers', help: 'Peers with a completed handshake.', type: 'gauge', value: ({ vns }) => vns.peers().length },
  { name: 'vns_queue_size', help: 'Deltas waiting in the offline queue.', type: 'gauge', value: ({ queue }) => queue.size },
  { name: 'vns_queue_capacity', help: 'Capacity of the offline queue.', type: 'gauge', value: ({ queue }) => queue.capacity },
  { name: 'vns_queue_dropped_total', help: 'Deltas dropped because the queue was full.', type: 'counter', value: ({ queue }) => queue.dropped },
  { name: 'vns_queue_replayed_total', help: 'Deltas replayed from the queue.', type: 'counter', value: ({ queue }) => queue.replayed },
  { name: 'vns_sweep_runs_total', help: 'Expiry sweeps run.', type: 'counter', value: ({ counts }) => counts.sweeps },
  { name: 'vns_swept_names_total', help: 'Names removed by expiry sweeps.', type: 'counter', value: ({ counts }) => counts.swept },
  { name: 'vns_persist_failures_total', help: 'Saves to storage that failed.', type: 'counter', value: ({ counts }) => counts.saveFailures },
  { name: 'vns_blocks_written_total', help: 'Blocks written by saves.', type: 'counter', value: ({ counts }) => counts.blocksWritten },
  {
    name: 'vns_blocks_deleted_total',
    help: 'Unreachable blocks deleted by saves and garbage collections.',
    type: 'counter',
    value: ({ counts }) => counts.blocksDeleted,
  },
  {
    name: 'vns_gc_runs_total',
    help: 'Garbage collections run (after sweeps that removed names).',
    type: 'counter',
    value: ({ counts }) => counts.collections,
  },
  {
    name: 'vns_gc_failures_total',
    help: 'Deletions of unreachable blocks that failed (retried later).',
    type: 'counter',
    value: ({ counts }) => counts.storageGcFailures,
  },
  { name: 'vns_scrub_runs_total', help: 'Scrub passes finished.', type: 'counter', value: ({ counts }) => counts.scrubRuns },
  { name: 'vns_scrub_blocks_checked_total', help: 'Stored blocks read back and checked against their CIDs by scrubs.', type: 'counter', value: ({ counts }) => counts.scrubChecked },
  { name: 'vns_scrub_damaged_total', help: 'Damaged (missing or corrupt) blocks scrubs found.', type: 'counter', value: ({ counts }) => counts.scrubDamaged },
  { name: 'vns_scrub_repaired_total', help: 'Damaged blocks scrubs wrote again from memory.', type: 'counter', value: ({ counts }) => counts.scrubRepaired },
  {
    name: 'vns_ops_accepted_total',
    help: 'New versions accepted, by source (peer sync or the HTTP API).',
    type: 'counter',
    value: ({ stats, counts }) => bySource(stats.accepted, counts.apiAccepted),
  },
  {
    name: 'vns_ops_duplicate_total',
    help: 'Versions received that were already held.',
    type: 'counter',
    value: ({ stats, counts }) => bySource(stats.duplicates, counts.apiDuplicates),
  },
  {
    name: 'vns_ops_rejected_total',
    help: 'Versions refused, by source and rule code.',
    type: 'counter',
    value: ({ stats, counts }) => [
      ...Object.entries(stats.rejected).map(([code, n]) => /** @type {Samples[number]} */ ([{ source: 'peer', code }, n])),
      ...counts.apiRejected.entries().map(([code, n]) => /** @type {Samples[number]} */ ([{ source: 'api', code }, n])),
    ],
  },
  { name: 'vns_frames_in_total', help: 'Sync frames received.', type: 'counter', value: ({ stats }) => stats.framesIn },
  { name: 'vns_frames_out_total', help: 'Sync frames sent.', type: 'counter', value: ({ stats }) => stats.framesOut },
  { name: 'vns_bytes_in_total', help: 'Sync bytes received.', type: 'counter', value: ({ stats }) => stats.bytesIn },
  { name: 'vns_bytes_out_total', help: 'Sync bytes sent.', type: 'counter', value: ({ stats }) => stats.bytesOut },
  { name: 'vns_sessions_opened_total', help: 'Peer handshakes completed.', type: 'counter', value: ({ stats }) => stats.sessionsOpened },
  {
    name: 'vns_peers_refused_total',
    help: 'WebSocket peers refused over a connection cap, by cap (total or address).',
    type: 'counter',
    value: ({ counts }) => counts.peersRefused.entries().map(([reason, n]) => /** @type {Samples[number]} */ ([{ reason }, n])),
  },
  { name: 'vns_sessions_failed_total', help: 'Peer sessions closed on an error.', type: 'counter', value: ({ stats }) => stats.sessionsFailed },
  {
    name: 'vns_sessions_closed_total',
    help: 'Peer sessions ended, by reason: the error code sent or received, or "disconnected".',
    type: 'counter',
    value: ({ counts }) => counts.sessionsClosed.entries().map(([reason, n]) => /** @type {Samples[number]} */ ([{ reason }, n])),
  },
  { name: 'vns_catchups_total', help: 'Merkle catch-ups completed.', type: 'counter', value: ({ stats }) => stats.catchups },
  { name: 'vns_signal_reachable', help: 'Clients announced reachable over WebRTC.', type: 'gauge', value: ({ counts }) => counts.signalReachable() },
  {
    name: 'vns_signal_relayed_total',
    help: 'WebRTC signals relayed between clients, by kind (offer, answer, candidate, busy).',
    type: 'counter',
    value: ({ counts }) => counts.signalRelayed.entries().map(([kind, n]) => /** @type {Samples[number]} */ ([{ kind }, n])),
  },
  {
    name: 'vns_signal_closed_total',
    help: 'Clients closed for a signalling fault (malformed, oversized, over a rate bound), by code.',
    type: 'counter',
    value: ({ counts }) => counts.signalClosed.entries().map(([code, n]) => /** @type {Samples[number]} */ ([{ code }, n])),
  },
  {
    name: 'vns_wasm_memory_bytes',
    help: 'Linear memory of the wasm instance holding the namespace: it only grows, and wasm32 caps it at 4 GiB.',
    type: 'gauge',
    value: ({ heap }) => heap.memoryBytes,
  },
  { name: 'vns_wasm_heap_live_bytes', help: 'Bytes the wasm instance holds now.', type: 'gauge', value: ({ heap }) => heap.liveBytes },
  {
    name: 'vns_wasm_heap_peak_bytes',
    help: 'The most bytes the wasm instance held at once since start (a load holds its blocks beside the namespace).',
    type: 'gauge',
    value: ({ heap }) => heap.peakLiveBytes,
  },
  {
    name: 'vns_clock_ahead_seconds',
    help: "How far this node's clock is ahead of its peers' median (negative: behind).",
    type: 'gauge',
    value: ({ vns }) => vns.clock.aheadMs / 1000,
  },
  {
    name: 'vns_clock_skewed',
    help: "1 while this node's clock is off its peers' median by more than the tolerance (rules then use the median's time).",
    type: 'gauge',
    value: ({ vns }) => (vns.clock.skewed ? 1 : 0),
  },
]);

/**
 * Counts what the server's node does (from its events), times its saves, and renders
 * `/metrics`.
 * @param {Vns} vns
 * @returns {{
 *   counts: ServerCounts,
 *   observe: Observe,
 *   contentType: string,
 *   render(extra?: import('./metrics.js').Metric[]): Promise<string>,
 * }}
 */
export function serverMetrics(vns) {
  const counts = new ServerCounts();
  const registry = new MetricsRegistry();
  const posts = registry.histogram('vns_post_duration_seconds', 'Time to answer POST /api/vns/ops (validated and saved), by outcome.', ['outcome'], SECONDS);
  const saves = registry.histogram('vns_save_duration_seconds', 'Time of each save to storage, by result.', ['result'], SECONDS);
  const frames = registry.histogram('vns_frame_bytes', 'Sizes of sync frames on WebSocket links, by direction.', ['direction'], FRAME_BYTES);
  const catchups = registry.histogram(
    'vns_catchup_duration_seconds',
    'Time from the start of a catch-up with a peer to its end, by result (completed or aborted).',
    ['result'],
    CATCHUP_SECONDS,
  );
  /** When each peer's running catch-up started (`performance.now()`), by link. @type {Map<number, number>} */
  const catchupStarted = new Map();
  /** @param {number} peer @param {'completed' | 'aborted'} result */
  const catchupEnded = (peer, result) => {
    const started = catchupStarted.get(peer);
    if (started === undefined) return;
    catchupStarted.delete(peer);
    catchups.observe({ result }, (performance.now() - started) / 1000);
  };
  vns.addEventListener('catchup-started', (e) => catchupStarted.set(e.detail.peer, performance.now()));
  vns.addEventListener('catchup-completed', (e) => catchupEnded(e.detail.peer, 'completed'));
  vns.addEventListener('catchup-aborted', (e) => catchupEnded(e.detail.peer, 'aborted'));
  /** When the running save started (`performance.now()`), if one runs. @type {number | undefined} */
  let saveStarted;
  vns.addEventListener('saving', (e) => {
    const { state } = e.detail;
    if (state === 'saving') {
      saveStarted = performance.now();
      return;
    }
    if (saveStarted === undefined) return;
    saves.observe({ result: state === 'failed' ? 'failed' : 'saved' }, (performance.now() - saveStarted) / 1000);
    saveStarted = undefined;
  });
  vns.addEventListener('peer', (e) => {
    if (e.detail.type !== 'peer-disconnected') return;
    counts.sessionsClosed.inc(e.detail.code ?? PLAIN_CLOSE);
    // A catch-up cut by its link's end neither completed nor aborted: it is not timed.
    catchupStarted.delete(e.detail.peer);
  });
  vns.addEventListener('sweep', (e) => {
    counts.sweeps += 1;
    counts.swept += e.detail.removed.length;
  });
  vns.addEventListener('save', (e) => {
    counts.blocksWritten += e.detail.blocks;
    counts.blocksDeleted += e.detail.pruned;
  });
  vns.addEventListener('gc', (e) => {
    counts.collections += 1;
    counts.blocksDeleted += e.detail.removed;
  });
  vns.addEventListener('queue-overflow', () => {
    counts.queueOverflows += 1;
  });
  vns.addEventListener('error', (e) => {
    if (e.detail.type === 'save') counts.saveFailures += 1;
    if (e.detail.type === 'prune' || e.detail.type === 'gc') counts.storageGcFailures += 1;
  });
  /** @type {Observe} */
  const observe = {
    post: (outcome, seconds) => posts.observe({ outcome }, seconds),
    frame: (direction, bytes) => frames.observe({ direction }, bytes),
  };
  /** @param {import('./metrics.js').Metric[]} [extra] metrics of other parts (DNS), after the node's */
  const render = (extra = []) => {
    const source = { vns, stats: vns.stats(), queue: vns.queueStatus(), counts, heap: heapStats() };
    /** @type {import('./metrics.js').Metric[]} */
    const own = METRICS.map(({ name, help, type, value }) => {
      const v = value(source);
      return { name, help, type, samples: typeof v === 'number' ? [[{}, v]] : v };
    });
    return registry.render([...own, ...extra]);
  };
  return { counts, observe, contentType: registry.contentType, render };
}
