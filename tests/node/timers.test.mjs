// The shim's timers (sweep, tick) keep a process alive until close() and not after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

/** Runs `script` as a module; whether it exited within `ms`. @param {string} script @param {number} ms */
function run(script, ms) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const timer = setTimeout(() => {
      child.kill();
      resolve('still running');
    }, ms);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve(`exited ${code}`);
    });
  });
}

const opened = `import { open } from 'vns';
const vns = await open({ storage: 'memory', network: 'testing', sweepIntervalMs: 10 });`;

test('close() clears the sweep and tick timers, so the process exits', async () => {
  assert.equal(await run(`${opened}\nawait vns.close();`, 10_000), 'exited 0');
});

test('without close() the timers keep running', async () => {
  assert.equal(await run(opened, 1500), 'still running');
});
