// Tabs of one browser profile share one IndexedDB database (js/tabs.js): one tab, elected with
// a Web Lock, holds it and the link to the node; the others run on it over a
// BroadcastChannel. Each test drives the package in real Chromium tabs of one persistent
// profile, through a small page that opens the package and exposes it to the test, against a
// real `vns serve`; the guard test shows what two unguarded writers do to the database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, CHROMIUM, CHROMIUM_ARGS, startNode, launchBrowser, waitFor, waitForNodeAnswer } from './helpers.mjs';

const HARNESS = 'tabs-harness.tmp.html';

/**
 * The page: opens the package on the database `?db=` (shared unless `?share=no`), dials the
 * node unless `?connect=no`, and puts what the test drives on `window`.
 */
const PAGE = `<!doctype html><meta charset="utf-8"><title>tabs</title>
<script type="module">
import { open, generateKeys, connectWebSocket } from '/js/index.js';
const q = new URLSearchParams(location.search);
try {
  const status = await (await fetch('/api/vns/status')).json();
  const vns = await open({ dbName: q.get('db'), ...status.open, shareTabs: q.get('share') !== 'no', saveDelayMs: 20 });
  const keys = generateKeys();
  const roles = [vns.role];
  const errors = [];
  vns.addEventListener('role', (e) => roles.push(e.detail.role));
  vns.addEventListener('error', (e) => errors.push(e.detail.code ?? e.detail.error?.code ?? e.detail.type));
  if (q.get('connect') !== 'no') connectWebSocket(vns, 'ws://' + location.host + '/vns', { minDelayMs: 100, maxDelayMs: 500 });
  const register = async (name, ip) => {
    try {
      await vns.register(keys, name, [{ type: 'A', value: ip }]);
      return { ok: true, at: Date.now() };
    } catch (e) {
      return { ok: false, code: e.code, message: e.message };
    }
  };
  const holds = (name) => { try { vns.resolveSync(name); return true; } catch { return false; } };
  const seenAt = (name) => new Promise((resolve) => {
    const look = () => (holds(name) ? resolve(Date.now()) : setTimeout(look, 5));
    look();
  });
  Object.assign(window, { vns, roles, errors, register, holds, seenAt });
  document.documentElement.dataset.ready = 'true';
} catch (e) {
  document.documentElement.dataset.ready = 'failed';
  document.body.textContent = (e.code ?? 'error') + ': ' + e.message;
}
</script>`;

/** Writes the page into www/ (served by `vns serve`) for this test. @param {import('node:test').TestContext} t */
async function harness(t) {
  const file = join(ROOT, 'www', HARNESS);
  await writeFile(file, PAGE);
  t.after(() => rm(file, { force: true }));
}

/**
 * A browser profile folder, kept across launches of Chromium on it. After the test, every
 * launch is closed first, then the folder is removed (Chromium writes it until it closes).
 * @param {import('node:test').TestContext} t
 */
async function browserProfile(t) {
  const dir = await mkdtemp(join(tmpdir(), 'vns-e2e-profile-'));
  /** @type {import('playwright-core').BrowserContext[]} */
  const launched = [];
  t.after(async () => {
    await Promise.all(launched.map((context) => context.close().catch(() => {})));
    await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  });
  return {
    async launch() {
      const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
      launched.push(context);
      return context;
    },
  };
}

/**
 * A tab on the page; resolves once the package has opened (or throws what it said).
 * @param {import('playwright-core').BrowserContext} context @param {string} url
 */
async function openTab(context, url) {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.dataset.ready !== undefined, null, { timeout: 20_000 });
  if ((await page.evaluate(() => document.documentElement.dataset.ready)) !== 'true') {
    throw new Error(`the page did not open the package: ${await page.evaluate(() => document.body.textContent)}`);
  }
  return page;
}

/**
 * A node, a browser profile, and two tabs of it on the database `db` (the first leads).
 * @param {import('node:test').TestContext} t @param {string} db
 */
async function twoTabs(t, db) {
  await harness(t);
  const [node, profile] = await Promise.all([startNode({ t }), browserProfile(t)]);
  const url = `${node.url}/${HARNESS}?db=${db}`;
  const context = await profile.launch();
  const first = await openTab(context, url);
  const second = await openTab(context, url);
  return { node, profile, context, first, second };
}

/** @param {import('playwright-core').Page} page */
const role = (page) => page.evaluate(() => window.vns.role);
/** @param {import('playwright-core').Page} page */
const networkPeers = (page) => page.evaluate(() => window.vns.networkPeers());
/** @param {import('playwright-core').Page} page @param {string} name @param {string} ip */
const register = (page, name, ip) => page.evaluate(([n, i]) => window.register(n, i), [name, ip]);
/** @param {import('playwright-core').Page} page */
const queueSize = (page) => page.evaluate(() => window.vns.queueStatus().size);

