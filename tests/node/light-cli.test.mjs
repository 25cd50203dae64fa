// @ts-check
// The CLI as a light client of a real `vns serve`: `resolve` verifies the node's answer by
// default (entries with merkle proofs over its peer endpoint), and `register`, `update`,
// `renew` and `transfer` with --light are built on the verified version, sent over the same
// link and confirmed by the node's proof, refused with the same codes and exit codes as over
// HTTP. Each light command is checked to have opened a peer session: the HTTP path opens none.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startServe, cli, parseMetrics } from '../support/serve-process.mjs';
import { tempDirs } from '../support/temp-dirs.mjs';

const tempDir = tempDirs('vns-light-cli-');

/** @typedef {import('../support/serve-process.mjs').StartedServe} StartedServe */
/** @typedef {{ code: number | null, stdout: string, stderr: string }} CliRun */

/** Peer handshakes `node` completed so far. @param {StartedServe} node */
async function handshakes(node) {
  const metrics = parseMetrics(await (await fetch(`${node.url}/metrics`)).text());
  return metrics.get('vns_sessions_opened_total') ?? 0;
}

/**
 * Runs the CLI and checks that it spoke to `node` as a light client: one peer session.
 * @param {StartedServe} node @param {string[]} args @param {Record<string, string>} env
 * @returns {Promise<CliRun>}
 */
async function light(node, args, env) {
  const before = await handshakes(node);
  const run = await cli(args, env);
  assert.equal(await handshakes(node), before + 1, `\`vns ${args.join(' ')}\` opened one peer session\n${run.stderr}`);
  return run;
}

/** The `(code)` that ends the last line of a failed run's message. @param {CliRun} run */
const codeOf = (run) => [...run.stderr.matchAll(/\(([a-z0-9_]+\.[a-z0-9_]+)\)$/gm)].at(-1)?.[1];

/** A key for `VNS_KEY` in a fresh folder, created. @param {string} url */
async function owner(url) {
  const env = { VNS_NODE: url, VNS_KEY: join(await tempDir(), 'key.json') };
  assert.equal((await cli(['key', 'new'], env)).code, 0);
  return { env, id: (await cli(['key', 'show'], env)).stdout.trim() };
}

/** What `url` resolves `name` to over HTTP. @param {string} url @param {string} name */
const atNode = async (url, name) => (await fetch(`${url}/api/vns/resolve/${name}`)).json();

test('resolve verifies by default; update and transfer with --light; --no-light is the HTTP answer', async () => {
  const node = await startServe(['--memory', '--network', 'testing', '--difficulty', '4']);
  after(() => node.kill());
  const [me, them] = [await owner(node.url), await owner(node.url)];
  const registered = await cli(['register', 'alice', '--txt', 'one', '--json'], me.env);
  assert.equal(registered.code, 0, registered.stderr);

  const viaHttp = JSON.parse((await cli(['resolve', 'alice', '--no-light', '--json'], me.env)).stdout);
  assert.ok(viaHttp.proof.root, 'the node\'s answer, with its proof');
  const verified = await light(node, ['resolve', 'alice', '--json'], me.env);
  assert.equal(verified.code, 0, verified.stderr);
  const answer = JSON.parse(verified.stdout);
  assert.equal(answer.entry, viaHttp.entry, 'the same entry, verified against the node\'s root');
  assert.equal(answer.stale, false);
  assert.equal(typeof answer.verifiedAt, 'number');

  const updated = await light(node, ['update', 'alice', '--txt', 'two', '--light', '--json'], me.env);
  assert.equal(updated.code, 0, updated.stderr);
  const now = await atNode(node.url, 'alice');
  assert.deepEqual(now.records, [{ type: 'TXT', value: 'two', ttl: 3600 }]);
  assert.equal(JSON.parse(updated.stdout).resolved.entry, now.entry);

  const notOwner = await light(node, ['update', 'alice', '--txt', 'theirs', '--light'], them.env);
  const notOwnerHttp = await cli(['update', 'alice', '--txt', 'theirs'], them.env);
  assert.equal(notOwner.code, 1);
  assert.equal(notOwner.code, notOwnerHttp.code);
  assert.equal(codeOf(notOwner), 'rule.wrong_signer', notOwner.stderr);
  assert.equal(codeOf(notOwnerHttp), 'rule.wrong_signer');
  const absent = await light(node, ['resolve', 'nobody'], me.env);
  const absentHttp = await cli(['resolve', 'nobody', '--no-light'], me.env);
  assert.equal(absent.code, absentHttp.code);
  assert.equal(absent.stderr, absentHttp.stderr, 'the same words and code');
  assert.equal(codeOf(absent), 'resolve.not_found');

  const moved = await light(node, ['transfer', 'alice', them.id, '--light', '--json'], me.env);
  assert.equal(moved.code, 0, moved.stderr);
  assert.equal((await atNode(node.url, 'alice')).owner, them.id);
});

