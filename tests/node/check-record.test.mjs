// `checkRecord` checks one record by the same rules a change applies (a record editor shows
// each row's error from it), and refuses garbage with a code instead of throwing anything else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRecord, open, generateKeys, RECORD_RULES } from 'vns';

/** @param {unknown} e */
const codeOf = (e) => /** @type {{ code?: string }} */ (e).code ?? '';

test('checkRecord accepts what a change accepts and refuses what it refuses, with the same code', async () => {
  const vns = await open({ storage: 'memory', network: 'testing', difficulty: 1 });
  try {
    const keys = generateKeys();
    await vns.register(keys, 'rows', []);
    const good = [
      { type: 'A', value: '192.0.2.1' },
      { type: 'AAAA', value: '2001:db8::1', ttl: RECORD_RULES.maxTtl },
      { type: 'TXT', value: '  spaced  ', ttl: RECORD_RULES.minTtl },
    ];
    for (const record of good) assert.equal(checkRecord(record), undefined, JSON.stringify(record));
    const bad = [
      { type: 'A', value: '300.1.2.3' },
      { type: 'A', value: '2001:db8::1' },
      { type: 'AAAA', value: 'not an address' },
      { type: 'MX', value: 'mail' },
      { type: 'TXT', value: 'x', ttl: RECORD_RULES.maxTtl + 1 },
      { type: 'TXT', value: 'x', ttl: 1.5 },
      { type: 'TXT', value: 'x'.repeat(RECORD_RULES.maxTxtBytes + 1) },
      { type: 'FS', value: 'bafy-not-a-cid' },
    ];
    for (const record of bad) {
      let checked = '';
      assert.throws(() => checkRecord(record), (e) => e instanceof Error && (checked = codeOf(e)) !== '', JSON.stringify(record));
      await assert.rejects(vns.update(keys, 'rows', [record]), (e) => codeOf(e) === checked, `the change refuses ${JSON.stringify(record)} alike`);
    }
  } finally {
    await vns.close();
  }
});

test('checkRecord refuses garbage with vns.invalid_argument', () => {
  for (const garbage of [undefined, null, 42, 'A 192.0.2.1', [], { type: 1, value: 'x' }, { type: 'A', value: 7 }, { type: 'A', value: 'x', ttl: 'long' }]) {
    assert.throws(() => checkRecord(/** @type {any} */ (garbage)), (e) => e instanceof Error && codeOf(e).length > 0, String(garbage));
  }
  assert.throws(() => checkRecord(/** @type {any} */ (42)), (e) => codeOf(e) === 'vns.invalid_argument');
});
