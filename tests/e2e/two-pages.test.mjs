// Two pages (two browsers' worth of storage) on one node: a registration in one shows up,
// live, in the other, and resolves there with the first page's key as owner; that key,
// backed up as its recovery phrase in the first page and imported in the second, owns the
// name there too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startNode, launchBrowser, openPage, waitOnline, resolveInPage, registerInPage, screenshot } from './helpers.mjs';

test('a registration in one page appears in another page on the same node', async (t) => {
  const [node, browser] = await Promise.all([startNode({ t }), launchBrowser(t)]);
  const [one, two] = await Promise.all([
    openPage(await browser.newContext(), node.url, { t }),
    openPage(await browser.newContext(), `${node.url}/#network`, { t }),
  ]);
  await Promise.all([waitOnline(one.page), waitOnline(two.page)]);

  await registerInPage(one.page, 'shared', '192.0.2.60');
  await one.page.locator('#register-result [data-outcome=sent]').waitFor();
  const owner = await one.page.locator('#register-result dl.facts code').innerText();

  // Nobody touches the second page: its Network view lists the change as it arrives.
  const arrived = two.page.locator('#recent-changes li[data-name="shared.vfs"]');
  await arrived.waitFor({ timeout: 15_000 });
  assert.match(await arrived.innerText(), /from the network/);
  await screenshot(two.page, 'network-live');

  const result = await resolveInPage(two.page, 'shared.vfs');
  await result.locator('[data-node=same]').waitFor();
  assert.deepEqual(
    (await result.locator('table.records tbody tr').allInnerTexts()).map((r) => r.split('\t').slice(0, 2)),
    [['A', '192.0.2.60']],
  );
  assert.match(await result.innerText(), new RegExp(owner));
  // The second page has no key of its own: the name is not among its names.
  await two.page.goto(`${node.url}/#names`);
  await two.page.locator('#names-list', { hasText: 'No key yet' }).waitFor();
  assert.equal(await two.page.locator('li.card').count(), 0);

  // The key is backed up as its recovery phrase: imported in the second page, it owns the name there.
  await one.page.goto(`${node.url}/#key`);
  await one.page.getByRole('button', { name: 'Show the recovery phrase' }).click();
  const phrase = (await one.page.locator('[data-field=phrase] li').allInnerTexts()).join(' ');
  await two.page.goto(`${node.url}/#key`);
  await two.page.getByLabel('Recovery phrase').fill(phrase);
  await two.page.getByRole('button', { name: 'Import' }).click();
  await two.page.locator('[data-field=key-id]', { hasText: owner }).waitFor();
  await two.page.goto(`${node.url}/#names`);
  await two.page.locator('li.card[data-name="shared.vfs"]').waitFor();
});

test('a second tab of the same browser runs on the first tab\'s database and takes over when it closes', async (t) => {
  const [node, browser] = await Promise.all([startNode({ t }), launchBrowser(t)]);
  const context = await browser.newContext();
  const first = await openPage(context, `${node.url}/#network`, { t });
  const second = await openPage(context, `${node.url}/#network`, { t });
  // One tab leads (it holds the names database and the link to the node); each says which it is.
  await first.page.locator('[data-field=tab-role][data-role=leader]').waitFor();
  await second.page.locator('[data-field=tab-role][data-role=follower]').waitFor();
  await Promise.all([waitOnline(first.page), waitOnline(second.page)]);
  await screenshot(second.page, 'network-follower-tab');

  await registerInPage(first.page, 'tabs', '192.0.2.61');
  await first.page.locator('#register-result [data-outcome=sent]').waitFor();
  await second.page.goto(`${node.url}/#network`);
  await second.page.locator('#recent-changes li[data-name="tabs.vfs"]').waitFor({ timeout: 15_000 });
  // The tabs share the key (one browser, one key database): the second tab lists the name.
  await second.page.goto(`${node.url}/#names`);
  await second.page.locator('li.card[data-name="tabs.vfs"]').waitFor();

  // The leading tab closes: the other takes over the database and the link to the node.
  await first.page.close();
  await second.page.goto(`${node.url}/#network`);
  await second.page.locator('[data-field=tab-role][data-role=leader]').waitFor({ timeout: 15_000 });
  await waitOnline(second.page);
});
