// The key's backup is its recovery phrase: the Key view shows it on request behind a warning
// (never the raw secret), a page with no key imports it and gets the same owner id, a wrong
// word is refused in the core's words, and the first registration reminds the user to back up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startNode, launchBrowser, openPage, waitOnline, registerInPage, screenshot } from './helpers.mjs';

test('recovery phrase: shown on request, imported elsewhere, refused when wrong; backup reminder', async (t) => {
  const [node, browser] = await Promise.all([startNode({ t }), launchBrowser(t)]);
  const { page } = await openPage(await browser.newContext(), node.url, { t });
  await waitOnline(page);

  // The first registration makes the key and reminds to back it up; the second does not.
  await registerInPage(page, 'backedup', '192.0.2.100');
  await page.locator('#register-result [data-outcome=sent]').waitFor();
  const reminder = page.locator('#register-result [data-reminder=backup]');
  assert.equal(await reminder.count(), 1);
  assert.match(await reminder.innerText(), /Back up your key now/);
  assert.equal(await reminder.locator('a[href="#key"]').count(), 1);
  await screenshot(page, 'register-backup-reminder');
  await registerInPage(page, 'second', '192.0.2.101');
  await page.locator('#register-result [data-outcome=sent]').waitFor();
  assert.equal(await reminder.count(), 0, 'only after the first name');

  await page.goto(`${node.url}/#key`);
  const owner = await page.locator('[data-field=key-id]').innerText();
  const panel = page.locator('#key-panel');
  assert.equal(await panel.locator('[data-field=phrase]').count(), 0, 'hidden until asked for');
  assert.doesNotMatch(await panel.innerText(), /\b[0-9a-f]{64}\b/, 'no hex secret on the page');
  assert.match(await panel.locator('.warn').innerText(), /Keep these words secret/);
  await panel.getByRole('button', { name: 'Show the recovery phrase' }).click();
  const words = await panel.locator('[data-field=phrase] li').allInnerTexts();
  assert.equal(words.length, 24);
  assert.ok(words.every((w) => /^[a-z]+$/.test(w)), words.join(' '));
  await screenshot(page, 'key-phrase');

  // Another browser profile: a wrong word is refused with the core's sentence and code...
  const { page: other } = await openPage(await browser.newContext(), node.url, { t });
  await other.goto(`${node.url}/#key`);
  const wrong = [...words];
  wrong[5] = wrong[5] === 'zoo' ? 'abandon' : 'zoo';
  await other.fill('#key-import', wrong.join(' '));
  await other.getByRole('button', { name: 'Import' }).click();
  const refusal = other.locator('#key-message [data-code]');
  await refusal.waitFor();
  assert.match((await refusal.getAttribute('data-code')) ?? '', /^[a-z_]+\.[a-z_]+$/);
  assert.match(await refusal.locator('.message').innerText(), /^Not imported: /);
  await screenshot(other, 'key-import-refused');
  // ...and the right words give the same key, which owns the names.
  await other.fill('#key-import', words.join('  \n'));
  await other.getByRole('button', { name: 'Import' }).click();
  await other.locator('#key-message .verified', { hasText: 'Key imported' }).waitFor();
  assert.equal(await other.locator('[data-field=key-id]').innerText(), owner);
  await other.goto(`${node.url}/#names`);
  await other.locator('li.card[data-name="backedup.vfs"]').waitFor({ timeout: 15_000 });
  await screenshot(other, 'key-imported-names');
});