test('register and renew with --light: proof-of-work, the outlook and its question, the verified answer', async () => {
  const node = await startServe(['--memory', '--network', 'testing', '--difficulty', '8']);
  after(() => node.kill());
  const me = await owner(node.url);

  const registered = await light(node, ['register', 'carol', '--ip', '192.0.2.7', '--txt', 'hi', '--light'], me.env);
  assert.equal(registered.code, 0, registered.stderr);
  assert.match(registered.stderr, /proof-of-work: 8 bits, ~256 hashes expected\n/);
  assert.match(registered.stderr, /proof-of-work: done in/);
  assert.match(registered.stderr, /Your first name: back up your key now/);
  assert.match(registered.stdout, new RegExp(`^registered\\ncarol\\.vfs\\n {2}owner {4}${me.id}\\n`));
  assert.match(registered.stdout, /A {5}192\.0\.2\.7 {2}\(ttl 3600s\)/);
  const held = await atNode(node.url, 'carol');
  assert.equal(held.owner, me.id, 'the node holds it');

  const second = await light(node, ['register', 'carol2', '--light', '--json'], me.env);
  assert.equal(second.code, 0, second.stderr);
  const body = JSON.parse(second.stdout);
  assert.equal(body.resolved.name, 'carol2.vfs');
  assert.equal(body.resolved.stale, false, 'the light answer, verified from the node\'s proof');
  assert.equal(body.resolved.entry, (await atNode(node.url, 'carol2')).entry);

  // Renewing shows what it gains and asks; off a terminal it needs --yes and signs nothing.
  const refused = await light(node, ['renew', 'carol', '--light'], me.env);
  assert.equal(refused.code, 2, refused.stderr);
  assert.match(refused.stderr, /carol\.vfs expires \S+ \(in 365 days\)\.\nRenewing now sets \S+: \+\d+ (s|min)\.\n/);
  assert.match(refused.stderr, /Renewing is worthwhile from \S+ \(the last 30 days before expiry\)/);
  assert.equal(codeOf(refused), 'cli.not_confirmed');
  assert.equal((await atNode(node.url, 'carol')).seq, held.seq, 'nothing was signed');

  const renewed = await light(node, ['renew', 'carol', '--light', '--yes', '--json'], me.env);
  assert.equal(renewed.code, 0, renewed.stderr);
  const result = JSON.parse(renewed.stdout);
  assert.ok(result.renewal.gain > 0, `${result.renewal.gain}`);
  assert.ok(result.resolved.expires >= result.renewal.renewedExpires, 'signed a moment after the outlook');
  assert.equal(typeof result.resolved.verifiedAt, 'number');
  const after1 = await atNode(node.url, 'carol');
  assert.equal(after1.entry, result.resolved.entry);
  assert.equal(after1.seq, held.seq + 1);
  const human = await light(node, ['renew', 'carol', '--light', '--yes'], me.env);
  assert.match(human.stdout, /^renewed\ncarol\.vfs\n/);
});

