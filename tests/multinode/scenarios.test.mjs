// Multi-node end-to-end: real `vns serve` processes on loopback, linked through the harness's
// proxies, killed, restarted, partitioned and loaded. Every scenario asserts on what each
// node resolves and on the merkle roots, and prints its figures.
//
//   node --test --test-concurrency=1 tests/multinode/
//   VNS_MULTINODE_STRESS=5000 VNS_MULTINODE_CRASH=2000 node --test tests/multinode/   # heavier
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Keys, powSearch } from 'vns';
import { startCluster, Registrar, eventually, metricSum, rejectionsByCode, sleep } from './harness.mjs';
import { buildEntries, submitAll, unresolved, seconds } from './workload.mjs';
import { attackerKey, decodeEntry, flipSignatureBit, resignLastOp, signOp, tamper, encodeEntry } from './forge.mjs';
import { FLOOD } from './hostile.mjs';
import { crashDuringLoad } from './crash.mjs';

const STRESS = Number(process.env.VNS_MULTINODE_STRESS ?? 2000);
const CRASH_LOAD = Number(process.env.VNS_MULTINODE_CRASH ?? 1000);
const HOSTILE = fileURLToPath(new URL('./hostile.mjs', import.meta.url));

/** Clusters still running (stopped by `after` if a test body never reached its `finally`). */
const running = new Set();
after(async () => {
  await Promise.all([...running].map((c) => c.stop()));
});

/**
 * Starts a cluster, runs `fn`, prints the nodes' last log lines if it fails, and always stops
 * every process the cluster started.
 * @template T
 * @param {import('./harness.mjs').ClusterOptions} options
 * @param {(cluster: import('./harness.mjs').Cluster) => Promise<T>} fn
 */
async function withCluster(options, fn) {
  const cluster = await startCluster(options);
  running.add(cluster);
  let result;
  try {
    result = await fn(cluster);
  } catch (e) {
    console.error(JSON.stringify(await cluster.summary().catch(() => null)));
    console.error(cluster.diagnostics());
    running.delete(cluster);
    await cluster.stop();
    throw e;
  }
  running.delete(cluster);
  // SIGTERM must save and exit 0 on every node still running.
  const codes = await cluster.stop();
  assert.deepEqual(codes.filter((c) => c.code !== 0), [], 'nodes that did not exit 0 on SIGTERM');
  return result;
}

/**
 * A client registrar for the cluster's network; closed when `fn` ends.
 * @template T
 * @param {import('./harness.mjs').ServeProcess} node
 * @param {(registrar: Registrar) => Promise<T>} fn
 */
async function withRegistrar(node, fn, owners = 8) {
  const registrar = await Registrar.create(node, { owners });
  try {
    return await fn(registrar);
  } finally {
    await registrar.close();
  }
}

/** Waits until `name` resolves (200) on `node`; returns the body. */
function resolved(node, name, timeoutMs = 30_000) {
  return eventually(
    async () => {
      const { status, body } = await node.resolve(name);
      return status === 200 && body;
    },
    { timeoutMs, intervalMs: 10, what: `${name} to resolve on node ${node.id}` },
  );
}

/** The resolve answer of `name` on every running node, checked equal; returns it. */
async function sameEverywhere(cluster, name) {
  const answers = await Promise.all(cluster.alive.map((n) => n.resolve(name)));
  for (const [i, a] of answers.entries()) {
    assert.deepEqual(a, answers[0], `node ${cluster.alive[i].id} answers differently for ${name}`);
  }
  return answers[0];
}

/** The empty namespace's root, as a fresh node reports it. */
async function emptyRoot(cluster) {
  return (await cluster.node(1).status()).root;
}

test('1. a name registered on node 1 resolves on nodes 2 and 3', { timeout: 90_000 }, () =>
  withCluster({ nodes: 3, topology: 'chain' }, (cluster) =>
    withRegistrar(cluster.node(1), async (registrar) => {
      const records = [{ type: 'A', value: '192.0.2.1' }, { type: 'TXT', value: 'hello from node 1' }];
      const { name, owner, bytes } = await registrar.build('first', records);
      const t0 = Date.now();
      const posted = await cluster.node(1).post(bytes);
      assert.equal(posted.status, 200, JSON.stringify(posted.body));
      assert.equal(posted.body.resolved.owner, owner);
      const acked = Date.now() - t0;
      /** @type {Record<number, number>} */
      const took = {};
      await Promise.all(
        [2, 3].map(async (id) => {
          await resolved(cluster.node(id), name);
          took[id] = Date.now() - t0;
        }),
      );
      const { root } = await cluster.waitConverged({ entries: 1 });
      const answer = await sameEverywhere(cluster, name);
      assert.equal(answer.status, 200);
      assert.equal(answer.body.owner, owner);
      assert.deepEqual(answer.body.records.map((r) => r.value), ['192.0.2.1', 'hello from node 1']);
      assert.equal(answer.body.proof.root, root, 'the proof is under the common root');
      console.log(`scenario 1: from the POST to node 1: acknowledged (saved) ${acked} ms; resolves on node 2 (1 hop) ${took[2]} ms, node 3 (2 hops) ${took[3]} ms`);
    }),
  ),
);

