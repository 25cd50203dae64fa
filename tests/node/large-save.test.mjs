// A node catching up a large namespace saves it to a folder under `ulimit -n 1024`, and the
// folder opens again (as a folder, and migrated into the database) with every name. The
// names come from the native fixture (examples/bench_fixture.rs), built once under target/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tempDirs } from '../support/temp-dirs.mjs';

const tempDir = tempDirs('vns-large-save-');
const root = fileURLToPath(new URL('../..', import.meta.url));

/** Names brought to the node: `VNS_LARGE_SAVE_NAMES`, else a count that fits the suite's
 * time (scripts/bench-large-save.sh runs 200,000). */
const NAMES = Number(process.env.VNS_LARGE_SAVE_NAMES ?? 20_000);

/** The fixture of `n` names under target/bench-storage/, built natively when missing. @param {number} n */
function fixture(n) {
  const path = `target/bench-storage/fixture-${n}.bin`;
  if (!existsSync(`${root}/${path}`)) {
    const built = spawnSync('cargo', ['run', '--quiet', '--example', 'bench_fixture', '--', String(n), path], { cwd: root, encoding: 'utf8' });
    assert.equal(built.status, 0, built.stderr);
  }
  return path;
}

test(`a node catching up ${NAMES} names saves them to a folder under ulimit -n 1024, and every name is there after a restart`, { timeout: 20 * 60_000 }, async () => {
  fixture(NAMES);
  const dir = await tempDir();
  const script = fileURLToPath(new URL('./large-save.mjs', import.meta.url));
  const run = spawnSync('bash', ['-c', 'ulimit -n 1024 && exec "$0" "$1" "$2" "$3"', process.execPath, script, dir, String(NAMES)], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.doesNotMatch(run.stderr, /EMFILE/, 'no descriptor ran out');
  assert.equal(run.status, 0, run.stderr);
  const figures = JSON.parse(run.stdout.trim().split('\n').pop() ?? '');
  console.log(`${NAMES} names under ulimit -n 1024: ${JSON.stringify(figures)}`);
  assert.equal(figures.names, NAMES);
  assert.ok(figures.blocks > NAMES, `one save wrote every entry and the tree (${figures.blocks} blocks)`);
});
