// @ts-check
// A client process for the WebRTC tests: a memory node linked to one `vns serve` over
// WebSocket (for signalling) and to other clients over WebRTC. It takes one JSON command a
// line on stdin and answers each with one JSON line on stdout: `{ "reply": n, ... }`.
//
//   node tests/webrtc/peer-process.mjs ws://127.0.0.1:PORT/vns
import { createInterface } from 'node:readline';
import { open, generateKeys, connectWebSocket, connectWebRTC } from 'vns';

const url = process.argv[2];
const vns = await open({ storage: 'memory', network: 'testing', difficulty: 4, tickIntervalMs: 50, registrationsPerHour: 100_000, queueCapacity: 16 });
const node = connectWebSocket(vns, url, { minDelayMs: 100, maxDelayMs: 1_000 });
const rtc = connectWebRTC(vns, { signalling: node.signalling, minDelayMs: 100, maxDelayMs: 1_000, discoverIntervalMs: 300 });
/** The largest catch-up completed, by the entries it fetched. */
let largestCatchup = 0;
vns.addEventListener('catchup-completed', (e) => {
  largestCatchup = Math.max(largestCatchup, e.detail.entries);
});

/** @type {Record<string, (args: any) => Promise<object> | object>} */
const commands = {
  status: () => ({ id: rtc.id, rtc: rtc.peers(), peers: vns.peers().length, size: vns.size, root: vns.merkleRoot(), largestCatchup }),
  register: async ({ name, value }) => {
    await vns.register(generateKeys(), name, [{ type: 'TXT', value }]);
    return {};
  },
  bulk: async ({ prefix, count }) => {
    const keys = generateKeys();
    for (let i = 0; i < count; i += 1) await vns.register(keys, `${prefix}${i}`, []);
    return {};
  },
  resolve: async ({ name }) => {
    try {
      return { answer: await vns.resolve(name) };
    } catch (e) {
      return { code: /** @type {{ code?: string }} */ (e).code };
    }
  },
  pause: () => (rtc.pause(), {}),
  resume: () => (rtc.resume(), {}),
  stopNode: () => (node.stop(), {}),
  exit: async () => {
    rtc.stop();
    node.stop();
    await vns.close();
    setTimeout(() => process.exit(0), 10);
    return {};
  },
};

let n = 0;
for await (const line of createInterface({ input: process.stdin })) {
  const reply = n++;
  const { cmd, ...args } = JSON.parse(line);
  Promise.resolve(commands[cmd](args)).then(
    (answer) => process.stdout.write(`${JSON.stringify({ reply, ...answer })}\n`),
    (e) => process.stdout.write(`${JSON.stringify({ reply, error: String(e?.message ?? e), code: e?.code })}\n`),
  );
}
