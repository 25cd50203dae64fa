// Light mode's cache in the browser's real IndexedDB: after lookups, a reload with the node
// stopped answers the cached names at once (no node to ask), marks them possibly stale once
// older than the set age (`?staleAfterMs=`, short here), and an uncached name fails at once
// with `resolve.offline`, in words, instead of waiting for an answer that cannot come.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startNode, cli, scratch, launchBrowser, openPage, waitReady, waitOnline, waitFor, resolveInPage, resolveVerifiedInPage, screenshot } from './helpers.mjs';

const STALE_AFTER_MS = 15_000;

/** Waits until the page's files are kept by its service worker (the page is controlled). */
const waitOfflineReady = (/** @type {import('playwright-core').Page} */ page) =>
  page.waitForFunction(() => document.documentElement.dataset.offlineReady === 'true', null, { timeout: 15_000 });

/**
 * The size of the light cache as stored in the page's IndexedDB (database `vns-www-light`,
 * state `light-cache`), read with the browser's own IndexedDB API; 0 when not saved yet.
 * @param {import('playwright-core').Page} page
 */
const storedCacheBytes = (page) =>
  page.evaluate(() => new Promise((resolve, reject) => {
    const request = indexedDB.open('vns-www-light');
    request.onerror = () => reject(request.error);
    request.onsuccess = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains('state')) return resolve(0);
      const get = db.transaction('state').objectStore('state').get('light-cache');
      get.onsuccess = () => {
        db.close();
        resolve(get.result ? get.result.byteLength : 0);
      };
      get.onerror = () => reject(get.error);
    };
  }));

test('reloaded with the node stopped, cached names answer at once, then stale; others fail with resolve.offline', async (t) => {
  const dir = await scratch(t);
  const [node, browser] = await Promise.all([startNode({ t, data: join(dir, 'node') }), launchBrowser(t)]);
  const key = join(dir, 'key.json');
  assert.equal((await cli(['key', 'new', '--key', key])).code, 0);
  for (const [name, ip] of [['cached1', '192.0.2.11'], ['cached2', '192.0.2.12']]) {
    const made = await cli(['register', name, '--ip', ip, '--key', key, '--node', node.url]);
    assert.equal(made.code, 0, made.stderr);
  }

  const url = `${node.url}/?staleAfterMs=${STALE_AFTER_MS}`;
  const { page } = await openPage(await browser.newContext(), url, { t, mode: 'light' });
  await waitOnline(page);
  await waitOfflineReady(page);
  for (const name of ['cached1', 'cached2']) await resolveVerifiedInPage(page, name);
  // Saved: what IndexedDB holds is the cache as the page lists it now.
  const summary = page.locator('[data-field=cache-summary][data-names="2"]');
  await summary.waitFor();
  const listed = Number(await summary.getAttribute('data-bytes'));
  await waitFor(async () => (await storedCacheBytes(page)) === listed, { message: `the light cache (${listed} bytes) was never saved to IndexedDB` });

  assert.deepEqual(await node.stop(), { code: 0, signal: null });
  await page.reload();
  await waitReady(page);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.online), 'false');
  const out = await resolveInPage(page, 'cached1');
  const verdict = out.locator('[data-verified=true]');
  await verdict.waitFor();
  assert.equal(await verdict.getAttribute('data-stale'), 'false', `younger than ${STALE_AFTER_MS} ms: not stale yet`);
  assert.match(await out.locator('table.records').innerText(), /192\.0\.2\.11/);
  await out.locator('[data-node=offline]').waitFor();
  await page.goto(new URL('#network', page.url()).href);
  const traffic = page.locator('[data-field=traffic]');
  assert.equal(await traffic.getAttribute('data-frames-out'), '0', 'answered without sending anything');
  await screenshot(page, 'light-offline-current');

  // Past the set age since it was verified, the same answer is marked possibly stale.
  const verifiedAt = Number(await page.evaluate(() => {
    const row = document.querySelector('table.cache tr[data-name="cached1.vfs"]');
    return row && row.getAttribute('data-verified-at');
  }));
  assert.ok(verifiedAt > 0, 'the cache lists when cached1.vfs was verified');
  await waitFor(() => Date.now() >= verifiedAt + STALE_AFTER_MS + 100, { message: 'never old enough', timeout: STALE_AFTER_MS + 5000 });
  const again = await resolveInPage(page, 'cached1');
  await again.locator('[data-verified=true][data-stale=true]').waitFor();
  assert.match(await again.locator('[data-stale=true]').first().innerText(), /possibly stale/);
  assert.match(await again.locator('table.records').innerText(), /192\.0\.2\.11/, 'still answered');
  await page.locator('[data-field=cache-summary][data-stale="2"]').waitFor();
  await screenshot(page, 'light-offline-stale');

  // A name never looked up: nothing to answer from, nobody to ask: said at once.
  const missing = await resolveInPage(page, 'uncached');
  const failure = missing.locator('[data-state="resolve.offline"]');
  await failure.waitFor({ timeout: 5000 });
  assert.match(await failure.locator('.message').innerText(), /not cached here and no peer is connected/);
  assert.equal(await failure.locator('.code-detail code').innerText(), 'resolve.offline');
  await screenshot(page, 'light-offline-uncached');
});
