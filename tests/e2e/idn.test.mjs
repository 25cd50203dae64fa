// An internationalised name in the page: the core stores `münchen` as `xn--mnchen-3ya.vfs`,
// and the page must follow the core's spelling to re-render a change it shows and to label
// its own changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startNode, cli, scratch, launchBrowser, openPage, waitOnline, waitFor, resolveVerifiedInPage, registerInPage } from './helpers.mjs';

const ACE = 'xn--mnchen-3ya.vfs';

/** The (type, value) pairs of the records table in `result`. */
async function records(/** @type {import('playwright-core').Locator} */ result) {
  return (await result.locator('table.records tbody tr').allInnerTexts()).map((r) => r.split('\t').slice(0, 2));
}

test('a shown IDN name is shown again when a peer changes it', async (t) => {
  const dir = await scratch(t);
  const [node, browser] = await Promise.all([startNode({ t }), launchBrowser(t)]);
  const key = join(dir, 'key.json');
  assert.equal((await cli(['key', 'new', '--key', key])).code, 0);
  const registered = await cli(['register', 'münchen', '--ip', '192.0.2.80', '--key', key, '--node', node.url]);
  assert.equal(registered.code, 0, registered.stderr);

  const { page } = await openPage(await browser.newContext(), node.url, { t });
  await waitOnline(page);
  const result = await resolveVerifiedInPage(page, 'münchen');
  assert.deepEqual(await records(result), [['A', '192.0.2.80']]);

  // Changed elsewhere while the page shows it: the view follows without being asked again.
  const updated = await cli(['update', 'münchen', '--ip', '192.0.2.81', '--key', key, '--node', node.url]);
  assert.equal(updated.code, 0, updated.stderr);
  await waitFor(async () => JSON.stringify(await records(result)) === JSON.stringify([['A', '192.0.2.81']]), {
    message: 'the shown answer for münchen.vfs was never re-rendered after the update',
  });
  assert.equal(await result.locator('h3').first().innerText(), ACE, 'the name as the core spells it');
});

test('the page labels its own registration of an IDN name as its own', async (t) => {
  const [node, browser] = await Promise.all([startNode({ t }), launchBrowser(t)]);
  const { page } = await openPage(await browser.newContext(), node.url, { t });
  await waitOnline(page);
  await registerInPage(page, 'münchen', '192.0.2.82');
  await page.locator('#register-result [data-outcome=sent]').waitFor();
  await page.goto(`${node.url}/#network`);
  const change = page.locator(`#recent-changes li[data-name="${ACE}"]`);
  await change.waitFor();
  assert.match(await change.innerText(), /changed here/);
});
