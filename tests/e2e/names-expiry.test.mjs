// My names shows each name's expiry and the days left, flags a name in its last 30 days or
// in its grace period, and the Renew button says, before signing, what the renewal would set,
// what it gains, and when renewing becomes worthwhile. Later days are seen by pages opened on
// a faked clock (Playwright's, installed before the page's node starts, so the core reads it
// too), on the same browser data; nothing is signed at a faked time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startNode, launchBrowser, openPage, waitOnline, registerInPage, waitForNodeAnswer, screenshot } from './helpers.mjs';

const DAY = 86_400_000;

test('my names: expiry, days left, the 30-day and grace flags, and what a renewal gains', async (t) => {
  const [node, browser] = await Promise.all([startNode({ t }), launchBrowser(t)]);
  const context = await browser.newContext();
  let { page } = await openPage(context, node.url, { t });
  await waitOnline(page);
  await registerInPage(page, 'ledger', '192.0.2.60');
  await page.locator('#register-result [data-outcome=sent]').waitFor();
  const { expires } = await waitForNodeAnswer(node, 'ledger.vfs');
  const card = () => page.locator('li.card[data-name="ledger.vfs"]');
  const renew = () => card().locator('[data-panel=renew]');
  /** Shows My names in a new page (one tab holds the names database at a time). */
  const showNames = async () => {
    await page.close();
    ({ page } = await openPage(context, `${node.url}/#names`, { t }));
    await card().waitFor();
  };

  // A fresh name: a year left, not flagged; renewing now gains only the seconds since.
  await page.goto(`${node.url}/#names`);
  await card().waitFor();
  assert.equal(await card().getAttribute('data-flag'), 'ok');
  assert.equal(await card().locator('[data-field=days-left]').innerText(), '364 days left');
  await card().getByRole('button', { name: 'Renew…' }).click();
  await renew().waitFor();
  assert.match(await renew().locator('[data-field=renew-gain]').innerText(), /^\d+ seconds?$/);
  assert.equal(await renew().locator('[data-worthwhile]').getAttribute('data-worthwhile'), 'false');
  const early = await renew().innerText();
  assert.match(early, /It becomes worthwhile from .+ \(in (334|335) days\)\./, early);
  await screenshot(page, 'names-renew-early');
  await renew().getByRole('button', { name: 'Cancel' }).click();

  // 29 days before expiry: flagged, and a renewal would now gain about eleven months.
  await context.clock.install({ time: expires - 29 * DAY - 3_600_000 });
  await showNames();
  assert.equal(await card().getAttribute('data-flag'), 'expiring');
  assert.equal(await card().locator('[data-field=days-left]').innerText(), '29 days left');
  assert.match(await card().locator('[data-field=expiry]').innerText(), /^Expires soon: /);
  await card().getByRole('button', { name: 'Renew…' }).click();
  await renew().waitFor();
  assert.equal(await renew().locator('[data-worthwhile]').getAttribute('data-worthwhile'), 'true');
  assert.equal(await renew().locator('[data-field=renew-gain]').innerText(), '336 days');
  await screenshot(page, 'names-expiring');
  await renew().getByRole('button', { name: 'Cancel' }).click();

  // Two days past expiry: in grace, flagged, with the day the grace period ends.
  await context.clock.setSystemTime(expires + 2 * DAY);
  await showNames();
  assert.equal(await card().getAttribute('data-flag'), 'grace');
  const grace = await card().locator('[data-field=expiry]').innerText();
  assert.match(grace, /^In grace: expired .+\. Renew it before .+ \(28 days left\), or anyone may register it\.$/, grace);
  assert.equal(await card().getByRole('button', { name: 'Renew…' }).count(), 1);
  await screenshot(page, 'names-grace');
});
