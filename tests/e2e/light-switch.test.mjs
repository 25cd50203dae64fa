// The page's two modes. A first visit comes up in light mode (the page says why), answers a
// lookup verified by its light client, switches to full mode and back (the choice surviving
// reloads, each mode answering), and an owner registers, updates, renews and transfers a
// name in light mode, each change reaching the node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { generateKeys } from 'vns';
import { startNode, cli, scratch, launchBrowser, openPage, waitReady, waitOnline, waitForNodeAnswer, resolveVerifiedInPage, registerInPage, screenshot } from './helpers.mjs';

/** The mode the page runs in, as it says it. @param {import('playwright-core').Page} page */
const modeOf = (page) => page.evaluate(() => document.documentElement.dataset.mode);

/** Picks `mode` with the switch; resolves once the page has started again in it. */
async function switchTo(/** @type {import('playwright-core').Page} */ page, /** @type {'light' | 'full'} */ mode) {
  await Promise.all([page.waitForEvent('load'), page.check(`#mode-${mode}`)]);
  await waitReady(page);
  assert.equal(await modeOf(page), mode);
  assert.equal(await page.locator('[data-field=mode]').innerText(), mode);
}

test('a first visit is light; switching to full and back keeps answering, verified', async (t) => {
  const dir = await scratch(t);
  const [node, browser] = await Promise.all([startNode({ t }), launchBrowser(t)]);
  const key = join(dir, 'key.json');
  assert.equal((await cli(['key', 'new', '--key', key])).code, 0);
  const made = await cli(['register', 'seen', '--ip', '192.0.2.60', '--key', key, '--node', node.url]);
  assert.equal(made.code, 0, made.stderr);

  const { page } = await openPage(await browser.newContext(), node.url, { t, mode: null });
  assert.equal(await modeOf(page), 'light', 'the default of a first visit');
  assert.ok(await page.isChecked('#mode-light'));
  assert.match(await page.locator('[data-field=default-mode]').innerText(), /without downloading the whole namespace/);
  await waitOnline(page);
  let out = await resolveVerifiedInPage(page, 'seen');
  assert.equal(await out.locator('[data-verified=true][data-stale=false]').count(), 1, 'current: the node watches it for the page');
  assert.match(await out.locator('table.records').innerText(), /192\.0\.2\.60/);
  await page.locator('[data-field=cache-summary][data-names="1"]').waitFor();
  await screenshot(page, 'light-resolve');

  await switchTo(page, 'full');
  await waitOnline(page);
  out = await resolveVerifiedInPage(page, 'seen');
  assert.match(await out.locator('table.records').innerText(), /192\.0\.2\.60/);
  await page.locator('[data-field=replica-names][data-names="1"]').waitFor();
  await page.reload();
  await waitReady(page);
  assert.equal(await modeOf(page), 'full', 'the choice persists across reloads');
  await screenshot(page, 'full-mode');

  await switchTo(page, 'light');
  // The light cache was kept while the page ran in full mode.
  await page.locator('[data-field=cache-summary][data-names="1"]').waitFor();
  await waitOnline(page);
  out = await resolveVerifiedInPage(page, 'seen');
  assert.match(await out.locator('table.records').innerText(), /192\.0\.2\.60/);
});

test('in light mode an owner registers, updates, renews and transfers a name', async (t) => {
  const [node, browser] = await Promise.all([startNode({ t }), launchBrowser(t)]);
  const { page } = await openPage(await browser.newContext(), node.url, { t, mode: 'light' });
  assert.equal(await modeOf(page), 'light');
  await waitOnline(page);

  await registerInPage(page, 'owned', '192.0.2.70');
  await page.locator('#register-result [data-outcome=sent]').waitFor();
  let answer = await waitForNodeAnswer(node, 'owned.vfs');
  const me = answer.owner;
  assert.deepEqual(answer.records.map((/** @type {{ value: string }} */ r) => r.value), ['192.0.2.70']);
  // Taken now: the core says so, judged on the version the light client verified.
  await page.fill('#register-name', 'owned');
  await page.locator('#register-availability [data-state=taken]').waitFor();

  await page.goto(`${node.url}/#names`);
  const card = page.locator('li.card[data-name="owned.vfs"]');
  await card.getByRole('button', { name: 'Edit records' }).click();
  await card.locator('input[name=value]').fill('192.0.2.71');
  await card.getByRole('button', { name: 'Save records' }).click();
  await page.locator('#names-flash', { hasText: 'Records updated' }).waitFor();
  answer = await waitForNodeAnswer(node, 'owned.vfs', (a) => a.records[0]?.value === '192.0.2.71', 'the update never reached the node');

  const before = answer.expires;
  await card.getByRole('button', { name: 'Renew…' }).click();
  await card.locator('[data-field=renew-outcome]').waitFor();
  await card.getByRole('button', { name: 'Sign and renew' }).click();
  await page.locator('#names-flash', { hasText: 'Renewed' }).waitFor();
  answer = await waitForNodeAnswer(node, 'owned.vfs', (a) => a.expires > before, 'the renewal never reached the node');

  await card.getByRole('button', { name: 'History' }).click();
  const rows = card.locator('[data-panel=history] tbody tr');
  await rows.first().waitFor();
  assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-kind'))), ['register', 'renew']);
  await card.getByRole('button', { name: 'Close' }).click();

  const newOwner = generateKeys().peerId;
  await card.getByRole('button', { name: 'Transfer' }).click();
  await card.getByLabel('New owner').fill(newOwner);
  await card.getByRole('button', { name: 'Transfer' }).last().click();
  await page.locator('#names-flash', { hasText: 'Transferred' }).waitFor();
  answer = await waitForNodeAnswer(node, 'owned.vfs', (a) => a.owner === newOwner, 'the transfer never reached the node');
  assert.notEqual(answer.owner, me);
  await screenshot(page, 'light-names');
});
