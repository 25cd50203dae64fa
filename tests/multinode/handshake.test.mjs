// The handshake and clock health against real `vns serve` processes: a node whose clock
// runs 10 minutes fast converges with its peers on a contested name; sockets that never send
// `hello` get three `hello`s with backoff (0, 2 and 6 s) and are closed at 10 s, counted.
//
//   node --test --test-concurrency=1 tests/multinode/handshake.test.mjs
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as dagCbor from '@ipld/dag-cbor';
import { WebSocket } from 'ws';
import { startCluster, Registrar, ServeProcess, eventually, metricSum } from './harness.mjs';

const MINUTE = 60_000;
/** Idle sockets opened at once. */
const IDLE = 12;

/** Everything started here, stopped by `after` whatever happens. @type {Set<{ stop(): Promise<unknown> }>} */
const running = new Set();
after(async () => {
  await Promise.all([...running].map((r) => r.stop()));
});

/**
 * A registrar whose client clock runs `offsetMs` from the real one, so its claims carry
 * timestamps from then.
 * @param {ServeProcess} node @param {number} offsetMs
 */
async function registrarAt(node, offsetMs) {
  const open = (await node.status()).open;
  const registrar = await Registrar.create({ ...open, now: () => Date.now() + offsetMs }, { owners: 1 });
  running.add({ stop: () => registrar.close() });
  return registrar;
}

/** The owner `node` resolves `name` to, or undefined. @param {ServeProcess} node @param {string} name */
async function ownerOn(node, name) {
  const { status, body } = await node.resolve(name);
  return status === 200 ? body.owner : undefined;
}

test('a node 10 minutes fast settles a contested name as its peers do, and says it is skewed', { timeout: 150_000 }, async () => {
  const cluster = await startCluster({ nodes: 3, topology: 'mesh' });
  running.add(cluster);
  try {
    // Node 3 again, its clock 10 minutes ahead (the package's `now`, through the test aid).
    const fast = cluster.node(3);
    await fast.stop();
    fast.args = [...fast.args, '--clock-offset-ms', String(10 * MINUTE)];
    await fast.start();
    await cluster.waitLinked();
    const health = await eventually(async () => {
      const { clock } = await fast.status();
      return clock?.skewed && clock;
    }, { timeoutMs: 10_000, what: 'node 3 to call its clock skewed' });
    assert.equal(health.peers, 2);
    assert.ok(Math.abs(health.aheadMs - 10 * MINUTE) < 5_000, JSON.stringify(health));
    for (const id of [1, 2]) assert.equal((await cluster.node(id).status()).clock.skewed, false, `node ${id}`);
    assert.equal(metricSum(await fast.metrics(), 'vns_clock_skewed'), 1);
    assert.equal(metricSum(await cluster.node(1).metrics(), 'vns_clock_skewed'), 0);
    assert.ok(Math.abs(metricSum(await fast.metrics(), 'vns_clock_ahead_seconds') - 600) < 5);
    const warning = fast.lines.find((l) => l.event === 'clock' && l.level === 'warn');
    // Logged once, when it turned skewed (with the first peer or both, as they connected).
    assert.match(warning?.message ?? '', /^this node's clock is 10 min ahead of its peers' median \([12] peers?\); claims are settled/);

    // Two claims of one name, stamped 6 and 7 minutes ago: inside the 15-minute settlement
    // window in real time, past it by node 3's clock. The later claim arrives first.
    const later = await (await registrarAt(cluster.node(1), -6 * MINUTE)).build('contested');
    const earlier = await (await registrarAt(cluster.node(1), -7 * MINUTE)).build('contested');
    assert.equal((await cluster.node(1).post(later.bytes)).status, 200);
    for (const node of cluster.nodes) {
      await eventually(async () => (await ownerOn(node, 'contested.vfs')) === later.owner, { timeoutMs: 20_000, what: `the later claim on node ${node.id}` });
    }
    // The earlier claim wins at node 2 (not settled in real time) and travels on.
    const posted = await cluster.node(2).post(earlier.bytes);
    assert.equal(posted.status, 200, JSON.stringify(posted.body));
    const { root, ms } = await cluster.waitConverged({ timeoutMs: 30_000, what: 'equal roots with node 3 fast' });
    for (const node of cluster.nodes) assert.equal(await ownerOn(node, 'contested.vfs'), earlier.owner, `node ${node.id}`);
    const settledAt3 = metricSum(await fast.metrics(), 'vns_ops_rejected_total', { code: 'rule.settled' });
    assert.equal(settledAt3, 0, 'node 3 refused no claim as settled');
    console.log(`clock skew: node 3 ${health.aheadMs} ms ahead, judged at its peers' time; equal roots ${root} ${ms} ms after the earlier claim`);
  } finally {
    running.delete(cluster);
    await cluster.stop();
  }
});

