// The proof-of-work runs in a Web Worker: the page stays usable while it runs, and Cancel
// terminates the worker and registers nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startNode, launchBrowser, openPage, waitOnline, waitFor, nodeResolve, resolveInPage, registerInPage, screenshot } from './helpers.mjs';

test('cancelling a registration stops its worker; the page stays usable meanwhile', async (t) => {
  // 40 bits: a search that would take days, so it is still running when cancelled.
  const [node, browser] = await Promise.all([startNode({ t, difficulty: 40 }), launchBrowser(t)]);
  const { page } = await openPage(await browser.newContext(), node.url, { t });
  await waitOnline(page);

  const started = page.waitForEvent('worker');
  await registerInPage(page, 'never', '192.0.2.70');
  const worker = await started;
  await page.waitForFunction(() => Number(document.getElementById('pow-bar')?.getAttribute('value')) > 0);
  assert.ok(page.workers().length >= 1, 'the search runs in a worker');
  // The time elapsed, and the time left estimated from the difficulty (2^40 hashes expected)
  // over the measured rate: both shown, and consistent with each other.
  const progress = await waitFor(
    async () => (await page.locator('#pow-text').innerText()).match(/^([\d,]+) of ~([\d,]+) hashes · (?:[\d.]+ s|\d+ minutes?) elapsed · about (\d+) days? left · ([\d,]+) hashes\/s$/) ?? undefined,
    { message: 'the search never showed its elapsed time and estimate' },
  );
  const [attempts, expected, days, rate] = [1, 2, 3, 4].map((i) => Number(progress[i].replaceAll(',', '')));
  assert.equal(expected, 2 ** 40);
  const estimate = (expected - attempts) / rate / 86_400;
  assert.ok(Math.abs(days - estimate) <= 1, `about ${days} days left at ${rate} hashes/s; ${estimate.toFixed(1)} expected`);
  await screenshot(page, 'register-progress');

  // While the search runs: another view works, and a node answer arrives and is shown.
  const result = await resolveInPage(page, 'never');
  await result.locator('[data-node=absent]').waitFor();
  assert.match(await result.innerText(), /Not found/);

  await page.goto(`${node.url}/#register`);
  const progressBefore = Number(await page.locator('#pow-bar').getAttribute('value'));
  await waitFor(async () => Number(await page.locator('#pow-bar').getAttribute('value')) > progressBefore, {
    message: 'the search stopped making progress while the page was used',
  });
  const closed = new Promise((resolve) => worker.on('close', resolve));
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.locator('#register-result [data-outcome=cancelled]').waitFor();
  await closed;
  assert.equal(page.workers().length, 0, 'no worker left running');
  assert.equal(await page.locator('#register-cancel').isHidden(), true);
  assert.equal(await page.locator('#register-submit').isEnabled(), true);
  assert.equal((await nodeResolve(node, 'never.vfs')).status, 404);
});