test('register and renew refusals with --light: the codes and exit codes of the HTTP path', async () => {
  const node = await startServe(['--memory', '--network', 'testing', '--difficulty', '4']);
  after(() => node.kill());
  const [me, them] = [await owner(node.url), await owner(node.url)];
  assert.equal((await cli(['register', 'dave', '--light'], me.env)).code, 0);

  /** @type {Array<[string, string, string[], Record<string, string>]>} */
  const cases = [
    ['a name taken', 'rule.conflict_lost', ['register', 'dave'], them.env],
    ['an invalid name', 'name.too_short', ['register', 'a'], me.env],
    ['a bad record', 'record.bad_ipv4', ['register', 'erin', '--ip', 'not-an-ip'], me.env],
    ['renewed by another key', 'rule.wrong_signer', ['renew', 'dave', '--yes'], them.env],
    ['renewing a name nobody holds', 'resolve.not_found', ['renew', 'nobody', '--yes'], me.env],
  ];
  for (const [what, code, args, env] of cases) {
    const viaLight = await light(node, [...args, '--light'], env);
    const viaHttp = await cli(args, env);
    assert.equal(codeOf(viaLight), code, `${what}: ${viaLight.stderr}`);
    assert.equal(codeOf(viaHttp), code, `${what} over HTTP: ${viaHttp.stderr}`);
    assert.equal(viaLight.code, viaHttp.code, what);
    assert.equal(viaLight.code, 1, what);
    assert.doesNotMatch(viaLight.stderr, /proof-of-work: done/, `${what}: refused before the proof-of-work`);
  }
  assert.equal((await atNode(node.url, 'dave')).owner, me.id, 'no refused change reached the node');

  // Past its grace period nobody can renew a name, through either path. On this node
  // registrations last 10 s and their grace 1 s, so a name lapses within the test.
  const brief = await startServe(['--memory', '--network', 'testing', '--difficulty', '4',
    '--registration-period-ms', '10000', '--grace-period-ms', '1000']);
  after(() => brief.kill());
  const mine = { ...me.env, VNS_NODE: brief.url };
  assert.equal((await cli(['register', 'dave', '--light'], mine)).code, 0);
  const expires = (await atNode(brief.url, 'dave')).expires;
  await new Promise((r) => setTimeout(r, Math.max(0, expires + 1000 - Date.now()) + 300));
  const lapsed = await light(brief, ['renew', 'dave', '--yes', '--light'], mine);
  const lapsedHttp = await cli(['renew', 'dave', '--yes'], mine);
  assert.equal(codeOf(lapsed), 'rule.lapsed', lapsed.stderr);
  assert.equal(codeOf(lapsedHttp), 'rule.lapsed', lapsedHttp.stderr);
  assert.equal(lapsed.code, lapsedHttp.code);
});

test('a registration the node does not take is light.not_accepted, naming what it holds', async () => {
  // This node's clock runs two minutes ahead, so a registration for 60 s plus 1 s of grace,
  // fresh at the CLI's clock, has lapsed at the node's: it refuses it, which the CLI's own
  // checks (at its clock) cannot see.
  const node = await startServe(['--memory', '--network', 'testing', '--difficulty', '4',
    '--registration-period-ms', '60000', '--grace-period-ms', '1000', '--clock-offset-ms', '120000']);
  after(() => node.kill());
  const me = await owner(node.url);
  const run = await light(node, ['register', 'frank', '--light'], me.env);
  assert.equal(run.code, 1, run.stderr);
  assert.equal(codeOf(run), 'light.not_accepted', run.stderr);
  assert.match(run.stderr, /no peer took the change of frank\.vfs \(b[a-z2-7]+\); they hold no version/);
  assert.match(run.stderr, /proof-of-work: done/, 'refused after it was sent');
});

test('--light and --no-light: refused where there is no light path, and together', async () => {
  const env = { VNS_NODE: 'http://127.0.0.1:9', VNS_KEY: join(await tempDir(), 'k.json') };
  for (const args of [['names', '--light'], ['history', 'alice', '--no-light'], ['status', '--light'], ['resolve', 'alice', '--light', '--no-light']]) {
    const run = await cli(args, env);
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.equal(codeOf(run), 'cli.usage', run.stderr);
  }
  const down = await cli(['resolve', 'alice'], env);
  assert.equal(down.code, 3, down.stderr);
  assert.equal(codeOf(down), 'cli.unreachable');
});
