// The `vns` CLI for owners, through the real binary against a real `vns serve`: renew shows
// what it gains and asks, names show expiry, update keeps records, per-command help, the key's
// recovery phrase, history and availability, errors in words.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServe, cli } from '../support/serve-process.mjs';

const CLI = fileURLToPath(new URL('../../js/cli.js', import.meta.url));

/** @type {import('../support/serve-process.mjs').StartedServe | undefined} */
let node;
let dir = '';
/** @type {Record<string, string>} */
let env = {};
/** @type {Record<string, string>} */
let other = {};

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vns-cli-owners-'));
  node = await startServe(['--memory', '--network', 'testing', '--difficulty', '8', '--registrations-per-hour', '3']);
  env = { VNS_NODE: node.url, VNS_KEY: join(dir, 'key.json') };
  other = { ...env, VNS_KEY: join(dir, 'other.json') };
  assert.equal((await cli(['key', 'new'], env)).code, 0);
  assert.equal((await cli(['key', 'new'], other)).code, 0);
});
after(async () => {
  node?.child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

/**
 * The CLI with `input` on its stdin (not a terminal).
 * @param {string[]} args @param {Record<string, string>} e @param {string} input
 */
function cliWithInput(args, e, input) {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...e } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(input);
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

/** @param {string[]} args @param {Record<string, string>} [e] */
const json = async (args, e = env) => {
  const r = await cli([...args, '--json'], e);
  return { ...r, body: JSON.parse(r.stdout) };
};

test('register reminds to back up the key after the first name; available and names follow', async () => {
  const free = await cli(['available', 'owned'], env);
  assert.equal(free.code, 0, free.stderr);
  assert.equal(free.stdout.trim(), 'owned.vfs is free');

  const reg = await cli(['register', 'owned', '--ip', '192.0.2.1', '--txt', 'keep me'], env);
  assert.equal(reg.code, 0, reg.stderr);
  assert.match(reg.stderr, /back up your key now\. `vns key export`/);
  const second = await cli(['register', 'owned2'], env);
  assert.equal(second.code, 0, second.stderr);
  assert.doesNotMatch(second.stderr, /back up your key/, 'only after the first');

  const owner = (await cli(['key', 'show'], env)).stdout.trim();
  const taken = await cli(['available', 'owned'], env);
  assert.equal(taken.code, 1);
  assert.match(taken.stdout, new RegExp(`^owned\\.vfs is taken \\(owned by ${owner} until \\d{4}-\\d\\d-\\d\\dT[\\d:]+Z, 36[45] days left\\)`));
  const takenJson = await json(['available', 'Owned.VFS']);
  assert.equal(takenJson.body.state, 'taken');
  assert.equal(takenJson.body.owner, owner);
  const invalid = await json(['available', 'a']);
  assert.equal(invalid.code, 1);
  assert.equal(invalid.body.code, 'name.too_short');

  const names = await cli(['names'], env);
  assert.equal(names.code, 0, names.stderr);
  assert.match(names.stdout, /^owned\.vfs\s+expires \d{4}-\d\d-\d\dT[\d:]+Z {2}36[45] days left$/m);
  assert.doesNotMatch(names.stdout, /RENEW SOON|IN GRACE/);
  const namesJson = await json(['names']);
  assert.deepEqual(namesJson.body.names, ['owned.vfs', 'owned2.vfs']);
  assert.equal(namesJson.body.expiry[0].renewSoon, false);
});

test('update keeps the other records; --replace and --clear are explicit; no records is an error', async () => {
  const kept = await json(['update', 'owned', '--ip6', '2001:db8::1']);
  assert.equal(kept.code, 0, kept.stderr);
  assert.deepEqual(kept.body.resolved.records.map((/** @type {{ type: string, value: string }} */ r) => `${r.type} ${r.value}`), [
    'A 192.0.2.1', 'TXT keep me', 'AAAA 2001:db8::1',
  ]);
  const sameType = await json(['update', 'owned', '--ip', '192.0.2.2']);
  assert.deepEqual(sameType.body.resolved.records.map((/** @type {{ type: string }} */ r) => r.type), ['TXT', 'AAAA', 'A']);

  const none = await cli(['update', 'owned'], env);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /nothing to change: give records .* or --clear .*\(cli\.no_records\)/);
  assert.equal((await json(['resolve', 'owned'])).body.records.length, 3, 'nothing was sent');

  const replaced = await json(['update', 'owned', '--txt', 'only', '--replace']);
  assert.deepEqual(replaced.body.resolved.records.map((/** @type {{ value: string }} */ r) => r.value), ['only']);
  assert.equal((await cli(['update', 'owned', '--clear', '--ip', '10.0.0.1'], env)).code, 2);
  const cleared = await json(['update', 'owned', '--clear']);
  assert.equal(cleared.code, 0, cleared.stderr);
  assert.deepEqual(cleared.body.resolved.records, []);
});

test('renew shows the new expiry and gain first, needs --yes off a terminal, and says when it is worthwhile', async () => {
  const before = (await json(['resolve', 'owned2'])).body;
  const refused = await cli(['renew', 'owned2'], env);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /owned2\.vfs expires \S+ \(in 365 days\)\.\nRenewing now sets \S+: \+\d+ (s|min)\.\n/);
  assert.match(refused.stderr, /Renewing is worthwhile from \S+ \(the last 30 days before expiry\), when it adds about 335 days\./);
  assert.match(refused.stderr, /Pass --yes to confirm .*nothing was signed.*\(cli\.not_confirmed\)/);
  assert.equal((await json(['resolve', 'owned2'])).body.seq, before.seq, 'nothing was signed');

  const renewed = await json(['renew', 'owned2', '--yes']);
  assert.equal(renewed.code, 0, renewed.stderr);
  // The renewal is signed a moment after the outlook was computed: it sets at least that.
  const late = renewed.body.resolved.expires - renewed.body.renewal.renewedExpires;
  assert.ok(late >= 0 && late < 60_000, `${late}`);
  assert.ok(renewed.body.renewal.gain > 0 && renewed.body.renewal.gain < 5 * 60_000);
});

