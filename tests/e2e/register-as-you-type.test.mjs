// The register form says what is wrong while the user types: whether the name is free (or
// taken, by whom, until when), every record's error under its row, all at once, in the
// core's words with the code beside them; a change refused before any proof-of-work never
// calls the search "failed".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startNode, cli, scratch, launchBrowser, openPage, waitOnline, waitFor, nodeResolve, screenshot } from './helpers.mjs';

test('register form: availability, every error inline as typed, no "failed" without a search', async (t) => {
  const dir = await scratch(t);
  const [node, browser] = await Promise.all([startNode({ t }), launchBrowser(t)]);
  const key = join(dir, 'key.json');
  assert.equal((await cli(['key', 'new', '--key', key])).code, 0);
  const owner = (await cli(['key', 'show', '--key', key])).stdout.trim();
  const registered = await cli(['register', 'taken', '--ip', '192.0.2.1', '--key', key, '--node', node.url]);
  assert.equal(registered.code, 0, registered.stderr);

  const { page } = await openPage(await browser.newContext(), node.url, { t });
  await waitOnline(page);
  await page.goto(`${node.url}/#register`);
  const availability = page.locator('#register-availability [data-state]');

  // Typing, key by key: the answer follows the name typed so far.
  await page.locator('#register-name').pressSequentially('fresh');
  await waitFor(async () => (await availability.getAttribute('data-state')) === 'free', { message: 'fresh.vfs never showed as free' });
  assert.equal(await availability.innerText(), 'fresh.vfs is free.');
  await screenshot(page, 'register-availability-free');

  // The CLI's registration reaches the page's node by sync; until then the name looks free.
  await page.fill('#register-name', 'taken');
  await waitFor(
    async () => {
      await page.locator('#register-name').dispatchEvent('input');
      return (await availability.getAttribute('data-state')) === 'taken';
    },
    { message: 'taken.vfs never showed as taken', interval: 250 },
  );
  const takenText = await availability.innerText();
  assert.ok(takenText.startsWith(`taken.vfs is taken: owned by ${owner} until `), takenText);
  assert.match(takenText, /\(in 36[45] days\)\.$/);
  await screenshot(page, 'register-availability-taken');

  // A bad name, a bad address, an empty row: every error at once, each where it belongs.
  await page.fill('#register-name', '-bad-');
  await availability.and(page.locator('[data-state=invalid]')).waitFor();
  const nameCode = await availability.locator('[data-code]').getAttribute('data-code');
  assert.match(nameCode ?? '', /^name\./);
  assert.equal(await availability.locator('.code-detail code').innerText(), nameCode, 'the code is shown on its own line');
  assert.doesNotMatch(await availability.locator('.message').innerText(), /name\./, 'the sentence is words, the code apart');
  await page.locator('#register-records input[name=value]').pressSequentially('300.1.2.3');
  const rowError = page.locator('#register-records .record-row').nth(0).locator('.row-error [data-code]');
  await rowError.waitFor();
  assert.match((await rowError.getAttribute('data-code')) ?? '', /^record\./);
  await page.getByRole('button', { name: 'Add a record' }).click();
  await page.locator('#register-records select[name=type]').nth(1).selectOption('TXT');
  await page.click('#register-submit');
  const outcome = page.locator('#register-result [data-outcome]');
  await outcome.waitFor();
  assert.equal(await outcome.getAttribute('data-outcome'), 'invalid');
  assert.equal(await page.locator('#register-records .row-error .field-error').count(), 2, 'both rows show their error');
  assert.match(await page.locator('#register-records .record-row').nth(1).locator('.row-error').innerText(), /Enter a value, or remove this record\./);
  assert.equal(await page.locator('#register-progress').isHidden(), true, 'no search ran, so no progress is shown');
  assert.equal(await page.locator('[aria-invalid=true]').count(), 3, 'the name and both values are marked invalid');
  await screenshot(page, 'register-errors-inline');

  // Fixed as typed: the errors go as the fields become valid.
  await page.locator('#register-records input[name=value]').nth(0).fill('192.0.2.9');
  await page.locator('#register-records input[name=value]').nth(1).fill('hello');
  assert.equal(await page.locator('#register-records .row-error .field-error').count(), 0);

  // A taken name is refused by the core before any search: its sentence and code, no "failed".
  await page.fill('#register-name', 'taken');
  await availability.and(page.locator('[data-state=taken]')).waitFor();
  await page.click('#register-submit');
  await page.locator('#register-result [data-outcome=failed]').waitFor();
  const refusal = page.locator('#register-result [data-code]');
  assert.match((await refusal.getAttribute('data-code')) ?? '', /^rule\./);
  assert.match(await refusal.locator('.message').innerText(), /^Not registered: .*taken\.vfs/);
  assert.equal(await page.locator('#register-progress').isHidden(), true);
  assert.doesNotMatch(await page.locator('#register-form').innerText(), /failed/i, 'no "failed" when no proof-of-work ran');
  await screenshot(page, 'register-refused');
  assert.equal((await nodeResolve(node, 'taken.vfs')).body.owner, owner);
});