test('2. node 2 SIGKILLed, 50 names registered on node 1, node 2 restarted: it catches up', { timeout: 120_000 }, () =>
  withCluster({ nodes: 3, topology: 'chain' }, (cluster) =>
    withRegistrar(cluster.node(1), async (registrar) => {
      const empty = await emptyRoot(cluster);
      const [before] = await buildEntries(registrar, 'before', 1);
      assert.equal((await cluster.node(1).post(before.bytes)).status, 200);
      const { root: rootBefore } = await cluster.waitConverged({ entries: 1 });

      await cluster.node(2).kill();
      const names = await buildEntries(registrar, 'while-down', 50);
      const run = await submitAll(cluster, names, { targets: [cluster.node(1)], concurrency: 8 });
      assert.equal(run.acked, 50);
      // Node 1 holds them; node 3, behind the dead node 2 in the chain, cannot have them.
      assert.equal((await cluster.node(1).status()).entries, 51);
      assert.equal((await cluster.node(3).status()).entries, 1);

      const t0 = Date.now();
      const loaded = await cluster.node(2).start();
      // What node 2 loads is a state it had: empty, or the one name (if its save ran).
      assert.ok([empty, rootBefore].includes(loaded.root), `node 2 loaded root ${loaded.root}`);
      const { root } = await cluster.waitConverged({ entries: 51, timeoutMs: 90_000 });
      const ms = Date.now() - t0;
      assert.deepEqual(await unresolved(cluster, [before, ...names]), []);
      assert.notEqual(root, rootBefore);
      console.log(`scenario 2: node 2 restarted with ${loaded.entries} names; all 3 nodes at 51 names, same root, ${ms} ms after the restart`);
    }),
  ),
);

test('3. expiry: a name expires and is swept on every node, roots stay equal', { timeout: 120_000 }, () =>
  withCluster(
    { nodes: 3, topology: 'mesh', registrationPeriodMs: 6000, gracePeriodMs: 2500, sweepIntervalMs: 200 },
    (cluster) =>
      withRegistrar(cluster.node(1), async (registrar) => {
        const empty = await emptyRoot(cluster);
        const status = await cluster.node(1).status();
        assert.equal(status.network.registrationPeriodMs, 6000);
        const a = await registrar.build('fleeting', [{ type: 'TXT', value: 'short-lived' }]);
        assert.equal((await cluster.node(1).post(a.bytes)).status, 200);
        await Promise.all(cluster.nodes.map((n) => resolved(n, a.name, 5000)));
        await cluster.waitConverged({ entries: 1 });

        // Past its expiry the name no longer resolves anywhere (in grace, or already swept).
        /** @type {string[]} */
        const codes = await Promise.all(
          cluster.nodes.map((n) =>
            eventually(
              async () => {
                const { status: s, body } = await n.resolve(a.name);
                return s !== 200 && body.error.code;
              },
              { timeoutMs: 15_000, intervalMs: 20, what: `${a.name} to expire on node ${n.id}` },
            ),
          ),
        );
        for (const code of codes) assert.ok(['resolve.in_grace', 'resolve.not_found'].includes(code), code);

        // A name registered now is live long after the first is swept.
        const b = await registrar.build('lasting', [{ type: 'TXT', value: 'still here' }]);
        assert.equal((await cluster.node(2).post(b.bytes)).status, 200);
        // Sweeps remove the first everywhere; the nodes hold exactly the second.
        const swept = await cluster.waitConverged({ entries: 1, timeoutMs: 20_000, what: 'the expired name swept everywhere' });
        for (const n of cluster.nodes) {
          assert.equal((await n.resolve(a.name)).body.error.code, 'resolve.not_found');
          const m = await n.metrics();
          assert.ok(metricSum(m, 'vns_swept_names_total') >= 1, `node ${n.id} swept nothing`);
        }
        assert.equal((await sameEverywhere(cluster, b.name)).status, 200);
        assert.notEqual(swept.root, empty);

        // And the second lapses too: every node ends at the empty root.
        await cluster.waitConverged({ entries: 0, timeoutMs: 30_000, what: 'the second name swept everywhere' });
        assert.equal((await cluster.node(1).status()).root, empty);
        console.log(`scenario 3: expired on every node (${codes.join(', ')}); swept everywhere; roots equal throughout checks`);
      }),
  ),
);

