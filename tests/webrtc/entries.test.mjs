// @ts-check
// The browser entry never reaches node-datachannel (a native Node library): its import graph
// is walked from js/index.js through every relative import. The Node entry loads it only when
// connectWebRTC is first called (a dynamic import, nothing static).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const JS = new URL('../../js/', import.meta.url);
/** Static `import … from '…'` and `export … from '…'` specifiers of a module's source. */
const STATIC = /^\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm;

/** @param {string} source @returns {string[]} */
const specifiers = (source) => [...source.matchAll(STATIC)].map((m) => m[1] ?? m[2]);

test('the browser entry does not import node-datachannel, directly or through its modules', async () => {
  /** @type {Set<string>} */
  const seen = new Set();
  /** @type {string[]} */
  const bare = [];
  /** @param {URL} url */
  const walk = async (url) => {
    if (seen.has(url.href) || !url.href.startsWith(JS.href)) return;
    seen.add(url.href);
    for (const spec of specifiers(await readFile(url, 'utf8'))) {
      if (spec.startsWith('.')) await walk(new URL(spec, url));
      else bare.push(spec);
    }
  };
  await walk(new URL('index.js', JS));
  assert.ok(seen.has(new URL('webrtc.js', JS).href), 'the walk reached the WebRTC adapter');
  assert.ok(!bare.some((s) => s.startsWith('node-datachannel')), `bare imports: ${bare.join(', ')}`);
});

test('the Node entry imports node-datachannel only dynamically', async () => {
  const source = await readFile(fileURLToPath(new URL('node.js', JS)), 'utf8');
  assert.ok(!specifiers(source).some((s) => s.startsWith('node-datachannel')));
  assert.match(source, /await import\(POLYFILL\)/);
});
