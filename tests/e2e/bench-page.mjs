// Runs the browser benchmark page (www/bench.html) in Debian's Chromium and prints its
// results as a Markdown table (for BENCHMARKS.md). Not a test: no timed assertions.
//
//   node tests/e2e/bench-page.mjs [names=100000] [rounds=3]
//
// The Chromium profile is kept in target/bench-chromium-profile and the page is served on a
// fixed port (IndexedDB belongs to an origin: VNS_BENCH_PORT, default 7431), so the names made
// on the first run (a few minutes for 100k) are reused by the next.
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServe } from '../support/serve-process.mjs';
import { ROOT, CHROMIUM, CHROMIUM_ARGS } from './helpers.mjs';

const names = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 3);
const port = process.env.VNS_BENCH_PORT ?? '7431';
const server = await startServe(['--memory', '--network', 'testing', '--port', port]);
const context = await chromium.launchPersistentContext(join(ROOT, 'target', 'bench-chromium-profile'), {
  executablePath: CHROMIUM,
  args: CHROMIUM_ARGS,
});
try {
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.text().startsWith('bench: ')) console.error(message.text().slice(7));
  });
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  await page.goto(`${server.url}/bench.html?names=${names}&rounds=${rounds}&run`);
  await page.waitForFunction(() => ['done', 'failed'].includes(document.documentElement.dataset.state ?? ''), null, {
    timeout: 60 * 60 * 1000,
    polling: 1000,
  });
  const results = await page.evaluate(() => /** @type {any} */ (window).benchResults);
  if (results.error) throw new Error(results.error);
  console.log(`Chromium: ${results.userAgent}\n`);
  console.log('| benchmark | median | baseline (same run) | baseline median | ratio |');
  console.log('|---|---|---|---|---|');
  for (const r of results.rows) console.log(`| ${r.benchmark} | ${r.median} | ${r.baseline} | ${r.baselineMedian} | ${r.ratio} |`);
} finally {
  await context.close();
  server.child.kill('SIGTERM');
}