test('history lists the registration, transfers and the latest update', async () => {
  const newOwner = (await cli(['key', 'show'], other)).stdout.trim();
  const me = (await cli(['key', 'show'], env)).stdout.trim();
  assert.equal((await cli(['transfer', 'owned2', newOwner], env)).code, 0);
  const h = await cli(['history', 'owned2'], env);
  assert.equal(h.code, 0, h.stderr);
  const lines = h.stdout.trim().split('\n');
  assert.match(lines[0], new RegExp(`^\\S+Z {2}register {2}by ${me} {2}expires \\S+Z$`));
  assert.match(lines[1], /^\S+Z {2}renew {5}by 12D3KooW\w+ {2}expires \S+Z$/);
  assert.match(lines[2], new RegExp(`^\\S+Z {2}transfer {2}by ${me} to ${newOwner}$`));
  const hj = await json(['history', 'owned2']);
  assert.deepEqual(hj.body.history.map((/** @type {{ kind: string }} */ e) => e.kind), ['register', 'renew', 'transfer']);
  const missing = await cli(['history', 'nobody'], env);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nobody\.vfs does not exist on this node \(resolve\.not_found\)/);
});

test('errors speak user: wrong owner, taken, bad owner id, rate limit in words', async () => {
  const me = (await cli(['key', 'show'], env)).stdout.trim();
  const them = (await cli(['key', 'show'], other)).stdout.trim();
  const wrong = await cli(['update', 'owned2', '--ip', '10.0.0.1'], env);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, new RegExp(`owned2\\.vfs belongs to ${them}; your key ${me} cannot change it .*\\(rule\\.wrong_signer\\)`));
  const taken = await cli(['register', 'owned'], other);
  assert.equal(taken.code, 1);
  assert.match(taken.stderr, new RegExp(`owned\\.vfs is taken \\(owned by ${me} until \\S+Z\\).*\\(rule\\.conflict_lost\\)`));
  const badOwner = await cli(['transfer', 'owned', 'not-an-id'], env);
  assert.equal(badOwner.code, 1);
  assert.match(badOwner.stderr, /"not-an-id" is not an owner id \(owner ids look like 12D3KooW…/);
  // The node takes 3 registrations per owner per hour: the fourth is refused with a wait.
  assert.equal((await cli(['register', 'owned3'], env)).code, 0);
  const limited = await cli(['register', 'owned4'], env);
  assert.equal(limited.code, 1);
  assert.match(limited.stderr, /try again in [1-6]?\dm( \d+s)? \(at \d{4}-\d\d-\d\dT[\d:]+Z\) \(store\.rate_limited\)/);
  assert.doesNotMatch(limited.stderr, /\d{13}/, 'no epoch milliseconds');
});

