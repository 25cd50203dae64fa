// Measures, in Debian's Chromium, how long a registration takes to reach another page over
// WebRTC (the pair's node stopped, so the data channel is the only path) and over WebSocket
// through a node (two pages linked only to it), in the same run; and the sync frames a second
// each receiving page took in during a burst of registrations. Prints Markdown for
// BENCHMARKS.md. Not a test: nothing here is asserted.
//
//   node tests/webrtc/bench-webrtc.mjs [rounds=20] [burst=300]
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../e2e/helpers.mjs';
import { startServe } from '../support/serve-process.mjs';
import { writeTestPage, openInContext, waitWebRTC, WEBRTC_ARGS } from './page.mjs';

const rounds = Number(process.argv[2] ?? 20);
const burst = Number(process.argv[3] ?? 300);
const FLAGS = ['--memory', '--network', 'testing', '--difficulty', '4', '--registrations-per-hour', '100000'];

/** @param {number[]} xs */
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const page = await writeTestPage();
const wsNode = await startServe(FLAGS);
const rtcNode = await startServe(FLAGS);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...WEBRTC_ARGS] });
try {
  const ws = [await openInContext(browser, `${wsNode.url}${page.path}?rtc=false`), await openInContext(browser, `${wsNode.url}${page.path}?rtc=false`)];
  const rtc = [await openInContext(browser, `${rtcNode.url}${page.path}`), await openInContext(browser, `${rtcNode.url}${page.path}`)];
  await Promise.all(rtc.map((p) => waitWebRTC(p.page)));
  await rtcNode.stop();
  for (const p of [...ws, ...rtc]) await p.page.waitForFunction(() => window.vnsTest.vns.peers().length === 1, null, { timeout: 15_000 });

  /** Registers `name` in `from`, waits for it in `to`; ms from its acceptance there to here. */
  const one = async (from, to, name) => {
    await from.page.evaluate((n) => window.vnsTest.register(n), name);
    const key = `${name}.vfs`; // events name names as the core spells them
    await to.page.waitForFunction((n) => window.vnsTest.changedAt[n] !== undefined, key, { timeout: 30_000, polling: 5 });
    const sent = await from.page.evaluate((n) => window.vnsTest.changedAt[n], key);
    const got = await to.page.evaluate((n) => window.vnsTest.changedAt[n], key);
    return got - sent;
  };
  /** @type {Record<string, number[]>} */
  const latency = { webrtc: [], websocket: [] };
  for (let i = 0; i < rounds; i += 1) {
    // Interleaved, so that both paths see the same machine load.
    latency.webrtc.push(await one(rtc[0], rtc[1], `lat-rtc-${i}`));
    latency.websocket.push(await one(ws[0], ws[1], `lat-ws-${i}`));
  }

  /** A burst of registrations from `from`: the frames a second `to` received until the last arrived. */
  const frames = async (from, to, prefix) => {
    const before = await to.page.evaluate(() => window.vnsTest.vns.stats().framesIn);
    const start = await from.page.evaluate(() => performance.timeOrigin + performance.now());
    await from.page.evaluate(async ({ prefix, burst }) => {
      for (let i = 0; i < burst; i += 1) await window.vnsTest.register(`${prefix}${i}`);
    }, { prefix, burst });
    const last = `${prefix}${burst - 1}.vfs`;
    await to.page.waitForFunction((n) => window.vnsTest.changedAt[n] !== undefined, last, { timeout: 120_000, polling: 20 });
    const end = await to.page.evaluate((n) => window.vnsTest.changedAt[n], last);
    const after = await to.page.evaluate(() => window.vnsTest.vns.stats().framesIn);
    return { frames: after - before, seconds: (end - start) / 1000 };
  };
  const [rtcBurst, wsBurst] = await Promise.all([frames(rtc[0], rtc[1], 'burst-rtc-'), frames(ws[0], ws[1], 'burst-ws-')]);

  const version = browser.version();
  console.log(`Chromium ${version}, ${rounds} rounds, burst of ${burst} registrations\n`);
  console.log('| path | median | min | max |');
  console.log('|---|---|---|---|');
  for (const [path, xs] of [['WebRTC data channel (node stopped)', latency.webrtc], ['WebSocket through the node (baseline, same run)', latency.websocket]]) {
    console.log(`| ${path} | ${median(xs).toFixed(1)} ms | ${Math.min(...xs).toFixed(1)} ms | ${Math.max(...xs).toFixed(1)} ms |`);
  }
  console.log(`\nratio WebRTC / WebSocket (medians): ${(median(latency.webrtc) / median(latency.websocket)).toFixed(2)}\n`);
  console.log('| link (both bursts at once) | frames received | seconds | frames/s |');
  console.log('|---|---|---|---|');
  for (const [link, r] of [['WebRTC', rtcBurst], ['WebSocket via the node', wsBurst]]) {
    console.log(`| ${link} | ${r.frames} | ${r.seconds.toFixed(2)} | ${(r.frames / r.seconds).toFixed(0)} |`);
  }
} finally {
  await browser.close();
  await wsNode.stop().catch(() => {});
  await rtcNode.stop().catch(() => {});
  await page.remove();
}
