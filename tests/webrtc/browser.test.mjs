// @ts-check
// Two headless Chromium pages in separate browser contexts connect by WebRTC through a
// `vns serve` node; the node is stopped; a name registered in one page resolves in the other
// within 2 s, over the data channel alone. Needs the flag in `WEBRTC_ARGS` (see page.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, rm } from 'node:fs/promises';
import { join, basename } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, CHROMIUM, CHROMIUM_ARGS, startNode, screenshot, waitFor } from '../e2e/helpers.mjs';
import { parseMetrics } from '../support/serve-process.mjs';
import { writeTestPage, openInContext, waitWebRTC, WEBRTC_ARGS } from './page.mjs';

test('two pages keep syncing over WebRTC after their node stopped', { timeout: 120_000 }, async (t) => {
  const page = await writeTestPage();
  t.after(page.remove);
  const node = await startNode({ t, difficulty: 4 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...WEBRTC_ARGS] });
  t.after(() => browser.close());
  const a = await openInContext(browser, `${node.url}${page.path}`);
  const b = await openInContext(browser, `${node.url}${page.path}`);
  await Promise.all([waitWebRTC(a.page), waitWebRTC(b.page)]);
  const candidates = await b.page.evaluate(() => /** @type {any} */ (window).vnsTest.candidates);
  t.diagnostic(`candidates received by b: ${JSON.stringify(candidates)}`);
  await node.stop();
  // Only the WebRTC link is left on each side.
  for (const p of [a.page, b.page]) await p.waitForFunction(() => /** @type {any} */ (window).vnsTest.vns.peers().length === 1, null, { timeout: 10_000 });

  await a.page.evaluate(() => /** @type {any} */ (window).vnsTest.register('over-webrtc'));
  await b.page.waitForFunction(() => /** @type {any} */ (window).vnsTest.has('over-webrtc'), null, { timeout: 2_000, polling: 20 });
  await b.page.evaluate(() => /** @type {any} */ (window).vnsTest.register('and-back'));
  await a.page.waitForFunction(() => /** @type {any} */ (window).vnsTest.has('and-back'), null, { timeout: 2_000, polling: 20 });
  const peers = await b.page.evaluate(() => /** @type {any} */ (window).vnsTest.rtc.peers());
  assert.equal(peers.length, 1);
  assert.equal(peers[0].state, 'open');
  assert.ok(peers[0].framesIn > 0 && peers[0].framesOut > 0, JSON.stringify(peers[0]));
  assert.deepEqual([...a.errors, ...b.errors], [], 'nothing thrown in the pages');
});

test("the demo page's Network view shows its WebRTC peer beside the node link", { timeout: 120_000 }, async (t) => {
  const node = await startNode({ t, difficulty: 4 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...WEBRTC_ARGS] });
  t.after(() => browser.close());
  const a = await openInContext(browser, `${node.url}/#network`);
  const b = await openInContext(browser, `${node.url}/#network`);
  for (const { page } of [a, b]) {
    const row = page.locator('[data-field="webrtc-peers"] tr[data-state="open"]');
    await row.waitFor({ timeout: 30_000 });
    assert.equal(await row.count(), 1);
    // Frames and a round trip show once pings went both ways.
    await page.waitForFunction(() => /\d+ ms/.test(document.querySelector('[data-field="webrtc-peers"] tr[data-state="open"]')?.textContent ?? ''), null, { timeout: 10_000 });
    assert.match(await row.innerText(), /connected\s+\d+ ms\s+\d+ \/ \d+/);
    assert.equal(await page.locator('[data-field="connection"]').getAttribute('data-online'), 'true');
  }
  await screenshot(a.page, 'network-webrtc');
  await node.stop();
  await a.page.waitForFunction(() => document.querySelector('[data-field="connection"]')?.getAttribute('data-online') === 'false', null, { timeout: 10_000 });
  assert.equal(await a.page.locator('[data-field="webrtc-peers"] tr[data-state="open"]').count(), 1, 'the WebRTC peer outlives the node');
  assert.deepEqual([...a.errors, ...b.errors], []);
});

test("the README's WebRTC page example, as written, links two pages over WebRTC", { timeout: 120_000 }, async (t) => {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Using the package (browser)'));
  const snippet = [...section.matchAll(/```html\n([\s\S]*?)```/g)].map((m) => m[1]).find((html) => html.includes('connectWebRTC('));
  assert.ok(snippet?.includes('connectWebRTC(vns, { signalling: node.signalling })'), 'an example page connects over WebRTC');
  const file = join(ROOT, 'www', `readme-webrtc-${process.pid}.tmp.html`);
  await writeFile(file, `<!doctype html><meta charset="utf-8"><title>README example</title>\n${snippet}`);
  t.after(() => rm(file, { force: true }));
  const node = await startNode({ t, difficulty: 4 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...WEBRTC_ARGS] });
  t.after(() => browser.close());
  for (let i = 0; i < 2; i += 1) await (await browser.newContext()).newPage().then((p) => p.goto(`${node.url}/${basename(file)}`));
  // Both pages announced themselves, and an answer went back to the caller: a WebRTC link.
  const metrics = async () => parseMetrics(await (await fetch(`${node.url}/metrics`)).text());
  const seen = await waitFor(async () => {
    const m = await metrics();
    return m.get('vns_signal_reachable') === 2 && (m.get('vns_signal_relayed_total{kind="answer"}') ?? 0) >= 1 && m;
  }, { message: 'the example pages never signalled each other' });
  assert.ok((seen.get('vns_signal_relayed_total{kind="offer"}') ?? 0) >= 1);
});
