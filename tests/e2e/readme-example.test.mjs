// The README's browser example works as written: its snippet, served by a real `vns serve`
// as a page, registers a name that then resolves through the node's HTTP API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, startNode, launchBrowser, waitForNodeAnswer } from './helpers.mjs';

test('the README browser example registers a name the node then resolves', async (t) => {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Using the package (browser)'));
  const snippet = section.match(/```html\n([\s\S]*?)```/)[1];
  const file = join(ROOT, 'www', 'readme-example.tmp.html');
  await writeFile(file, `<!doctype html><meta charset="utf-8"><title>README example</title>\n${snippet}`);
  t.after(() => rm(file, { force: true }));

  const [node, browser] = await Promise.all([startNode({ t }), launchBrowser(t)]);
  const page = await (await browser.newContext()).newPage();
  const errors = [];
  const logs = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => logs.push(m.text()));
  await page.goto(`${node.url}/readme-example.tmp.html`);
  const resolved = await waitForNodeAnswer(node, 'bob', () => true, 'bob.vfs never reached the node');
  assert.deepEqual(errors, []);
  assert.equal(JSON.stringify(resolved.records), JSON.stringify([{ type: 'TXT', value: 'hi', ttl: 3600 }]));
  assert.ok(logs.length > 0, 'the example logged its progress and answer');
});
