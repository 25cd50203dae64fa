// The generated list of error codes as the package ships it: the statuses `vns serve` takes
// from it, and the `ErrorCode` union both entry points export to TypeScript users (checked
// with tsc against the declarations scripts/build-pkg.sh generates).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ERROR_HTTP_STATUS, httpStatusFor, UNLISTED_HTTP_STATUS } from '../../js/codes.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('statuses come from the list; unlisted codes answer 500', () => {
  assert.equal(httpStatusFor('entry.malformed'), 400);
  assert.equal(httpStatusFor('rule.wrong_signer'), 422);
  assert.equal(httpStatusFor('store.rate_limited'), 429);
  assert.equal(httpStatusFor('resolve.not_found'), 404);
  assert.equal(httpStatusFor('http.too_large'), 413);
  // Never an HTTP answer, or not a code at all.
  assert.equal(ERROR_HTTP_STATUS['sync.malformed'], null);
  assert.equal(httpStatusFor('sync.malformed'), UNLISTED_HTTP_STATUS);
  assert.equal(httpStatusFor('limit.exceeded'), 500);
  assert.equal(httpStatusFor('toString'), 500, 'inherited properties are not codes');
});

test('both entry points export the ErrorCode union to TypeScript', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'vns-types-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await access(join(root, 'js/index.d.ts')).catch(() => {
    throw new Error('js/index.d.ts missing: run scripts/build-pkg.sh first');
  });
  const lines = [];
  for (const entry of ['index', 'node']) {
    const alias = `Code_${entry}`;
    lines.push(
      `import type { ErrorCode as ${alias} } from ${JSON.stringify(join(root, `js/${entry}.js`))};`,
      `export const ok_${entry}: ${alias}[] = ['rule.stale', 'block.not_canonical', 'vns.internal'];`,
      '// @ts-expect-error: not a VNS error code',
      `export const bad_${entry}: ${alias} = 'limit.exceeded';`,
    );
  }
  const file = join(dir, 'check.ts');
  await writeFile(file, `${lines.join('\n')}\n`);
  const tsc = join(root, 'node_modules/.bin/tsc');
  const args = ['--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--types', 'node', '--skipLibCheck', file];
  const { stdout } = await promisify(execFile)(tsc, args, { cwd: root }).catch((e) => {
    assert.fail(`tsc refused the check:\n${e.stdout}${e.stderr}`);
  });
  assert.equal(stdout, '');
});
