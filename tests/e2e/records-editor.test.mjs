// The record editor of My names changes one record and keeps the others; a row left empty is
// an error, not a silent removal; an empty record set is saved only through the explicit
// "Remove all records", and "Replace all records" says that it replaces them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startNode, launchBrowser, openPage, waitOnline, waitForNodeAnswer, nodeResolve, screenshot } from './helpers.mjs';

/** @param {{ records: { type: string, value: string }[] }} answer */
const pairs = (answer) => answer.records.map((r) => [r.type, r.value]).sort();

test('editing one record keeps the others; replacing or removing all is explicit', async (t) => {
  const [node, browser] = await Promise.all([startNode({ t }), launchBrowser(t)]);
  const { page } = await openPage(await browser.newContext(), node.url, { t });
  await waitOnline(page);
  await page.goto(`${node.url}/#register`);
  await page.fill('#register-name', 'keeper');
  await page.fill('#register-records input[name=value]', '192.0.2.40');
  await page.getByRole('button', { name: 'Add a record' }).click();
  await page.locator('#register-records select[name=type]').nth(1).selectOption('TXT');
  await page.locator('#register-records input[name=value]').nth(1).fill('kept');
  await page.click('#register-submit');
  await page.locator('#register-result [data-outcome=sent]').waitFor();
  let answer = await waitForNodeAnswer(node, 'keeper.vfs');

  await page.goto(`${node.url}/#names`);
  const card = page.locator('li.card[data-name="keeper.vfs"]');
  const edit = async () => {
    await card.getByRole('button', { name: 'Edit records' }).click();
    await card.locator('form input[name=value]').first().waitFor();
  };
  const saved = async (/** @type {string} */ what) => {
    const seq = answer.seq;
    answer = await waitForNodeAnswer(node, 'keeper.vfs', (a) => a.seq > seq, `${what} never reached the node`);
    return answer;
  };

  // One record changed: the other stays.
  await edit();
  await card.locator('input[name=value]').nth(0).fill('192.0.2.41');
  await card.getByRole('button', { name: 'Save records' }).click();
  await page.locator('#names-flash', { hasText: 'Records updated' }).waitFor();
  assert.deepEqual(pairs(await saved('the change of one record')), [['A', '192.0.2.41'], ['TXT', 'kept']]);

  // A value cleared by mistake is an error under its row; nothing is saved.
  await edit();
  await card.locator('input[name=value]').nth(1).fill('');
  await card.getByRole('button', { name: 'Save records' }).click();
  await card.locator('[data-outcome=invalid]').waitFor();
  assert.match(await card.locator('.record-row').nth(1).locator('.row-error').innerText(), /Enter a value, or remove this record\./);
  await screenshot(page, 'names-editor-empty-value');

  // Every row removed by hand: refused, pointing at the explicit choice.
  await card.getByRole('button', { name: 'Remove this record' }).nth(1).click();
  await card.getByRole('button', { name: 'Remove this record' }).nth(0).click();
  await card.getByRole('button', { name: 'Save records' }).click();
  assert.match(await card.locator('[data-outcome=empty]').innerText(), /Remove all records/);
  await screenshot(page, 'names-editor-none-refused');
  await card.getByRole('button', { name: 'Cancel' }).click();
  assert.equal((await nodeResolve(node, 'keeper.vfs')).body.seq, answer.seq, 'nothing was saved');
  assert.deepEqual(pairs((await nodeResolve(node, 'keeper.vfs')).body), [['A', '192.0.2.41'], ['TXT', 'kept']]);

  // Replace all: says so, and keeps only what is typed.
  await edit();
  await card.getByRole('button', { name: 'Replace all records' }).click();
  assert.match(await card.locator('form [data-mode=replace]').innerText(), /Replacing all 2 record\(s\)/);
  assert.equal(await card.locator('.record-row').count(), 1);
  await card.locator('select[name=type]').selectOption('AAAA');
  await card.locator('input[name=value]').fill('2001:db8::42');
  await screenshot(page, 'names-editor-replace-all');
  await card.getByRole('button', { name: 'Save records' }).click();
  await page.locator('#names-flash', { hasText: 'Records updated' }).waitFor();
  assert.deepEqual(pairs(await saved('the replacement')), [['AAAA', '2001:db8::42']]);

  // Remove all: asked, then done.
  await edit();
  await card.getByRole('button', { name: 'Remove all records' }).click();
  await card.locator('[data-confirm=remove-all]').waitFor();
  await screenshot(page, 'names-editor-remove-all');
  await card.getByRole('button', { name: 'Remove all', exact: true }).click();
  await page.locator('#names-flash', { hasText: 'All records removed' }).waitFor();
  assert.deepEqual(pairs(await saved('the removal')), []);
});
