// Light clients in headless Chromium against a `vns serve` holding N names (default
// 100,000, from the native fixture): the time from `open` to the first verified answer in
// fresh pages (a new browser context each: its own IndexedDB and HTTP cache), beside the full
// mode's first answer on the same node in the same run (which loads every name first), and
// the light client's IndexedDB after a number of distinct lookups. Not a test: it prints
// figures (for BENCHMARKS.md, "Light clients in Chromium") and asserts only that the
// answers are the node's.
//
//   cargo run --release --example bench_fixture -- 100000   # target/bench-storage/fixture-100000.bin
//   node tests/e2e/bench-light.mjs [--names 100000] [--light-pages 20] [--full-pages 3] [--lookups 100] [--samples]
//
// `--full-pages 0` leaves the slow full mode out; `--samples` prints each light page's marks.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { serveFixture } from '../../scripts/bench-fixture.mjs';
import { CHROMIUM, CHROMIUM_ARGS } from './helpers.mjs';

const { values: flags } = parseArgs({
  options: {
    names: { type: 'string', default: '100000' },
    'light-pages': { type: 'string', default: '20' },
    'full-pages': { type: 'string', default: '3' },
    lookups: { type: 'string', default: '100' },
    samples: { type: 'boolean', default: false },
  },
});
const N = Number(flags.names);
const median = (/** @type {number[]} */ xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (/** @type {number} */ x) => `${x.toFixed(1)} ms`;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
/** Distinct fixture names, spread over the namespace. @param {number} count @param {number} salt */
const names = (count, salt) => Array.from({ length: count }, (_, i) => `bench${String((i * 7919 + salt * 104_729) % N).padStart(7, '0')}.vfs`);

const dir = await mkdtemp(join(tmpdir(), 'vns-bench-light-'));
const node = await serveFixture(N, dir);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
try {
  const url = `http://127.0.0.1:${node.port}`;
  const entryAtNode = async (/** @type {string} */ name) => (await (await fetch(`${url}/api/vns/resolve/${name}`)).json()).entry;

  /**
   * Runs `measure` in a page of a fresh context. @template T
   * @param {(page: import('playwright-core').Page) => Promise<T>} measure @returns {Promise<T>}
   */
  const inFreshPage = async (measure) => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
      await page.goto(`${url}/bench-light.html`);
      await page.waitForFunction(() => document.documentElement.dataset.ready === 'true');
      return await measure(page);
    } finally {
      await context.close();
    }
  };

  const loadBefore = load();
  const lightRuns = [];
  for (const [i, name] of names(Number(flags['light-pages']), 1).entries()) {
    const run = await inFreshPage((page) => page.evaluate((n) => /** @type {any} */ (window).benchLight.light(n), name));
    if (run.entry !== (await entryAtNode(name)) || run.stale) throw new Error(`light page ${i}: not the node's current entry for ${name}`);
    lightRuns.push(run);
  }
  const fullRuns = [];
  for (const name of names(Number(flags['full-pages']), 2)) {
    const run = await inFreshPage((page) => page.evaluate(([n, count]) => /** @type {any} */ (window).benchLight.full(n, count), /** @type {const} */ ([name, N])));
    if (run.entry !== (await entryAtNode(name))) throw new Error(`full page: not the node's entry for ${name}`);
    fullRuns.push(run);
  }
  const lookups = names(Number(flags.lookups), 3);
  const stored = await inFreshPage((page) => page.evaluate((ns) => /** @type {any} */ (window).benchLight.storage(ns), lookups));
  const loadAfter = load();

  const version = browser.version();
  console.log(`Chromium ${version}; vns serve over ${N} names on loopback; load average ${loadBefore} before, ${loadAfter} after\n`);
  console.log('| measurement | median | min | max | samples |');
  console.log('|---|---|---|---|---|');
  const row = (/** @type {string} */ what, /** @type {number[]} */ xs) =>
    xs.length > 0 && console.log(`| ${what} | ${ms(median(xs))} | ${ms(Math.min(...xs))} | ${ms(Math.max(...xs))} | ${xs.length} |`);
  row('light: `open` to first verified answer', lightRuns.map((r) => r.answerMs));
  row('light: `open` alone (IndexedDB cache opened)', lightRuns.map((r) => r.openMs));
  row('light: `open` to the node\'s `hello`', lightRuns.map((r) => r.readyMs));
  row('light: page navigation to package loaded (wasm instantiated)', lightRuns.map((r) => r.importedMs));
  // Where the light page's time goes, from the page's marks (ms from `open`): the question
  // is the last frame out before the answer, the reply the last frame in before it.
  const lastBefore = (/** @type {number[]} */ marks, /** @type {number} */ end) => marks.filter((t) => t <= end).at(-1) ?? NaN;
  const steps = lightRuns.map((r) => ({ ...r, question: lastBefore(r.sentMs, r.answerMs), reply: lastBefore(r.receivedMs, r.answerMs) }));
  row('light: `open` to the socket dialed', steps.map((r) => r.dialMs));
  row('light: `open` to the socket open', steps.map((r) => r.socketOpenMs));
  row('light: `open` to the first frame in (the node\'s `hello`)', steps.map((r) => r.receivedMs[0]));
  row('light: `open` to the question sent', steps.map((r) => r.question));
  row('light: question out to its reply in (loopback and the node)', steps.map((r) => r.reply - r.question));
  row('light: reply in to verified answer (the client, in wasm)', steps.map((r) => r.answerMs - r.reply));
  if (flags.samples) for (const r of lightRuns) console.log(JSON.stringify({ ...r, entry: undefined }));
  row(`full: \`open\` to first answer (all ${N} names loaded)`, fullRuns.map((r) => r.answerMs));
  row('full: page navigation to package loaded', fullRuns.map((r) => r.importedMs));
  console.log(`\nlight IndexedDB after ${stored.cachedNames} distinct lookups: ${stored.storedBytes} bytes of stored keys and values ` +
    `(${JSON.stringify(stored.stores)}; the saved cache itself ${stored.savedBytes} bytes); ` +
    `navigator.storage.estimate(): usage ${stored.estimateUsage} bytes, indexedDB ${stored.estimateIndexedDb} bytes`);
} finally {
  await browser.close();
  await node.kill();
  await rm(dir, { recursive: true, force: true });
}