test('two tabs share one database: both write, the survivor takes over, the profile reopens whole', async (t) => {
  const { node, profile, first, second, ...opened } = await twoTabs(t, 'shared');
  let context = opened.context;
  assert.deepEqual([await role(first), await role(second)], ['leader', 'follower']);
  // The follower has no link of its own: it reports the leader's.
  await waitFor(async () => (await networkPeers(first)) === 1 && (await networkPeers(second)) === 1, { message: 'the tabs never saw the node' });
  assert.equal(await second.evaluate(() => window.vns.peers().length), 1, 'the follower is linked to the leader only');

  // Both register at once; each sees the other's name within a second of its registration.
  const firstSees = first.evaluate(() => window.seenAt('from-second.vfs'));
  const secondSees = second.evaluate(() => window.seenAt('from-first.vfs'));
  const [a, b] = await Promise.all([register(first, 'from-first', '192.0.2.1'), register(second, 'from-second', '192.0.2.2')]);
  assert.ok(a.ok && b.ok, JSON.stringify({ a, b }));
  const [bInFirst, aInSecond] = await Promise.all([firstSees, secondSees]);
  assert.ok(aInSecond - a.at <= 1000, `the follower saw the leader's name ${aInSecond - a.at} ms after it was registered`);
  assert.ok(bInFirst - b.at <= 1000, `the leader saw the follower's name ${bInFirst - b.at} ms after it was registered`);
  await waitForNodeAnswer(node, 'from-first');
  await waitForNodeAnswer(node, 'from-second');

  // The leader's tab closes: the other takes over the database and the link to the node.
  await first.close();
  await waitFor(async () => (await role(second)) === 'leader', { message: 'the survivor never took over' });
  assert.deepEqual(await second.evaluate(() => window.roles), ['follower', 'leader']);
  await waitFor(async () => (await networkPeers(second)) === 1, { message: 'the new leader never connected to the node' });
  // It syncs with the node both ways: its own change goes out, another browser's comes in.
  assert.ok((await register(second, 'after-takeover', '192.0.2.3')).ok);
  await waitForNodeAnswer(node, 'after-takeover');
  const elsewhere = await openTab(await (await launchBrowser(t)).newContext(), `${node.url}/${HARNESS}?db=elsewhere`);
  assert.ok((await register(elsewhere, 'from-elsewhere', '192.0.2.4')).ok);
  await waitFor(() => second.evaluate(() => window.holds('from-elsewhere.vfs')), { message: 'the new leader never got the name from the node' });
  await second.evaluate(() => window.vns.save());
  assert.deepEqual(await second.evaluate(() => window.errors), []);

  // The browser restarts on the same profile: everything is in the database, which loads cleanly.
  await context.close();
  context = await profile.launch();
  const reopened = await openTab(context, `${node.url}/${HARNESS}?db=shared&connect=no`);
  assert.equal(await role(reopened), 'leader');
  for (const name of ['from-first.vfs', 'from-second.vfs', 'after-takeover.vfs', 'from-elsewhere.vfs']) {
    assert.equal(await reopened.evaluate((n) => window.holds(n), name), true, `${name} is in the database`);
  }
  assert.deepEqual(await reopened.evaluate(() => window.errors), []);
});

test('a change queued while the node is down survives the leader tab closing', async (t) => {
  const { node, first, second } = await twoTabs(t, 'queued');
  await waitFor(async () => (await networkPeers(first)) === 1, { message: 'the leader never connected' });
  await node.stop();
  await waitFor(async () => (await networkPeers(second)) === 0, { message: 'the follower never heard the node was gone' });

  assert.ok((await register(first, 'queued-first', '192.0.2.5')).ok);
  assert.ok((await register(second, 'queued-second', '192.0.2.6')).ok);
  // The follower's link does not count as a way to the network: both changes wait.
  assert.equal(await queueSize(first), 2);

  await first.close();
  await waitFor(async () => (await role(second)) === 'leader', { message: 'the survivor never took over' });
  assert.equal(await queueSize(second), 2, 'the new leader loaded the queue with the database');

  const again = await startNode({ t, port: node.port });
  await waitForNodeAnswer(again, 'queued-first');
  await waitForNodeAnswer(again, 'queued-second');
  await waitFor(async () => (await queueSize(second)) === 0, { message: 'the queue never drained' });
});

