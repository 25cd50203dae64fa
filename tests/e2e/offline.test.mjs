// The page without its node: it starts again from its service worker's copy of its files and
// answers from IndexedDB, and changes made meanwhile wait in the delta queue until the node
// is back at the same address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startNode, cli, scratch, launchBrowser, openPage, waitReady, waitOnline, waitFor, waitForNodeAnswer, resolveInPage, registerInPage, screenshot } from './helpers.mjs';

/** Waits until the page's files are kept by its service worker (the page is controlled). */
const waitOfflineReady = (/** @type {import('playwright-core').Page} */ page) =>
  page.waitForFunction(() => document.documentElement.dataset.offlineReady === 'true', null, { timeout: 15_000 });

test('reloaded with its node stopped, the page still resolves from IndexedDB', async (t) => {
  const dir = await scratch(t);
  const [node, browser] = await Promise.all([startNode({ t, data: join(dir, 'node') }), launchBrowser(t)]);
  const key = join(dir, 'key.json');
  assert.equal((await cli(['key', 'new', '--key', key])).code, 0);
  const registered = await cli(['register', 'kept', '--ip', '192.0.2.40', '--txt', 'still here', '--key', key, '--node', node.url]);
  assert.equal(registered.code, 0, registered.stderr);

  const { page } = await openPage(await browser.newContext(), node.url, { t });
  await waitOnline(page);
  await waitOfflineReady(page);
  await waitFor(async () => (await resolveInPage(page, 'kept')).locator('[data-verified=true]').count(), {
    message: 'kept.vfs never reached the page',
  });
  // Written to this browser's IndexedDB: the Network view says when the copy is saved.
  await page.goto(`${node.url}/#network`);
  await page.locator('[data-field=save-state][data-state=saved]').waitFor();
  assert.equal(await page.locator('[data-field=local-entries]').innerText(), '1');

  assert.deepEqual(await node.stop(), { code: 0, signal: null });
  await page.reload();
  await waitReady(page);
  const result = await resolveInPage(page, 'kept');
  await result.locator('[data-node=offline]').waitFor();
  assert.deepEqual(
    (await result.locator('table.records tbody tr').allInnerTexts()).map((r) => r.split('\t').slice(0, 2)).sort(),
    [['A', '192.0.2.40'], ['TXT', 'still here']],
  );
  assert.equal(await result.locator('[data-verified=true]').count(), 1, 'the answer is verified against the local root');
  await page.locator('#offline').waitFor();
  await screenshot(page, 'offline-resolve');
});

test('registered while the node is down, a name reaches the node once it is back', async (t) => {
  const dir = await scratch(t);
  const data = join(dir, 'node');
  const [node, browser] = await Promise.all([startNode({ t, data }), launchBrowser(t)]);
  const { page } = await openPage(await browser.newContext(), node.url, { t });
  await waitOnline(page);
  await waitOfflineReady(page);

  await node.stop();
  await page.waitForFunction(() => document.documentElement.dataset.online === 'false');
  await registerInPage(page, 'queued', '192.0.2.50');
  await page.locator('#register-result [data-outcome]').waitFor();
  assert.equal(await page.locator('#register-result [data-outcome]').getAttribute('data-outcome'), 'queued');
  await page.locator('#offline').waitFor();
  assert.equal(await page.locator('#offline [data-field=queue]').innerText(), '1');
  const owner = await page.locator('#register-result dl.facts code').innerText();
  await page.goto(`${node.url}/#network`);
  await screenshot(page, 'network-offline');

  const again = await startNode({ t, data, port: node.port });
  const answer = await waitForNodeAnswer(again, 'queued.vfs', undefined, 'the queued registration never reached the node');
  assert.equal(answer.owner, owner);
  assert.deepEqual(answer.records, [{ type: 'A', value: '192.0.2.50', ttl: 3600 }]);
  await waitOnline(page);
  await page.locator('#offline').waitFor({ state: 'hidden' });
  await waitFor(async () => (await page.locator('[data-field=in-sync]').innerText()) === 'yes', {
    message: "the page's root never matched the node's",
  });
  // The queue is replayed a moment after the handshake (after the merkle catch-up).
  await waitFor(async () => /^0 waiting \(capacity \d+; 1 replayed/.test(await page.locator('[data-field=queue-size]').innerText()), {
    message: 'the delta queue was never replayed',
  });
  await screenshot(page, 'network');
});