/**
 * A raw WebSocket to `url` that never sends anything: the times (ms after opening) of the
 * binary frames it receives, decoded, and when and how it was closed.
 * @param {string} url
 */
function idleSocket(url) {
  const ws = new WebSocket(url);
  /** @type {Array<{ at: number, kind: string, frame: any }>} */
  const frames = [];
  let opened = 0;
  ws.on('open', () => (opened = Date.now()));
  ws.on('message', (data, binary) => {
    const frame = binary ? dagCbor.decode(/** @type {Buffer} */ (data)) : String(data);
    frames.push({ at: Date.now() - opened, kind: Object.keys(/** @type {any} */ (frame).m ?? {})[0] ?? 'text', frame });
  });
  /** @type {Promise<{ at: number, code: number, reason: string }>} */
  const closed = new Promise((resolve, reject) => {
    ws.on('error', reject);
    ws.on('close', (code, reason) => resolve({ at: Date.now() - opened, code, reason: String(reason) }));
  });
  return { ws, frames, closed };
}

test('sockets that never send hello get three hellos with backoff and are closed at 10 s, counted', { timeout: 60_000 }, async () => {
  const node = new ServeProcess(1, undefined, ['--memory', '--network', 'testing']);
  running.add(node);
  try {
    await node.start();
    // 12: under the cap of links from one address (16), which would refuse the rest at once.
    const idle = Array.from({ length: IDLE }, () => idleSocket(node.wsUrl));
    const ends = await Promise.all(idle.map((s) => s.closed));
    for (const [i, end] of ends.entries()) {
      assert.ok(end.at >= 9_900 && end.at < 13_000, `socket ${i} closed at ${end.at} ms`);
    }
    for (const { frames } of idle) {
      const hellos = frames.filter((f) => f.kind === 'hello');
      assert.equal(hellos.length, 3, JSON.stringify(frames.map((f) => [f.kind, f.at])));
      const gaps = hellos.slice(1).map((h, i) => h.at - hellos[i].at);
      assert.ok(gaps[0] >= 1_900 && gaps[0] < 3_000, `first re-send after ${gaps[0]} ms`);
      assert.ok(gaps[1] >= 3_900 && gaps[1] < 5_000, `second re-send after ${gaps[1]} ms (doubled)`);
      const bye = frames.at(-1);
      assert.equal(bye?.kind, 'bye');
      assert.equal(bye?.frame.m.bye.code, 'sync.handshake_timeout');
      assert.ok(typeof hellos[0].frame.m.hello.clock === 'number', 'the hello carries its clock');
    }
    const metrics = await node.metrics();
    assert.equal(metricSum(metrics, 'vns_sessions_closed_total', { reason: 'sync.handshake_timeout' }), IDLE);
    console.log(`idle sockets: ${IDLE} closed at ${Math.min(...ends.map((e) => e.at))}-${Math.max(...ends.map((e) => e.at))} ms after 3 hellos each`);
  } finally {
    running.delete(node);
    await node.stop();
  }
});
