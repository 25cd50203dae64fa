// @ts-check
// Chromium pages that run a VNS node linked to `vns serve` (signalling) and to each other over
// WebRTC, for the browser test and the benchmark. The page is a file written into www/ for
// the run (the node serves www/ and the package's js/), removed afterwards.
import { writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT, presetMode } from '../e2e/helpers.mjs';

/**
 * Chromium flags for WebRTC between headless pages on one machine (`VNS_WEBRTC_ARGS`
 * replaces them, space-separated). By default Chromium hides a page's host candidates behind
 * random mDNS names (`<uuid>.local`) unless it has camera or microphone permission; the pages
 * then connect only if multicast DNS works between them. Seen on the test machine (Debian
 * Chromium, eth0 192.0.2.2 and fd00::2): without flags the candidates were `….local` names and
 * Chromium's own responder resolved them; with `--disable-features=WebRtcHideLocalIpsWithMdns`
 * they were the real addresses, so the test no longer depends on multicast. Adding
 * `--allow-loopback-in-peer-connection` changed nothing there (no 127.0.0.1 candidate while a
 * non-loopback interface exists); a machine with loopback alone would need it (not tried).
 */
export const WEBRTC_ARGS = (process.env.VNS_WEBRTC_ARGS ?? '--disable-features=WebRtcHideLocalIpsWithMdns').split(' ').filter(Boolean);

/** The page's script: `rtc: false` links it to the node only. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>WebRTC test</title>
<script type="module">
  import { open, generateKeys, connectWebSocket, connectWebRTC } from '/js/index.js';
  const params = new URLSearchParams(location.search);
  const status = await (await fetch('/api/vns/status')).json();
  const vns = await open({ storage: 'memory', ...status.open, tickIntervalMs: 50, registrationsPerHour: 100000 });
  // When each name changed here (accepted locally or from a peer): the benchmark's clock.
  const changedAt = {};
  vns.addEventListener('change', (e) => { changedAt[e.detail.name] = performance.timeOrigin + performance.now(); });
  const node = connectWebSocket(vns, \`ws://\${location.host}/vns\`, { minDelayMs: 200, maxDelayMs: 2000 });
  const rtc = params.get('rtc') === 'false' ? null : connectWebRTC(vns, { signalling: node.signalling, discoverIntervalMs: 300 });
  const keys = generateKeys();
  const candidates = [];
  node.signalling.listen({ frame: (f) => f.type === 'signal' && 'candidate' in f.data && candidates.push(f.data.candidate.candidate) });
  window.vnsTest = {
    vns, node, rtc, candidates, changedAt,
    register: (name) => vns.register(keys, name, []),
    has: async (name) => { try { await vns.resolve(name); return true; } catch { return false; } },
  };
  document.documentElement.dataset.ready = 'true';
</script>`;

/** Writes the page into www/; returns its path on the node and a function removing it. */
export async function writeTestPage() {
  const name = `webrtc-${process.pid}.tmp.html`;
  const file = join(ROOT, 'www', name);
  await writeFile(file, PAGE);
  return { path: `/${name}`, remove: () => rm(file, { force: true }) };
}

/**
 * Opens the page in a fresh browser context (its own storage, its own network stack state),
 * waiting until its node has started.
 * @param {import('playwright-core').Browser} browser @param {string} url
 */
export async function openInContext(browser, url) {
  const context = await browser.newContext();
  // WebRTC links are a full node's: the demo page opens in full mode (a first visit is light).
  await context.addInitScript(presetMode, 'full');
  const page = await context.newPage();
  /** @type {string[]} */
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 30_000 });
  return { context, page, errors };
}

/** Waits until `page` has an open WebRTC peer. @param {import('playwright-core').Page} page @param {number} [timeout] */
export function waitWebRTC(page, timeout = 30_000) {
  return page.waitForFunction(() => /** @type {any} */ (window).vnsTest.rtc.peers().some((/** @type {any} */ p) => p.state === 'open'), null, { timeout, polling: 100 });
}