test('key export prints the phrase with a warning; import restores the same key', async () => {
  const owner = (await cli(['key', 'show'], env)).stdout.trim();
  const exported = await cli(['key', 'export'], env);
  assert.equal(exported.code, 0, exported.stderr);
  const phrase = exported.stdout.trim();
  assert.equal(phrase.split(' ').length, 24);
  assert.match(exported.stderr, /anyone who has them owns your names/);
  const restored = { ...env, VNS_KEY: join(dir, 'restored.json') };
  const imported = await cliWithInput(['key', 'import'], restored, `  ${phrase.toUpperCase()}\n`);
  assert.equal(imported.code, 0, imported.stderr);
  assert.equal(JSON.parse(await readFile(restored.VNS_KEY, 'utf8')).peerId, owner);
  const again = await cliWithInput(['key', 'import'], restored, phrase);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /cli\.key_exists/);
  const words = phrase.split(' ');
  const typo = await cliWithInput(['key', 'import', '--force'], restored, [...words.slice(0, 23), 'abandonn'].join(' '));
  assert.equal(typo.code, 1);
  assert.match(typo.stderr, /word 24 \("abandonn"\) is not a recovery-phrase word.*\(phrase\.bad_word\)/);
  const short = await cliWithInput(['key', 'import', '--force'], restored, words.slice(0, 12).join(' '));
  assert.match(short.stderr, /\(phrase\.bad_length\)/);
  const swapped = [words[1], words[0], ...words.slice(2)];
  if (swapped.join(' ') !== phrase) {
    const bad = await cliWithInput(['key', 'import', '--force'], restored, swapped.join(' '));
    assert.match(bad.stderr, /\(phrase\.bad_checksum\)/);
  }
  assert.equal(JSON.parse(await readFile(restored.VNS_KEY, 'utf8')).peerId, owner, 'a refused import changes nothing');
});

test('each command has its own help with defaults and an example; serve says peers need --host', async () => {
  const register = await cli(['register', '--help'], env);
  assert.equal(register.code, 0);
  assert.match(register.stdout, /^vns register: claim a free name/);
  assert.match(register.stdout, /--ttl SECONDS .*\(default 3600\)/);
  assert.match(register.stdout, /Example:\n {2}vns register alice/);
  assert.doesNotMatch(register.stdout, /vns serve \[options\]/, 'not the overview');
  const serve = await cli(['serve', '--help'], env);
  assert.equal(serve.code, 0);
  assert.match(serve.stdout, /--port N\s+the port [^-]*\(default 7420\)/);
  assert.match(serve.stdout, /other machines need --host 0\.0\.0\.0/);
  assert.match(serve.stdout, /--queue-capacity N\s+changes kept .*\(default 1000\)/);
  assert.match(serve.stdout, /--dns-rate N/);
  for (const command of ['update', 'renew', 'names', 'history', 'available', 'key', 'transfer', 'resolve', 'status']) {
    const page = await cli([command, '--help'], env);
    assert.equal(page.code, 0, command);
    assert.match(page.stdout, new RegExp(`^vns ${command}: `), command);
  }
  const overview = await cli(['--help'], env);
  assert.match(overview.stdout, /`vns <command> --help`/);
  const bad = await cli(['update'], env);
  assert.match(bad.stderr, /run `vns update --help` for usage/);
});
