// Watching in light mode: a name the page resolved is pushed to it when it changes on the
// node (within 1 s of the change being sent), and names it does not watch cause no traffic to
// it: between two readings of its counters, around changes of several unwatched names and
// one of the watched name, exactly one frame came in, no larger than the pushed entry and
// its framing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, generateKeys, connectWebSocket } from 'vns';
import { startNode, launchBrowser, openPage, waitOnline, waitFor, resolveVerifiedInPage } from './helpers.mjs';

/** What a `Ops` frame adds around the entry block it carries (its type and array headers). */
const FRAME_OVERHEAD_BYTES = 64;

/** The light client's counters, as the Network view shows them. @param {import('playwright-core').Page} page */
async function traffic(page) {
  // Through another view, so that the Network view is drawn again now.
  await page.goto(new URL('#key', page.url()).href);
  await page.goto(new URL('#network', page.url()).href);
  const field = page.locator('[data-field=traffic]');
  const read = async (/** @type {string} */ attr) => Number(await field.getAttribute(attr));
  return { framesIn: await read('data-frames-in'), bytesIn: await read('data-bytes-in') };
}

test('a watched name is pushed within 1 s; unwatched names cause no traffic to the page', async (t) => {
  const [node, browser] = await Promise.all([startNode({ t }), launchBrowser(t)]);
  // The other side: an owner's light client in this process, sending its changes to the node.
  const owner = await open({ mode: 'light', storage: 'memory', network: 'testing', difficulty: 8 });
  t.after(() => owner.close());
  connectWebSocket(owner, node.ws);
  await owner.ready();
  const keys = generateKeys();
  await owner.register(keys, 'watched', [{ type: 'TXT', value: 'v1' }]);

  const { page } = await openPage(await browser.newContext(), node.url, { t, mode: 'light' });
  await waitOnline(page);
  await resolveVerifiedInPage(page, 'watched');
  await page.goto(new URL('#network', page.url()).href);
  await page.locator('[data-field=watched]', { hasText: 'watched.vfs' }).waitFor();
  const before = await traffic(page);

  // Unwatched names registered and changed on the node: nothing for the page.
  for (const name of ['quiet1', 'quiet2']) await owner.register(keys, name, [{ type: 'TXT', value: 'x' }]);
  await owner.update(keys, 'quiet1', [{ type: 'TXT', value: 'y' }]);
  assert.deepEqual(await traffic(page), before, 'no frame for names the page does not watch');

  const sent = Date.now();
  const updated = await owner.update(keys, 'watched', [{ type: 'TXT', value: 'v2' }]);
  const entryBytes = (await (await fetch(`${node.url}/api/vns/entry/watched.vfs`)).arrayBuffer()).byteLength;
  // The page lists each change with the time it arrived (its first lookup is one too).
  const latest = () => page.evaluate(() => Math.max(0, ...[...document.querySelectorAll('#recent-changes li[data-name="watched.vfs"]')]
    .map((li) => Number(li.getAttribute('data-at')))));
  const arrived = await waitFor(async () => { const at = await latest(); return at >= sent && at; },
    { message: 'the change of watched.vfs never reached the page', timeout: 10_000, interval: 20 });
  assert.ok(arrived - sent <= 1000, `pushed ${arrived - sent} ms after it was sent`);
  const out = await resolveVerifiedInPage(page, 'watched');
  assert.match(await out.locator('table.records').innerText(), /v2/);
  assert.equal(updated.records[0].value, 'v2');

  const after = await traffic(page);
  assert.equal(after.framesIn - before.framesIn, 1, 'one frame in: the push of the watched name, none for the others');
  const bytes = after.bytesIn - before.bytesIn;
  assert.ok(bytes >= entryBytes && bytes <= entryBytes + FRAME_OVERHEAD_BYTES, `${bytes} bytes in for one ${entryBytes}-byte entry`);
  t.diagnostic(`pushed ${arrived - sent} ms after it was sent; ${bytes} bytes in one frame for a ${entryBytes}-byte entry`);
});
