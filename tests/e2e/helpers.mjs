// Shared pieces of the end-to-end tests: real `vns serve` processes, the real CLI, and
// Debian's Chromium driven by playwright-core. Everything started here is stopped when the
// test ends, however it ends (serve-process.mjs also kills its processes when the test
// process exits, as a last resort).
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServe, cli } from '../support/serve-process.mjs';

export { cli };

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Screenshots of the views: test artifacts, not committed (target/ is ignored). */
export const ARTIFACTS = join(ROOT, 'target', 'e2e-artifacts');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Starts `vns serve` (a real process, see tests/support/serve-process.mjs) on a test network and
 * stops it after the test. `port` 0 picks a free port; pass a stopped node's port to start it
 * again at the same address (the page's origin).
 * @param {{ t: import('node:test').TestContext, port?: number, data?: string, difficulty?: number, peers?: string[] }} options
 */
export async function startNode({ t, port = 0, data, difficulty = 8, peers = [] }) {
  // A later --port overrides the helper's `--port 0`.
  const args = ['--port', String(port), '--network', 'testing', '--difficulty', String(difficulty)];
  args.push(...(data ? ['--data', data] : ['--memory']));
  for (const peer of peers) args.push('--peer', peer);
  const { url, ws, port: listening, child, exited } = await startServe(args);
  /** @type {Promise<{ code: number | null, signal: string | null }> | undefined} */
  let stopped;
  const node = {
    url,
    ws,
    port: listening,
    /** Stops the node as an operator would (SIGTERM: it saves and exits 0). */
    stop() {
      stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        const [code, signal] = await exited;
        return { code, signal };
      })();
      return stopped;
    },
  };
  t.after(() => node.stop());
  return node;
}

/** A fresh folder, removed after the test. @param {import('node:test').TestContext} t */
export async function scratch(t) {
  const dir = await mkdtemp(join(tmpdir(), 'vns-e2e-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Debian's Chromium, headless; closed after the test. @param {import('node:test').TestContext} t */
export async function launchBrowser(t) {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  t.after(() => browser.close());
  return browser;
}

/**
 * Opens the page of `node` in `context` and waits until its own VNS client has started.
 * Errors thrown in the page fail the test at its end. `mode` is the page's mode on the
 * context's first visit (`'full'` unless told: most tests are about the full node in the
 * tab); `null` leaves the page to choose, as for a real first visit. A mode switched in the
 * page later persists as it would for a user.
 * @param {import('playwright-core').BrowserContext} context
 * @param {string} url
 * @param {{ t: import('node:test').TestContext, mode?: 'full' | 'light' | null }} options
 */
export async function openPage(context, url, { t, mode = 'full' }) {
  if (mode) await context.addInitScript(presetMode, mode);
  const page = await context.newPage();
  /** @type {string[]} */
  const errors = [];
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  t.after(() => {
    // A page that threw while the test ran is a failure, even if the assertions passed.
    const unexpected = errors.filter((e) => !EXPECTED_ERRORS.some((re) => re.test(e)));
    if (unexpected.length) throw new Error(`errors in the page:\n${unexpected.join('\n')}`);
  });
  await page.goto(url);
  await waitReady(page);
  return { page, errors };
}

/**
 * Runs in the page before its scripts: the mode of a first visit (see www/mode.js), left
 * alone once chosen.
 * @param {string} mode
 */
export function presetMode(mode) {
  try {
    if (localStorage.getItem('vns-www-mode') === null) localStorage.setItem('vns-www-mode', mode);
  } catch {
    // about:blank and other documents without storage: nothing to preset.
  }
}

/**
 * The browser logs failed loads itself while a node is down, and failed WebSocket dials:
 * expected in the offline tests, and not thrown by the page.
 */
const EXPECTED_ERRORS = [/ERR_CONNECTION_REFUSED/, /WebSocket connection to .* failed/, /Failed to load resource/];

/** Waits until the page's node has started (or failed). @param {import('playwright-core').Page} page */
export async function waitReady(page) {
  await page.waitForFunction(() => document.documentElement.dataset.ready !== undefined, null, { timeout: 20_000 });
  const ready = await page.evaluate(() => document.documentElement.dataset.ready);
  if (ready !== 'true') throw new Error(`the page did not start: ${await page.locator('#fatal').textContent()}`);
}

/** Waits until the page is connected to its node (past the sync handshake). */
export async function waitOnline(/** @type {import('playwright-core').Page} */ page, timeout = 15_000) {
  await page.waitForFunction(() => document.documentElement.dataset.online === 'true', null, { timeout });
}

/** Saves a screenshot of the page under target/e2e-artifacts/. */
export async function screenshot(/** @type {import('playwright-core').Page} */ page, /** @type {string} */ name) {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/**
 * Polls `check` until it returns a value other than `undefined`/`false`, or fails with
 * `message` after `timeout` ms.
 * @template T
 * @param {() => Promise<T | undefined | false> | T | undefined | false} check
 * @param {{ timeout?: number, interval?: number, message: string }} options
 * @returns {Promise<T>}
 */
export async function waitFor(check, { timeout = 15_000, interval = 100, message }) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return /** @type {T} */ (value);
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${message} (waited ${timeout} ms)${last ? `: ${last}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/**
 * The node's HTTP answer for `name`: `{ status, body }`.
 * @param {{ url: string }} node @param {string} name
 */
export async function nodeResolve(node, name) {
  const response = await fetch(`${node.url}/api/vns/resolve/${encodeURIComponent(name)}`);
  return { status: response.status, body: await response.json() };
}

/**
 * Waits until the node resolves `name` to an answer that `accept` accepts; returns it.
 * @param {{ url: string }} node @param {string} name
 * @param {(answer: any) => boolean} [accept]
 * @param {string} [what] what was expected, for the failure message
 */
export function waitForNodeAnswer(node, name, accept = () => true, what = `the node never resolved ${name}`) {
  return waitFor(
    async () => {
      const { status, body } = await nodeResolve(node, name);
      return status === 200 && accept(body) && body;
    },
    { message: what, timeout: 20_000 },
  );
}

/** Resolves `name` through the page's Resolve view; returns the result element's locator. */
export async function resolveInPage(/** @type {import('playwright-core').Page} */ page, /** @type {string} */ name) {
  await page.goto(new URL('#resolve', page.url()).href);
  await page.fill('#resolve-name', name);
  await page.click('#resolve-form button[type=submit]');
  return page.locator('#resolve-result');
}

/**
 * Resolves `name` in the page until the answer has arrived and its local proof checks (the
 * name may still be on its way from a node); returns the result element's locator.
 * @param {import('playwright-core').Page} page @param {string} name
 */
export function resolveVerifiedInPage(page, name) {
  return waitFor(
    async () => {
      const out = await resolveInPage(page, name);
      await out.locator('[data-node]').waitFor();
      return (await out.locator('[data-verified=true]').count()) > 0 && out;
    },
    { message: `${name} never resolved in the page`, interval: 250 },
  );
}

/** Registers `name` with one A record through the page's Register view. */
export async function registerInPage(/** @type {import('playwright-core').Page} */ page, /** @type {string} */ name, /** @type {string} */ ip) {
  await page.goto(new URL('#register', page.url()).href);
  await page.fill('#register-name', name);
  await page.fill('#register-records input[name=value]', ip);
  await page.click('#register-submit');
}