test('the guard: two tabs writing one database without the election lose a change', async (t) => {
  await harness(t);
  const [node, profile] = await Promise.all([startNode({ t }), browserProfile(t)]);
  /** Two tabs write `db` one after the other, then the profile reopens: which names are left. */
  const run = async (/** @type {string} */ db, /** @type {string} */ share) => {
    const url = `${node.url}/${HARNESS}?db=${db}&share=${share}&connect=no`;
    const context = await profile.launch();
    try {
      const one = await openTab(context, url);
      const two = await openTab(context, url);
      for (const [page, name] of /** @type {const} */ ([[one, 'guard-one'], [two, 'guard-two']])) {
        assert.ok((await register(page, name, '192.0.2.7')).ok);
        await page.evaluate(() => window.vns.save());
      }
    } finally {
      await context.close();
    }
    const reopened = await profile.launch();
    try {
      const page = await reopened.newPage();
      await page.goto(url);
      await page.waitForFunction(() => document.documentElement.dataset.ready !== undefined, null, { timeout: 20_000 });
      if ((await page.evaluate(() => document.documentElement.dataset.ready)) !== 'true') {
        return { loadError: await page.evaluate(() => document.body.textContent) };
      }
      const held = await page.evaluate(() => ['guard-one.vfs', 'guard-two.vfs'].filter((n) => window.holds(n)));
      return { held, errors: await page.evaluate(() => window.errors) };
    } finally {
      await reopened.close();
    }
  };

  const unguarded = await run('unguarded', 'no');
  t.diagnostic(`without the election: ${JSON.stringify(unguarded)}`);
  assert.ok(unguarded.loadError?.startsWith('storage.') || unguarded.held.length < 2, `two writers lost nothing: ${JSON.stringify(unguarded)}`);
  const guarded = await run('guarded', 'yes');
  assert.deepEqual(guarded, { held: ['guard-one.vfs', 'guard-two.vfs'], errors: [] });
});

test('a hostile script on the channel gets coded answers and hurts neither tab', async (t) => {
  const { first, second } = await twoTabs(t, 'hostile');
  await waitFor(async () => (await networkPeers(second)) === 1, { message: 'the tabs never linked' });
  // Any script of the origin can post on the channel; this one runs in the follower's page.
  const hostile = await second.evaluate(async () => {
    const channel = new BroadcastChannel('vns-tabs:hostile');
    /** @type {any[]} */
    const heard = [];
    channel.onmessage = (event) => heard.push(event.data);
    const until = async (/** @type {(m: any) => boolean} */ match) => {
      for (let i = 0; i < 300; i++) {
        const found = heard.find(match);
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return undefined;
    };
    const post = (/** @type {unknown} */ message) => channel.postMessage(message);
    post({ v: 1, from: 'evil', kind: 'who' });
    const leader = (await until((m) => m.kind === 'leader'))?.from;
    for (const junk of ['garbage', null, 42, { v: 1, kind: 'submit' }, { v: 1, from: 'x'.repeat(65), to: leader, kind: 'submit', id: 9, bytes: new Uint8Array(1) }]) post(junk);
    post({ v: 2, from: 'evil', to: leader, kind: 'submit', id: 3, bytes: new Uint8Array(1) });
    post({ v: 1, from: 'evil', to: leader, kind: 'submit', id: 1, bytes: 'not bytes' });
    post({ v: 1, from: 'evil', to: leader, kind: 'submit', id: 2, bytes: new Uint8Array([0xa1, 0x61, 0x78, 0x00]) });
    post({ v: 1, from: 'evil', to: leader, kind: 'frame', bytes: 'not bytes' });
    const answer = async (/** @type {number} */ id) => (await until((m) => m.kind === 'result' && m.id === id && m.to === 'evil'))?.error?.code;
    const result = {
      leader: typeof leader,
      notBytes: await answer(1),
      notAnEntry: await answer(2),
      otherVersion: await answer(3),
      longId: await answer(9),
      linkClosed: (await until((m) => m.kind === 'bye' && m.to === 'evil')) !== undefined,
    };
    channel.close();
    return result;
  });
  assert.equal(hostile.leader, 'string');
  assert.equal(hostile.notBytes, 'tabs.bad_message');
  assert.match(hostile.notAnEntry ?? '', /^(block|entry|sync)\.[a-z_]+$/, `the core's code for a block that is no entry: ${hostile.notAnEntry}`);
  assert.equal(hostile.otherVersion, undefined, 'a message of another version is not answered');
  assert.equal(hostile.longId, undefined, 'a sender without a tab id is not answered');
  assert.equal(hostile.linkClosed, true, 'a frame that is not bytes closes that link');
  // The leader's core said why it closed the hostile link; the real tabs go on as before.
  assert.ok((await first.evaluate(() => window.errors)).length > 0);
  assert.ok((await register(second, 'after-garbage', '192.0.2.8')).ok);
  await waitFor(() => first.evaluate(() => window.holds('after-garbage.vfs')), { message: 'the leader never got the follower\'s name' });
  assert.equal(await networkPeers(second), 1);
});

test('with three tabs, the follower left behind follows the new leader', async (t) => {
  const { node, first, second, context } = await twoTabs(t, 'three');
  const third = await openTab(context, `${node.url}/${HARNESS}?db=three`);
  assert.equal(await role(third), 'follower');
  await first.close();
  const roles = async () => [await role(second), await role(third)].sort();
  await waitFor(async () => (await roles()).join() === 'follower,leader', { message: 'no tab took over' });
  const [leader, follower] = (await role(second)) === 'leader' ? [second, third] : [third, second];
  // The remaining follower links to the new leader: its change goes through it to the node.
  await waitFor(async () => (await networkPeers(follower)) === 1, { message: 'the follower never heard from the new leader' });
  assert.ok((await register(follower, 'third-tab', '192.0.2.9')).ok);
  assert.equal(await leader.evaluate(() => window.holds('third-tab.vfs')), true);
  await waitForNodeAnswer(node, 'third-tab');
});