test(`4. stress: ${STRESS} registrations across 5 nodes; all converge and resolve everywhere`, { timeout: 240_000 }, () =>
  withCluster({ nodes: 5, topology: 'mesh' }, (cluster) =>
    withRegistrar(cluster.node(1), async (registrar) => {
      const entries = await buildEntries(registrar, 'stress', STRESS);
      const run = await submitAll(cluster, entries, { concurrency: 20 });
      assert.equal(run.acked, STRESS);
      const { ms } = await cluster.waitConverged({ entries: STRESS, timeoutMs: 120_000 });
      assert.deepEqual(await unresolved(cluster, entries), []);
      const rejections = await cluster.rejections();
      console.log(
        `scenario 4: ${STRESS} registrations on 5 nodes in ${seconds(run.ms)} (${run.perSecond.toFixed(0)}/s accepted, ${run.retries} POSTs retried elsewhere ${JSON.stringify(run.retryReasons)}); ` +
          `converged ${ms} ms after the last; rejections ${JSON.stringify(rejections)}`,
      );
    }, 16),
  ),
);

test('5. partition {1,2} | {3,4,5}: the same 20 names on both sides; after healing every node shows the same winner', { timeout: 180_000 }, () =>
  withCluster({ nodes: 5, topology: 'mesh' }, async (cluster) => {
    const left = await Registrar.create(cluster.node(1), { owners: 1 });
    const right = await Registrar.create(cluster.node(3), { owners: 1 });
    try {
      cluster.partition([1, 2], [3, 4, 5]);
      await cluster.waitLinked();
      const names = Array.from({ length: 20 }, (_, i) => `contested-${i}`);
      // Left registers the first ten earlier, right the last ten: each side wins half.
      const l1 = [];
      for (const n of names.slice(0, 10)) l1.push(await left.build(n));
      await sleep(5); // distinct registration timestamps (ms) between the sides
      const r = [];
      for (const n of names) r.push(await right.build(n));
      await sleep(5);
      const l2 = [];
      for (const n of names.slice(10)) l2.push(await left.build(n));
      const l = [...l1, ...l2];
      /** @type {Map<string, string>} */
      const winner = new Map();
      for (const [i, name] of names.entries()) {
        const [a, b] = [l[i].resolved, r[i].resolved];
        assert.notEqual(a.expires, b.expires, 'registration times must differ');
        winner.set(`${name}.vfs`, a.expires < b.expires ? a.owner : b.owner);
      }
      await Promise.all([
        ...l.map((e, i) => cluster.node(1 + (i % 2)).post(e.bytes).then((a) => assert.equal(a.status, 200))),
        ...r.map((e, i) => cluster.node(3 + (i % 3)).post(e.bytes).then((a) => assert.equal(a.status, 200))),
      ]);
      // Each side converges on its own claims; the sides differ.
      const sideA = await cluster.waitConverged({ ids: [1, 2], entries: 20 });
      const sideB = await cluster.waitConverged({ ids: [3, 4, 5], entries: 20 });
      assert.notEqual(sideA.root, sideB.root);
      for (const name of names) {
        assert.equal((await cluster.node(2).resolve(name)).body.owner, left.owners[0].peerId);
        assert.equal((await cluster.node(5).resolve(name)).body.owner, right.owners[0].peerId);
      }

      const t0 = Date.now();
      cluster.heal();
      const { root } = await cluster.waitConverged({ entries: 20, timeoutMs: 120_000 });
      const ms = Date.now() - t0;
      await cluster.waitLinked();
      for (const name of names) {
        const answer = await sameEverywhere(cluster, name);
        assert.equal(answer.body.owner, winner.get(answer.body.name), `winner of ${name}`);
        assert.equal(answer.body.proof.root, root);
      }
      const leftWins = [...winner.values()].filter((o) => o === left.owners[0].peerId).length;
      console.log(`scenario 5: healed partition converged in ${ms} ms; left side won ${leftWins} of 20, right ${20 - leftWins}, the same on all 5 nodes`);
    } finally {
      await left.close();
      await right.close();
    }
  }),
);

