// @ts-check
// `connectWebRTC` in a tab that follows another (js/tabs.js): it makes no connection and does
// not announce itself, even when handed signalling that is open (another node's link), since
// the leading tab holds the network links; once the leading tab closes and this one takes
// over, it links to another page by WebRTC, and that link carries sync with the node stopped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, CHROMIUM, CHROMIUM_ARGS, startNode } from '../e2e/helpers.mjs';
import { WEBRTC_ARGS } from './page.mjs';

/**
 * The page: `?db=NAME` opens a database shared by the context's tabs (else a node in memory);
 * `?borrow=yes` also hands `connectWebRTC` the signalling of a second, unshared node's link.
 * Every `RTCPeerConnection` the page makes is counted.
 */
const PAGE = `<!doctype html><meta charset="utf-8"><title>WebRTC in tabs</title>
<script type="module">
  import { open, generateKeys, connectWebSocket, connectWebRTC } from '/js/index.js';
  const q = new URLSearchParams(location.search);
  const status = await (await fetch('/api/vns/status')).json();
  const made = [];
  class Counted extends RTCPeerConnection {
    constructor(config) { super(config); made.push(Date.now()); }
  }
  const url = 'ws://' + location.host + '/vns';
  const storage = q.get('db') ? 'indexeddb' : 'memory';
  const vns = await open({ ...status.open, dbName: q.get('db') ?? undefined, storage, saveDelayMs: 20, registrationsPerHour: 100000 });
  const options = { RTCPeerConnection: Counted, discoverIntervalMs: 200, minDelayMs: 100, maxDelayMs: 500 };
  const node = connectWebSocket(vns, url, { minDelayMs: 100, maxDelayMs: 500 });
  const rtc = connectWebRTC(vns, { signalling: node.signalling, ...options });
  let borrowed = null;
  if (q.get('borrow') === 'yes') {
    const spare = await open({ ...status.open, storage: 'memory' });
    const spareNode = connectWebSocket(spare, url, { minDelayMs: 100, maxDelayMs: 500 });
    borrowed = { spareNode, rtc: connectWebRTC(vns, { signalling: spareNode.signalling, ...options }) };
  }
  const keys = generateKeys();
  window.vnsTest = {
    vns, rtc, borrowed, made,
    register: (name) => vns.register(keys, name, []),
    has: async (name) => { try { await vns.resolve(name); return true; } catch { return false; } },
  };
  document.documentElement.dataset.ready = 'true';
</script>`;

/** @param {import('playwright-core').Page} page */
const openPeers = (page) => page.evaluate(() => /** @type {any} */ (window).vnsTest.rtc.peers().filter((/** @type {any} */ p) => p.state === 'open').length);

test('a follower tab makes no WebRTC connection until it leads, then links and syncs', { timeout: 120_000 }, async (t) => {
  const name = `webrtc-tabs-${process.pid}.tmp.html`;
  await writeFile(join(ROOT, 'www', name), PAGE);
  t.after(() => rm(join(ROOT, 'www', name), { force: true }));
  const node = await startNode({ t, difficulty: 4 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...WEBRTC_ARGS] });
  t.after(() => browser.close());
  /** @type {string[]} */
  const errors = [];
  /** @param {import('playwright-core').BrowserContext} context @param {string} query */
  const tab = async (context, query) => {
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${node.url}/${name}${query}`);
    await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 30_000 });
    return page;
  };

  // Another browser context: the page both tabs should reach over WebRTC.
  const partner = await tab(await browser.newContext(), '');
  const tabs = await browser.newContext();
  const leader = await tab(tabs, '?db=shared');
  assert.equal(await leader.evaluate(() => /** @type {any} */ (window).vnsTest.vns.role), 'leader');
  await leader.waitForFunction(() => /** @type {any} */ (window).vnsTest.rtc.peers().some((/** @type {any} */ p) => p.state === 'open'), null, { timeout: 30_000, polling: 100 });

  const follower = await tab(tabs, '?db=shared&borrow=yes');
  assert.equal(await follower.evaluate(() => /** @type {any} */ (window).vnsTest.vns.role), 'follower');
  // The borrowed signalling is open: only the follower rule keeps the tab from announcing.
  await follower.waitForFunction(() => /** @type {any} */ (window).vnsTest.borrowed.spareNode.signalling.open, null, { timeout: 10_000 });
  // Many discovery rounds and a client's patience when alone (2 rounds) pass.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const idle = await follower.evaluate(() => {
    const { rtc, borrowed, made } = /** @type {any} */ (window).vnsTest;
    return { made: made.length, ids: [rtc.id ?? null, borrowed.rtc.id ?? null], peers: rtc.peers().length + borrowed.rtc.peers().length };
  });
  assert.deepEqual(idle, { made: 0, ids: [null, null], peers: 0 }, 'a follower neither announces itself nor connects');
  assert.equal(await openPeers(partner), 1, 'the partner is linked to the leading tab only');
  await follower.evaluate(() => /** @type {any} */ (window).vnsTest.borrowed.rtc.stop());

  // The leading tab closes: the follower takes over the database and the network links.
  await leader.close();
  await follower.waitForFunction(() => /** @type {any} */ (window).vnsTest.vns.role === 'leader', null, { timeout: 15_000 });
  await follower.waitForFunction(() => /** @type {any} */ (window).vnsTest.rtc.peers().some((/** @type {any} */ p) => p.state === 'open'), null, { timeout: 30_000, polling: 100 });
  assert.ok((await follower.evaluate(() => /** @type {any} */ (window).vnsTest.made.length)) >= 1);

  // That link carries sync on its own.
  await node.stop();
  await follower.evaluate(() => /** @type {any} */ (window).vnsTest.register('from-the-new-leader'));
  await partner.waitForFunction(() => /** @type {any} */ (window).vnsTest.has('from-the-new-leader'), null, { timeout: 5_000, polling: 50 });
  assert.deepEqual(errors, [], 'nothing thrown in the pages');
});
