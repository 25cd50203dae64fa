// Starts `vns serve` as a real child process for tests, and stops it however the test ends.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

export const CLI = fileURLToPath(new URL('../../js/cli.js', import.meta.url));

/** Every process started here; killed when the test process exits, whatever happened. */
const running = new Set();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts `vns serve --json --port 0 ...args` and resolves once it listens.
 * @returns {Promise<{ url: string, ws: string, port: number, child: import('node:child_process').ChildProcess, lines: object[], exited: Promise<[number|null, string|null]> }>}
 */
export async function startServe(args, { timeoutMs = 20_000 } = {}) {
  const child = spawn(process.execPath, [CLI, 'serve', '--json', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const exited = once(child, 'exit').then((r) => {
    running.delete(child);
    return r;
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const lines = [];
  const reader = createInterface({ input: child.stdout });
  const listening = new Promise((resolve, reject) => {
    reader.on('line', (line) => {
      let event;
      try {
        event = JSON.parse(line);
      } catch {
        return;
      }
      lines.push(event);
      if (event.event === 'listening') resolve(event);
    });
    exited.then(([code]) => reject(new Error(`vns serve exited with ${code} before listening: ${stderr}`)));
    setTimeout(() => reject(new Error(`vns serve did not listen within ${timeoutMs} ms: ${stderr}`)), timeoutMs).unref();
  });
  const { url, ws, port } = await listening;
  return { url, ws, port, child, lines, exited };
}

/** Runs the `vns` CLI to completion: { code, stdout, stderr }. */
export async function cli(args, env = {}) {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const [code] = await once(child, 'exit');
  return { code, stdout, stderr };
}
