// @ts-check
// Two Node processes linked only by WebRTC: signalled through a third, a real `vns serve`,
// which is stopped once their data channel is open. They exchange a registration both ways,
// then one closes the channel (the connection stays), registers 1,000 names, and reopens it:
// the other catches up over WebRTC alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { eventually } from 'vns/testing';
import { startServe } from '../support/serve-process.mjs';

const SCRIPT = fileURLToPath(new URL('./peer-process.mjs', import.meta.url));
const NET_FLAGS = ['--network', 'testing', '--difficulty', '4', '--registrations-per-hour', '100000'];

/** A client process and its commands. @param {string} url */
function client(url) {
  const child = spawn(process.execPath, [SCRIPT, url], { stdio: ['pipe', 'pipe', 'inherit'] });
  /** @type {Map<number, (answer: any) => void>} */
  const waiting = new Map();
  let next = 0;
  createInterface({ input: /** @type {import('node:stream').Readable} */ (child.stdout) }).on('line', (line) => {
    const answer = JSON.parse(line);
    waiting.get(answer.reply)?.(answer);
    waiting.delete(answer.reply);
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    /** @param {string} cmd @param {object} [args] @returns {Promise<any>} */
    ask(cmd, args = {}) {
      const reply = next++;
      /** @type {Promise<any>} */
      const answer = new Promise((resolve) => waiting.set(reply, resolve));
      child.stdin?.write(`${JSON.stringify({ cmd, ...args })}\n`);
      return answer.then((a) => {
        if (a.error) throw new Error(`${cmd}: ${a.error}`);
        return a;
      });
    },
    kill() {
      child.kill('SIGKILL');
    },
    exited,
  };
}

test('two processes linked only by WebRTC exchange registrations and catch up 1,000 names', { timeout: 240_000 }, async () => {
  const node = await startServe(['--memory', ...NET_FLAGS]);
  const a = client(node.ws);
  const b = client(node.ws);
  try {
    const open = async (/** @type {ReturnType<typeof client>} */ c) => (await c.ask('status')).rtc.some((/** @type {{ state: string }} */ p) => p.state === 'open');
    await eventually(async () => (await open(a)) && (await open(b)), { timeoutMs: 30_000, what: 'a WebRTC channel between the two' });
    await node.stop();
    await a.ask('stopNode');
    await b.ask('stopNode');
    await eventually(async () => (await a.ask('status')).peers === 1 && (await b.ask('status')).peers === 1, { timeoutMs: 10_000, what: 'only the WebRTC link left' });

    await a.ask('register', { name: 'from-a', value: 'made by a' });
    await b.ask('register', { name: 'from-b', value: 'made by b' });
    const fromA = await eventually(async () => (await b.ask('resolve', { name: 'from-a' })).answer, { timeoutMs: 10_000, what: 'from-a at b' });
    const fromB = await eventually(async () => (await a.ask('resolve', { name: 'from-b' })).answer, { timeoutMs: 10_000, what: 'from-b at a' });
    assert.equal(fromA.records[0].value, 'made by a');
    assert.equal(fromB.records[0].value, 'made by b');

    await a.ask('pause');
    await eventually(async () => (await b.ask('status')).peers === 0, { timeoutMs: 10_000, what: 'the channel closed at b' });
    await a.ask('bulk', { prefix: 'bulk-', count: 1000 });
    const before = await b.ask('status');
    assert.equal(before.size, 2, 'nothing reached b while the channel was closed');
    assert.equal((await a.ask('status')).size, 1002);
    await a.ask('resume');
    const after = await eventually(async () => {
      const s = await b.ask('status');
      return s.size === 1002 && s;
    }, { timeoutMs: 120_000, what: '1,000 names at b' });
    assert.equal(after.root, (await a.ask('status')).root);
    // a's queue holds 16 deltas: the other 984 names can only have come by catch-up.
    assert.ok(after.largestCatchup >= 984, `b fetched the names by catch-up (largest: ${after.largestCatchup})`);
    assert.equal(after.rtc.length, 1);
    assert.equal(after.rtc[0].state, 'open');
    await a.ask('exit');
    await b.ask('exit');
    await Promise.all([a.exited, b.exited]);
  } finally {
    a.kill();
    b.kill();
    await node.stop().catch(() => {});
  }
});
