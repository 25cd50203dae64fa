// @ts-check
// `vns resolve|update|transfer --light` against a real `vns serve`: answers verified from
// entries with merkle proofs over the node's peer endpoint, changes confirmed by the node's
// proof, refusals with the same codes and exit codes as without --light.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServe, cli } from '../support/serve-process.mjs';
import { tempDirs } from '../support/temp-dirs.mjs';

const tempDir = tempDirs('vns-light-cli-');

test('the CLI resolves, updates and transfers as a light client of --node', async () => {
  const node = await startServe(['--memory', '--network', 'testing', '--difficulty', '4']);
  after(() => node.kill());
  const dir = await tempDir();
  const env = { VNS_NODE: node.url, VNS_KEY: join(dir, 'key.json') };
  const other = { ...env, VNS_KEY: join(dir, 'other.json') };
  assert.equal((await cli(['key', 'new'], env)).code, 0);
  assert.equal((await cli(['key', 'new'], other)).code, 0);
  const registered = await cli(['register', 'alice', '--txt', 'one', '--json'], env);
  assert.equal(registered.code, 0, registered.stderr);

  const viaHttp = JSON.parse((await cli(['resolve', 'alice', '--json'], env)).stdout);
  const light = await cli(['resolve', 'alice', '--light', '--json'], env);
  assert.equal(light.code, 0, light.stderr);
  const verified = JSON.parse(light.stdout);
  assert.equal(verified.entry, viaHttp.entry, 'the same entry, verified against the node\'s root');
  assert.equal(verified.stale, false);

  const updated = await cli(['update', 'alice', '--txt', 'two', '--light', '--json'], env);
  assert.equal(updated.code, 0, updated.stderr);
  const after1 = JSON.parse((await cli(['resolve', 'alice', '--json'], env)).stdout);
  assert.deepEqual(after1.records, [{ type: 'TXT', value: 'two', ttl: 3600 }]);
  assert.equal(JSON.parse(updated.stdout).resolved.entry, after1.entry);

  // Refusals: the same code and exit code as over HTTP.
  const notOwner = await cli(['update', 'alice', '--txt', 'theirs', '--light'], other);
  const notOwnerHttp = await cli(['update', 'alice', '--txt', 'theirs'], other);
  assert.equal(notOwner.code, notOwnerHttp.code);
  assert.match(notOwner.stderr, /rule\.wrong_signer/);
  assert.match(notOwnerHttp.stderr, /rule\.wrong_signer/);
  const absent = await cli(['resolve', 'nobody', '--light'], env);
  const absentHttp = await cli(['resolve', 'nobody'], env);
  assert.equal(absent.code, absentHttp.code);
  assert.match(absent.stderr, /resolve\.not_found/);

  const owner = JSON.parse((await cli(['key', 'show', '--json'], other)).stdout).owner;
  const moved = await cli(['transfer', 'alice', owner, '--light', '--json'], env);
  assert.equal(moved.code, 0, moved.stderr);
  assert.equal(JSON.parse((await cli(['resolve', 'alice', '--json'], env)).stdout).owner, owner);
});

test('--light against no node fails as unreachable', async () => {
  const dir = await tempDir();
  const res = await cli(['resolve', 'alice', '--light'], { VNS_NODE: 'http://127.0.0.1:9', VNS_KEY: join(dir, 'k.json') });
  assert.equal(res.code, 3, res.stderr);
});
