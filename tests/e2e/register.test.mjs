// Registering from the page: the proof-of-work runs in a Web Worker with a moving progress
// bar, and the name then resolves through the node's HTTP API. Then the name is managed from
// "My names": records updated, renewed, transferred, each change reaching the node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startNode, cli, scratch, launchBrowser, openPage, waitOnline, waitForNodeAnswer, registerInPage, screenshot } from './helpers.mjs';

test('a name registered in the page (worker proof-of-work, progress) resolves through the node', async (t) => {
  // 20 bits: about a million hashes, long enough for the bar to move several times (the
  // worker's first chunk is 64 nonces, so a search ending there has odds of 1 in 16,000).
  const [node, browser] = await Promise.all([startNode({ t, difficulty: 20 }), launchBrowser(t)]);
  const { page } = await openPage(await browser.newContext(), node.url, { t });
  await waitOnline(page);

  await page.goto(`${node.url}/#register`);
  // Every value the bar takes, recorded in the page as it happens.
  await page.evaluate(() => {
    const bar = /** @type {HTMLProgressElement} */ (document.getElementById('pow-bar'));
    const seen = (/** @type {any} */ (window).powValues = []);
    new MutationObserver(() => seen.push(bar.value)).observe(bar, { attributes: true, attributeFilter: ['value'] });
  });
  await registerInPage(page, 'frompage', '192.0.2.20');
  await page.locator('#register-result [data-outcome]').waitFor({ timeout: 60_000 });
  assert.equal(await page.locator('#register-result [data-outcome]').getAttribute('data-outcome'), 'sent');
  assert.equal(await page.locator('#pow-bar').getAttribute('data-done'), 'true');
  const values = await page.evaluate(() => /** @type {any} */ (window).powValues);
  const during = values.filter((/** @type {number} */ v) => v > 0 && v < 1);
  assert.ok(during.length >= 1, `the bar moved before the end: ${JSON.stringify(values)}`);
  assert.deepEqual(during, [...during].sort((a, b) => a - b), 'the bar only moves forward');
  assert.equal(values.at(-1), 1);
  await screenshot(page, 'register');

  const owner = await page.locator('#register-result dl.facts code').innerText();
  const answer = await waitForNodeAnswer(node, 'frompage.vfs');
  assert.equal(answer.owner, owner);
  assert.deepEqual(answer.records, [{ type: 'A', value: '192.0.2.20', ttl: 3600 }]);

  // The key was made on first use and kept: the Key view shows it.
  await page.goto(`${node.url}/#key`);
  assert.equal(await page.locator('[data-field=key-id]').innerText(), owner);
  await screenshot(page, 'key');
});

test('my names: update records, renew and transfer reach the node', async (t) => {
  const dir = await scratch(t);
  const [node, browser] = await Promise.all([startNode({ t }), launchBrowser(t)]);
  const { page } = await openPage(await browser.newContext(), node.url, { t });
  await waitOnline(page);
  await registerInPage(page, 'mine', '192.0.2.30');
  await page.locator('#register-result [data-outcome=sent]').waitFor();
  const first = await waitForNodeAnswer(node, 'mine.vfs');

  await page.goto(`${node.url}/#names`);
  const card = page.locator('li.card[data-name="mine.vfs"]');
  await card.getByRole('button', { name: 'Edit records' }).click();
  await card.locator('input[name=value]').fill('192.0.2.31');
  await card.getByRole('button', { name: 'Add a record' }).click();
  await card.locator('select[name=type]').nth(1).selectOption('TXT');
  await card.locator('input[name=value]').nth(1).fill('hello from the page');
  await card.getByRole('button', { name: 'Save records' }).click();
  await page.locator('#names-flash', { hasText: 'Records updated' }).waitFor();
  const updated = await waitForNodeAnswer(node, 'mine.vfs', (a) => a.seq > first.seq, 'the update never reached the node');
  assert.deepEqual(
    updated.records.map((/** @type {{ type: string, value: string }} */ r) => [r.type, r.value]).sort(),
    [['A', '192.0.2.31'], ['TXT', 'hello from the page']],
  );
  await screenshot(page, 'my-names');

  await card.getByRole('button', { name: 'Renew…' }).click();
  await card.getByRole('button', { name: 'Sign and renew' }).click();
  await page.locator('#names-flash', { hasText: 'Renewed' }).waitFor();
  const renewed = await waitForNodeAnswer(node, 'mine.vfs', (a) => a.seq > updated.seq, 'the renewal never reached the node');
  assert.ok(renewed.expires > updated.expires, 'the renewal extends the registration');

  const other = join(dir, 'other.json');
  assert.equal((await cli(['key', 'new', '--key', other])).code, 0);
  const newOwner = (await cli(['key', 'show', '--key', other])).stdout.trim();
  await card.getByRole('button', { name: 'Transfer' }).click();
  await card.getByLabel('New owner').fill(newOwner);
  await card.getByRole('button', { name: 'Transfer' }).last().click();
  await page.locator('#names-flash', { hasText: 'Transferred' }).waitFor();
  await waitForNodeAnswer(node, 'mine.vfs', (a) => a.owner === newOwner, 'the transfer never reached the node');
  // The name left this key's list.
  await card.waitFor({ state: 'detached' });
});