test(`6. crash during load: 5 SIGKILLs during ${CRASH_LOAD} registrations; every restart loads a consistent state`, { timeout: 240_000 }, () =>
  withCluster({ nodes: 5, topology: 'mesh' }, (cluster) =>
    withRegistrar(cluster.node(1), async (registrar) => {
      // Restarted cut off from its peers, a victim serves only what it loaded from its folder.
      const transport = {
        restartAlone: async (/** @type {import('./harness.mjs').ServeProcess} */ victim) => {
          cluster.isolate(victim.id);
          return victim.start();
        },
        rejoin: async () => cluster.heal(),
      };
      const { kills, run, ms, ackedBy } = await crashDuringLoad(cluster, registrar, { load: CRASH_LOAD, victims: [2, 3, 4, 5, 1], transport });
      for (const n of cluster.nodes) assert.equal(metricSum(await n.metrics(), 'vns_persist_failures_total'), 0);
      console.log(
        `scenario 6: ${kills.length} SIGKILLs during ${CRASH_LOAD} registrations (${run.retries} POSTs retried elsewhere ${JSON.stringify(run.retryReasons)}, ` +
          `${run.perSecond.toFixed(0)}/s); restarts loaded ${kills.map((k) => `node ${k.id}: ${k.loaded} names (${k.acknowledged} acknowledged by it)`).join(', ')}; ` +
          `converged ${ms} ms after the last registration; per-node acks ${JSON.stringify([...ackedBy].map(([id, l]) => [id, l.length]))}`,
      );
    }, 16),
  ),
);

