// A name's history in the page: who registered it, its renewals and transfers (who owned it
// when), and its last update, in My names and in Resolve. A refused transfer shows the core's
// sentence with its code apart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startNode, cli, scratch, launchBrowser, openPage, waitOnline, registerInPage, waitForNodeAnswer, resolveInPage, screenshot } from './helpers.mjs';

test('the history panel shows registration, renewal, last update and transfer', async (t) => {
  const dir = await scratch(t);
  const [node, browser] = await Promise.all([startNode({ t }), launchBrowser(t)]);
  const { page } = await openPage(await browser.newContext(), node.url, { t });
  await waitOnline(page);
  await registerInPage(page, 'storied', '192.0.2.90');
  await page.locator('#register-result [data-outcome=sent]').waitFor();
  const first = await waitForNodeAnswer(node, 'storied.vfs');
  const me = first.owner;

  await page.goto(`${node.url}/#names`);
  const card = page.locator('li.card[data-name="storied.vfs"]');
  await card.getByRole('button', { name: 'Renew…' }).click();
  await card.getByRole('button', { name: 'Sign and renew' }).click();
  await page.locator('#names-flash', { hasText: 'Renewed' }).waitFor();
  await card.getByRole('button', { name: 'Edit records' }).click();
  await card.locator('input[name=value]').fill('192.0.2.91');
  await card.getByRole('button', { name: 'Save records' }).click();
  await page.locator('#names-flash', { hasText: 'Records updated' }).waitFor();

  await card.getByRole('button', { name: 'History' }).click();
  const rows = card.locator('[data-panel=history] tbody tr');
  await rows.first().waitFor();
  assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-kind'))), ['register', 'renew', 'update']);
  const cells = async (/** @type {number} */ i) => (await rows.nth(i).locator('td').allInnerTexts()).slice(1);
  assert.deepEqual((await cells(0)).slice(0, 3), ['Registered', 'this key', 'this key']);
  assert.ok((await cells(0))[3], 'the registration shows the expiry it set');
  assert.deepEqual(await cells(2), ['Records updated', 'this key', 'this key', ''], 'an update sets no expiry');
  await screenshot(page, 'names-history');
  await card.getByRole('button', { name: 'Close' }).click();

  // A transfer to a bad owner id: the core's sentence, the code on its own line.
  await card.getByRole('button', { name: 'Transfer' }).click();
  await card.getByLabel('New owner').fill('not-an-owner');
  await card.getByRole('button', { name: 'Transfer' }).last().click();
  const refusal = page.locator('#names-flash [data-code]');
  await refusal.waitFor();
  const code = await refusal.getAttribute('data-code');
  assert.match(code ?? '', /^[a-z_]+\.[a-z_]+$/);
  assert.equal(await refusal.locator('.code-detail code').innerText(), code);
  assert.ok(!(await refusal.locator('.message').innerText()).includes(code ?? ''), 'the sentence does not carry the code');
  await screenshot(page, 'names-error');

  // A real transfer, to a CLI key: the Resolve view's history shows who owns it since when.
  const other = join(dir, 'other.json');
  assert.equal((await cli(['key', 'new', '--key', other])).code, 0);
  const newOwner = (await cli(['key', 'show', '--key', other])).stdout.trim();
  await card.getByLabel('New owner').fill(newOwner);
  await card.getByRole('button', { name: 'Transfer' }).last().click();
  await page.locator('#names-flash', { hasText: 'Transferred' }).waitFor();
  await waitForNodeAnswer(node, 'storied.vfs', (a) => a.owner === newOwner, 'the transfer never reached the node');

  const result = await resolveInPage(page, 'storied.vfs');
  const history = result.locator('[data-panel=history] tbody tr');
  await history.first().waitFor();
  const kinds = await history.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-kind')));
  assert.deepEqual(kinds, ['register', 'renew', 'transfer'], 'the update before the transfer is not carried');
  const transfer = (await history.nth(2).locator('td').allInnerTexts()).slice(1);
  assert.deepEqual(transfer.slice(0, 3), ['Transferred', 'this key', newOwner]);
  assert.notEqual(me, newOwner);
  await screenshot(page, 'resolve-history');
});
