// The README's browser example works as written, and can be run again: its snippet, served by
// a real `vns serve` as a page, registers a name that then resolves through the node's HTTP
// API; a second load (the name now taken) prints why it did not register, throws nothing, and
// still prints the answer on the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, startNode, launchBrowser, waitFor, waitForNodeAnswer, screenshot } from './helpers.mjs';

test('the README browser example registers a name the node then resolves, and runs twice', async (t) => {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Using the package (browser)'));
  const snippet = section.match(/```html\n([\s\S]*?)```/)[1];
  const file = join(ROOT, 'www', 'readme-example.tmp.html');
  await writeFile(file, `<!doctype html><meta charset="utf-8"><title>README example</title>\n${snippet}`);
  t.after(() => rm(file, { force: true }));

  const [node, browser] = await Promise.all([startNode({ t }), launchBrowser(t)]);
  const page = await (await browser.newContext()).newPage();
  /** @type {string[]} */
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const printed = () => page.evaluate(() => document.body.innerText);
  /** Waits until the example printed its final line (the answer for bob.vfs). */
  const finished = () => waitFor(async () => /^bob\.vfs: /m.test(await printed()) && printed(), { message: 'the example never printed its answer' });

  await page.goto(`${node.url}/readme-example.tmp.html`);
  const resolved = await waitForNodeAnswer(node, 'bob', () => true, 'bob.vfs never reached the node');
  assert.equal(JSON.stringify(resolved.records), JSON.stringify([{ type: 'TXT', value: 'hi', ttl: 3600 }]));
  const first = await finished();
  assert.match(first, /^registered bob\.vfs$/m);
  assert.match(first, new RegExp(`^bob\\.vfs: \\[\\{"type":"TXT","value":"hi","ttl":3600\\}\\] owned by ${resolved.owner}$`, 'm'));
  await screenshot(page, 'readme-example-first-run');

  // The second run: a new key, the same name, which the first run's key now holds.
  await page.reload();
  const second = await finished();
  assert.doesNotMatch(second, /^registered/m);
  assert.match(second, /^not registered: .+ \([a-z_]+\.[a-z_.]+\)$/m, second);
  assert.match(second, new RegExp(`owned by ${resolved.owner}$`, 'm'));
  await screenshot(page, 'readme-example-second-run');
  assert.deepEqual(errors, [], 'nothing thrown in the page on either run');
  assert.equal((await waitForNodeAnswer(node, 'bob')).owner, resolved.owner, 'the second run changed nothing');
});