test('7. hostile peer: forged transfers, replays, a flood of forgeries, oversized and malformed frames at node 1', { timeout: 120_000 }, () =>
  withCluster({ nodes: 3, topology: 'mesh' }, (cluster) =>
    withRegistrar(cluster.node(1), async (registrar) => {
      const alice = registrar.owners[0];
      const victim = await registrar.build('victim', [{ type: 'A', value: '192.0.2.10' }], alice);
      const replayed = await registrar.build('replayed', [{ type: 'A', value: '192.0.2.20' }], alice);
      for (const e of [victim, replayed]) assert.equal((await cluster.node(1).post(e.bytes)).status, 200);
      // A later version of `replayed`: its first version becomes a replay.
      await registrar.client.update(alice, 'replayed', [{ type: 'A', value: '192.0.2.21' }]);
      const updated = /** @type {Uint8Array} */ (registrar.client.entryBlock('replayed.vfs'));
      assert.equal((await cluster.node(1).post(updated)).status, 200);
      const { root } = await cluster.waitConverged({ entries: 2 });
      const before = await Promise.all(['victim', 'replayed'].map((n) => sameEverywhere(cluster, n)));

      // A real transfer of `victim` to Mallory, signed by Alice on a side client and never
      // published: the raw material of the forgeries.
      const mallory = attackerKey();
      const malloryKeys = Keys.fromSecret(mallory.seed);
      const side = await Registrar.create(cluster.node(1), { owners: 1 });
      let transfer;
      let intruder;
      try {
        side.client.submit(victim.bytes);
        await side.client.transfer(alice, 'victim', malloryKeys.peerId);
        transfer = /** @type {Uint8Array} */ (side.client.entryBlock('victim.vfs'));
        intruder = await side.build('intruder', [{ type: 'TXT', value: 'mallory was here' }], malloryKeys);
      } finally {
        await side.close();
      }
      // Mallory's registration with a nonce that fails the proof-of-work, validly re-signed.
      const status = await cluster.node(1).status();
      const badPow = tamper(intruder.bytes, (entry) => {
        const op = entry.ops[0].op;
        let nonce = op.nonce + 1;
        while (powSearch('intruder.vfs', malloryKeys.peerId, op.ts, status.network.difficulty, nonce, 1) !== undefined) nonce += 1;
        op.nonce = nonce;
        entry.ops[0].sig = signOp(op, mallory);
      });
      const entries = {
        // The transfer to Mallory re-signed by Mallory (the wrong key).
        wrongSigner: resignLastOp(transfer, mallory),
        // Alice's transfer with its signature altered.
        badSignature: flipSignatureBit(transfer),
        // Victim's records replaced without a new signature.
        recordsSwapped: tamper(victim.bytes, (entry) => {
          entry.records = decodeEntry(intruder.bytes).records;
        }),
        badProofOfWork: badPow,
        // The first version of `replayed` (superseded) and the current ones (already held).
        replayOld: replayed.bytes,
        replayCurrent: updated,
        replayVictim: victim.bytes,
      };
      const plan = {
        network: status.network.networkId,
        root,
        names: ['victim.vfs', 'replayed.vfs', 'intruder.vfs'],
        entries: Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
      };
      const dir = await mkdtemp(join(tmpdir(), 'vns-hostile-'));
      let reports;
      try {
        await writeFile(join(dir, 'plan.json'), JSON.stringify(plan));
        const child = spawn(process.execPath, [HOSTILE, cluster.node(1).wsUrl, join(dir, 'plan.json')], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        const [code] = await once(child, 'exit');
        assert.equal(code, 0, out);
        ({ reports } = JSON.parse(out));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      const by = Object.fromEntries(reports.map((r) => [r.session, r]));
      // Invalid entries are dropped without ending the session; bad frames end it with a bye.
      assert.equal(by.entries.handshake, true, JSON.stringify(by.entries));
      assert.equal(by.entries.error, undefined, JSON.stringify(by.entries));
      assert.equal(by.entries.bye, null);
      assert.equal(by.entries.stillOpen, true);
      const expectedBye = {
        oversized: 'sync.frame_too_large',
        'malformed-cbor': 'sync.malformed',
        'unknown-field': 'sync.malformed',
        'garbage-entry': 'sync.malformed',
        'too-many': 'sync.too_many',
        'wrong-version': 'sync.version_mismatch',
        flood: 'sync.faulty_peer',
      };
      for (const [session, code] of Object.entries(expectedBye)) {
        assert.equal(by[session].bye, code, JSON.stringify(by[session]));
        assert.equal(by[session].stillOpen, false, `${session} left open`);
      }
      // After the handshake, text frames carry WebRTC signalling (docs/protocol.md, "WebRTC
      // signalling"): one that is not a signalling frame closes the socket with 4000.
      const text = by['text-frame'];
      assert.equal(text.closeCode, 4000, JSON.stringify(text));
      assert.ok(String(text.closeReason).startsWith('signal.malformed'), JSON.stringify(text));
      assert.equal(text.stillOpen, false, 'text-frame left open');

      // Nothing was accepted: same roots, same answers everywhere, no intruder.
      await cluster.waitConverged({ entries: 2 });
      for (const n of cluster.nodes) assert.equal((await n.status()).root, root, `node ${n.id} root changed`);
      const after = await Promise.all(['victim', 'replayed'].map((n) => sameEverywhere(cluster, n)));
      assert.deepEqual(after, before);
      for (const n of cluster.nodes) assert.equal((await n.resolve('intruder')).status, 404);

      // Node 1's metrics count each rejection under its rule; the honest nodes saw none.
      const m1 = await cluster.node(1).metrics();
      const rejected = (/** @type {string} */ code) => metricSum(m1, 'vns_ops_rejected_total', { source: 'peer', code });
      // Each forgery was sent twice (as `ops`, then inside an unsolicited `entries`); the
      // flood session sent the bad signature FLOOD times more, and was closed at the last.
      assert.equal(rejected('rule.wrong_signer'), 2);
      assert.equal(rejected('rule.bad_signature'), 2 + FLOOD);
      assert.equal(rejected('rule.records_mismatch'), 2);
      assert.equal(rejected('rule.proof_of_work'), 2);
      assert.ok(rejected('rule.stale') >= 2, 'replay of the superseded version');
      assert.ok(metricSum(m1, 'vns_ops_duplicate_total', { source: 'peer' }) >= 4, 'replays of held versions');
      assert.ok(metricSum(m1, 'vns_sessions_failed_total') >= Object.keys(expectedBye).length);
      for (const id of [2, 3]) {
        const m = await cluster.node(id).metrics();
        for (const code of ['rule.wrong_signer', 'rule.bad_signature', 'rule.records_mismatch', 'rule.proof_of_work']) {
          assert.equal(metricSum(m, 'vns_ops_rejected_total', { code }), 0, `node ${id} saw ${code}`);
        }
      }
      const counted = Object.entries(rejectionsByCode(m1)).map(([code, n]) => `${code}=${n}`).join(' ');
      console.log(
        `scenario 7: hostile sessions ended with ${reports.map((r) => `${r.session}=${r.bye ?? 'still open'}`).join(' ')}; ` +
          `node 1 counted rejections ${counted}, failed sessions ${metricSum(m1, 'vns_sessions_failed_total')}`,
      );
    }),
  ),
);
