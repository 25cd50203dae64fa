// @ts-check
// The node's options are declared once, in the core: the CLI flags and `status.open` derive
// from `nodeOptions()`, and `open` reads the same list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeys, nodeOptions, open } from '../../js/node.js';
import { NODE_OPTIONS, cliFlags, openOptions, optionsFromFlags, usageText } from '../../js/node-options.js';

test('the CLI options are the core list plus the shim sweep interval', () => {
  const core = nodeOptions();
  const shim = NODE_OPTIONS.filter((o) => o.key !== 'sweepIntervalMs');
  assert.deepEqual(shim.map((o) => [o.key, o.network]), core.map((o) => [o.key, o.network]));
  assert.deepEqual(
    NODE_OPTIONS.map((o) => o.flag),
    [
      'network',
      'difficulty',
      'registration-period-ms',
      'grace-period-ms',
      'sweep-interval-ms',
      'registrations-per-hour',
      'queue-capacity',
      'handshake-timeout-ms',
      'clock-offset-ms',
    ],
  );
  assert.match(usageText(), /^\[--network main\|testing\] \[--difficulty N\]/);
  assert.deepEqual(Object.keys(cliFlags()), NODE_OPTIONS.map((o) => o.flag));
  for (const o of core) assert.ok(o.description.length > 10, `${o.key} is described`);
  assert.deepEqual(core.find((o) => o.key === 'network')?.choices, ['main', 'testing']);
});

test('status.open carries exactly the core network options', () => {
  const options = optionsFromFlags({ network: 'testing', difficulty: '3', 'queue-capacity': '9', 'grace-period-ms': '5' });
  const network = nodeOptions().filter((o) => o.network).map((o) => o.key);
  assert.deepEqual(Object.keys(openOptions(options, { network: true })).sort(), ['difficulty', 'gracePeriodMs', 'network']);
  for (const key of Object.keys(openOptions(options, { network: true }))) assert.ok(network.some((k) => k === key), key);
});

test('clockOffsetMs runs the node clock ahead (a test aid)', async () => {
  const vns = await open({ storage: 'memory', network: 'testing', clockOffsetMs: 10 * 60_000 });
  try {
    const before = Date.now();
    const resolved = await vns.register(generateKeys(), 'ahead');
    const history = vns.history(resolved.name);
    assert.ok(history[0].at >= before + 10 * 60_000, `registered at ${history[0].at}, ${history[0].at - before} ms ahead`);
  } finally {
    await vns.close();
  }
});

test('open reads its options through the same list and checks each value', async () => {
  const vns = await open({ storage: 'memory', network: 'testing', difficulty: 3, gracePeriodMs: 7, queueCapacity: 4 });
  assert.equal(vns.difficulty, 3);
  assert.equal(vns.network.gracePeriodMs, 7);
  assert.equal(vns.queueStatus().capacity, 4);
  await vns.close();
  for (const [options, field] of /** @type {const} */ ([
    [{ network: 'moon' }, 'network'],
    [{ difficulty: 99 }, 'difficulty'],
    [{ registrationPeriodMs: 0 }, 'registrationPeriodMs'],
    [{ queueCapacity: 0 }, 'queueCapacity'],
    [{ gracePeriodMs: -1 }, 'gracePeriodMs'],
    [{ handshakeTimeoutMs: 0 }, 'handshakeTimeoutMs'],
    [{ clockOffsetMs: 366 * 24 * 3600 * 1000 }, 'clockOffsetMs'],
    [{ clockOffsetMs: -1 }, 'clockOffsetMs'],
  ])) {
    // Wrong on purpose: what a caller without the types could pass.
    const bad = /** @type {import('../../js/vns-types.js').OpenOptions} */ (/** @type {unknown} */ ({ storage: 'memory', ...options }));
    await assert.rejects(open(bad), (e) => {
      assert.ok(e instanceof Error);
      assert.equal(/** @type {Error & { code?: string }} */ (e).code, 'vns.invalid_argument');
      assert.match(e.message, new RegExp(field));
      return true;
    });
  }
});
