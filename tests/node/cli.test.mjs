// The `vns` CLI end to end against a real `vns serve` process: every command, human and
// --json output, and exit codes with clear messages on errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServe, cli } from '../support/serve-process.mjs';

/** @type {import('../support/serve-process.mjs').StartedServe | undefined} */
let node;
let dir = '';
/** @type {Record<string, string>} the CLI's environment: node URL and key file */
let env = {};
/** @type {Record<string, string>} the same node, another key */
let other = {};

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vns-cli-'));
  node = await startServe(['--memory', '--network', 'testing', '--difficulty', '10']);
  env = { VNS_NODE: node.url, VNS_KEY: join(dir, 'key.json') };
  other = { ...env, VNS_KEY: join(dir, 'other.json') };
});
after(async () => {
  node?.child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI with `--json` and parses its output. @param {string[]} args */
const json = async (args, e = env) => {
  const r = await cli([...args, '--json'], e);
  return { ...r, body: JSON.parse(r.stdout) };
};

test('key new writes a private key file; key show prints its owner id; no silent overwrite', async () => {
  const made = await json(['key', 'new']);
  assert.equal(made.code, 0, made.stderr);
  assert.match(made.body.owner, /^12D3KooW/);
  assert.equal((await stat(env.VNS_KEY)).mode & 0o777, 0o600);
  const shown = await cli(['key', 'show'], env);
  assert.equal(shown.stdout.trim(), made.body.owner);
  const again = await cli(['key', 'new'], env);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already exists.*--force/);
  assert.equal(JSON.parse(await readFile(env.VNS_KEY, 'utf8')).peerId, made.body.owner);
  assert.equal((await cli(['key', 'new'], other)).code, 0);
});

test('register, resolve, update, renew, names, transfer, status', async () => {
  const owner = (await cli(['key', 'show'], env)).stdout.trim();
  const reg = await cli(['register', 'carol', '--ip', '192.0.2.10', '--txt', 'hi there', '--ttl', '60'], env);
  assert.equal(reg.code, 0, reg.stderr);
  assert.match(reg.stderr, /proof-of-work: 10 bits, ~1,024 hashes expected/);
  assert.match(reg.stderr, /proof-of-work: done in/);
  assert.match(reg.stdout, /registered\ncarol\.vfs\n {2}owner {4}12D3KooW/);
  assert.match(reg.stdout, /A {5}192\.0\.2\.10 {2}\(ttl 60s\)/);

  const resolved = await json(['resolve', 'carol.vfs']);
  assert.equal(resolved.code, 0);
  assert.equal(resolved.body.owner, owner);
  assert.deepEqual(resolved.body.records, [
    { type: 'A', value: '192.0.2.10', ttl: 60 },
    { type: 'TXT', value: 'hi there', ttl: 60 },
  ]);

  const updated = await json(['update', 'carol', '--ip6', '2001:db8::7', '--cid', 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi', '--sync', 'wss://carol.example/vns']);
  assert.equal(updated.code, 0, updated.stderr);
  assert.deepEqual(updated.body.resolved.records.map((/** @type {{ type: string }} */ r) => r.type), ['A', 'TXT', 'AAAA', 'FS', 'SYNC'], 'records of other types are kept');
  assert.equal(updated.body.resolved.seq, resolved.body.seq + 1);

  const renewed = await json(['renew', 'carol', '--yes']);
  assert.equal(renewed.code, 0, renewed.stderr);
  assert.ok(renewed.body.resolved.expires > resolved.body.expires);

  const names = await json(['names']);
  assert.deepEqual(names.body.names, ['carol.vfs']);

  const newOwner = (await cli(['key', 'show'], other)).stdout.trim();
  const moved = await json(['transfer', 'carol', newOwner]);
  assert.equal(moved.code, 0, moved.stderr);
  assert.equal(moved.body.resolved.owner, newOwner);
  assert.deepEqual((await json(['names', newOwner])).body.names, ['carol.vfs']);
  assert.deepEqual((await json(['names', owner])).body.names, []);

  // The old owner can no longer change it; the new one can.
  const refused = await cli(['update', 'carol', '--ip', '10.0.0.1'], env);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /rule\.wrong_signer/);
  assert.equal((await cli(['update', 'carol', '--ip', '10.0.0.1'], other)).code, 0);

  const status = await json(['status']);
  assert.equal(status.body.entries, 1);
  assert.match(status.body.root, /^bafy/);
  const human = await cli(['status'], env);
  assert.match(human.stdout, /^entries {2}1$/m);
});

test('errors: clear messages and exit codes', async () => {
  const missing = await cli(['resolve', 'nobody'], env);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nobody\.vfs does not exist on this node \(resolve\.not_found\)/);
  const missingJson = await json(['resolve', 'nobody']);
  assert.equal(missingJson.body.error.code, 'resolve.not_found');

  const badName = await cli(['register', 'a b', '--ip', '1.2.3.4'], env);
  assert.equal(badName.code, 1);
  assert.match(badName.stderr, /\(name\./);
  const badRecord = await cli(['register', 'dave', '--ip', 'not-an-ip'], env);
  assert.equal(badRecord.code, 1);
  assert.match(badRecord.stderr, /\(record\./);

  // A name someone else holds: refused on this machine, before the proof-of-work and
  // without sending anything (the node never counts a rejected registration).
  const taken = await cli(['register', 'carol', '--ip', '192.0.2.99'], other);
  assert.equal(taken.code, 1);
  assert.match(taken.stderr, /\(rule\.conflict_lost\)/);
  assert.doesNotMatch(taken.stderr, /proof-of-work: done/);
  const metrics = await (await fetch(`${node?.url}/metrics`)).text();
  assert.doesNotMatch(metrics, /source="api",code="rule\.conflict_lost"/);

  const usage = await cli(['frobnicate'], env);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /unknown command "frobnicate"/);
  const badFlag = await cli(['resolve', 'x', '--ttl', '-3'], env);
  assert.equal(badFlag.code, 2);
  const noArgs = await cli(['transfer', 'carol'], env);
  assert.equal(noArgs.code, 2);

  const noKey = await cli(['register', 'erin'], { ...env, VNS_KEY: join(dir, 'absent.json') });
  assert.equal(noKey.code, 1);
  assert.match(noKey.stderr, /no key at .*absent\.json: create one with `vns key new`/);

  const down = await cli(['status'], { ...env, VNS_NODE: 'http://127.0.0.1:9' });
  assert.equal(down.code, 3);
  assert.match(down.stderr, /cannot reach the node at http:\/\/127\.0\.0\.1:9/);

  const help = await cli(['--help'], env);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /vns register <name>/);
});
