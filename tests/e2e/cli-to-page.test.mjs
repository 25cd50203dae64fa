// A name registered with the CLI on one `vns serve` process resolves in a page served by a
// second process that peers with the first: CLI -> node A -> node B -> the page's own node.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startNode, cli, scratch, launchBrowser, openPage, waitOnline, waitFor, resolveInPage, resolveVerifiedInPage, screenshot } from './helpers.mjs';

test('a name registered with the CLI on one node resolves, verified, in a page of another', async (t) => {
  const dir = await scratch(t);
  const [first, browser] = await Promise.all([startNode({ t }), launchBrowser(t)]);
  const second = await startNode({ t, peers: [first.ws] });

  const key = join(dir, 'key.json');
  assert.equal((await cli(['key', 'new', '--key', key])).code, 0);
  const owner = (await cli(['key', 'show', '--key', key])).stdout.trim();
  const registered = await cli(['register', 'fromcli', '--ip', '192.0.2.1', '--key', key, '--node', first.url]);
  assert.equal(registered.code, 0, registered.stderr);

  const context = await browser.newContext();
  const { page } = await openPage(context, second.url, { t });
  await waitOnline(page);
  // The name travels first -> second -> page; resolve until it has arrived.
  const result = await resolveVerifiedInPage(page, 'fromcli');
  const records = await result.locator('table.records tbody tr').allInnerTexts();
  assert.deepEqual(records.map((r) => r.split('\t').slice(0, 2)), [['A', '192.0.2.1']]);
  assert.match(await result.innerText(), new RegExp(owner));
  // Checked in the page: the local proof, and the node's proof against the node's root.
  assert.match(await result.locator('[data-verified=true]').innerText(), /Verified against the local merkle root: \d+ proof blocks?/);
  await waitFor(async () => (await resolveInPage(page, 'fromcli')).locator('[data-node=same]').count(), {
    message: "the node's answer never matched the page's",
  });
  await screenshot(page, 'resolve');
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'resolve-phone');
});
