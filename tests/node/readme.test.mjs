// The README's Node example runs as written against the built package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { once } from 'node:events';

test('the README Node example works as written', async () => {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Using the package (Node)'));
  const code = section.match(/```js\n([\s\S]*?)```/)?.[1];
  assert.ok(code, 'the section has a js example');
  // Inside the package folder, so that `import 'vns'` resolves to this package.
  const file = fileURLToPath(new URL('./readme-example.tmp.mjs', import.meta.url));
  await writeFile(file, code);
  try {
    const child = spawn(process.execPath, [file]);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const [status] = await once(child, 'exit');
    assert.equal(status, 0, out);
    assert.match(out, /name: 'alice\.vfs'/);
    assert.match(out, /value: '192\.0\.2\.1'/);
  } finally {
    await rm(file, { force: true });
  }
});
