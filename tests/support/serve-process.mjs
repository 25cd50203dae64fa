// @ts-check
/**
 * `vns serve` as a real child process for tests: started on a free port, SIGKILLed or
 * stopped, restarted on the same data folder, and spoken to over its HTTP API; and the `vns`
 * CLI run to completion. Every child still running is killed when this process exits.
 *
 * ```js
 * const node = new ServeProcess(1, '/tmp/node1', ['--network', 'testing']);
 * const { entries, root } = await node.start(); // what it loaded from its folder
 * await node.kill();                            // SIGKILL: no save
 * const memory = await startServe(['--memory', '--network', 'testing']);
 * ```
 * @module
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

/** The `vns` command of this checkout. */
export const CLI = fileURLToPath(new URL('../../js/cli.js', import.meta.url));

/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();

function killAllChildren() {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {
      // Already gone.
    }
  }
  children.clear();
}

process.on('exit', killAllChildren);
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
  process.once(signal, () => {
    killAllChildren();
    process.exit(130);
  });
}

/**
 * A JSON answer of the HTTP API: the status code and the parsed body.
 * @typedef {{ status: number, body: any }} ApiAnswer
 */

/**
 * The server's first JSON line: where it listens, on which network, and what it loaded from
 * its folder (with the log line's own `time`, `level` and `message`).
 * @typedef {{
 *   event: 'listening', url: string, ws: string, port: number, entries: number, root: string,
 *   data: string, network: { name: string, base?: string, id: string, difficulty: number },
 *   time: string, level: string, message: string,
 * }} ListeningEvent
 */

/** A `vns serve` child process, with or without a data folder; restartable on the same one. */
export class ServeProcess {
  /** @type {import('node:child_process').ChildProcess | undefined} */ child;
  /** Current HTTP port (changes on restart: every start asks for a free one). */
  port = 0;
  /** @type {ListeningEvent | undefined} the current start's `listening` line */
  listening;
  /** @type {any[]} the JSON lines of the current start (`op` lines excepted: one per POST) */
  lines = [];
  /** Starts so far. */
  starts = 0;
  /** @type {string[]} the last lines of stdout and stderr, for failure reports */
  tail = [];
  /** Error events logged by the server (JSON log lines with `event: "error"`). */
  errors = 0;
  /** @type {Promise<[number | null, NodeJS.Signals | null]> | undefined} exit code and signal of the current child */
  exited;
  /** Listening (between the `listening` line and the exit of the process). */
  ready = false;
  /** @type {string[]} options for `node` itself (e.g. `--cpu-prof`) */
  nodeArgs = [];

  /**
   * @param {number} id 1-based, names the process in failure reports
   * @param {string | undefined} dataDir passed as `--data` (none: `args` say where, e.g. `--memory`)
   * @param {string[]} args `serve` arguments besides --port, --data and --json
   */
  constructor(id, dataDir, args) {
    this.id = id;
    this.dataDir = dataDir;
    this.args = args;
  }

  get alive() {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The HTTP address the server reported. */
  get url() {
    return this.listening?.url ?? `http://127.0.0.1:${this.port}`;
  }

  /** The WebSocket peer endpoint the server reported. */
  get wsUrl() {
    return this.listening?.ws ?? `ws://127.0.0.1:${this.port}/vns`;
  }

  /** Short for {@link wsUrl}. */
  get ws() {
    return this.wsUrl;
  }

  /** @param {string} line */
  #keep(line) {
    this.tail.push(line);
    if (this.tail.length > 40) this.tail.shift();
  }

  /**
   * Spawns the server and waits for its `listening` line.
   * @param {{ timeoutMs?: number }} [options]
   * @returns {Promise<ListeningEvent>}
   */
  async start({ timeoutMs = 30_000 } = {}) {
    if (this.alive) throw new Error(`node ${this.id} is already running`);
    const data = this.dataDir === undefined ? [] : ['--data', this.dataDir];
    const argv = [CLI, 'serve', '--port', '0', ...data, '--json', ...this.args];
    const child = spawn(process.execPath, [...this.nodeArgs, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    this.child = child;
    this.starts += 1;
    this.lines = [];
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve([code, signal])));
    child.once('exit', () => {
      children.delete(child);
      this.ready = false;
    });
    const stderr = createInterface({ input: /** @type {import('node:stream').Readable} */ (child.stderr) });
    stderr.on('line', (line) => this.#keep(`[${this.id} err] ${line}`));
    const stdout = createInterface({ input: /** @type {import('node:stream').Readable} */ (child.stdout) });
    const listening = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`node ${this.id} did not listen within ${timeoutMs} ms`)), timeoutMs);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`node ${this.id} exited (${code ?? signal}) before listening:\n${this.tail.join('\n')}`));
      });
      // Every line is read (the pipe must never fill up); only the first `listening` matters.
      stdout.on('line', (line) => {
        /** @type {any} */
        let event;
        try {
          event = JSON.parse(line);
        } catch {
          this.#keep(`[${this.id} out] ${line}`);
          return;
        }
        if (event.event === 'op') return; // one per accepted POST: too many to keep
        this.lines.push(event);
        this.#keep(`[${this.id} out] ${line}`);
        if (event.event === 'error') this.errors += 1;
        if (event.event === 'listening') {
          clearTimeout(timer);
          resolve(event);
        }
      });
    });
    const event = /** @type {ListeningEvent} */ (await listening);
    this.listening = event;
    this.port = event.port;
    this.ready = true;
    return event;
  }

  /** SIGKILL: no save, no goodbye. Waits until the process is gone. */
  async kill() {
    if (!this.alive) return;
    this.ready = false;
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  /**
   * SIGTERM (the server saves and exits 0), then SIGKILL after `graceMs`.
   * @returns {Promise<number | null>} the exit code (null if it had to be killed)
   */
  async stop(graceMs = 10_000) {
    const child = this.child;
    if (!child || !this.alive) return child?.exitCode ?? null;
    this.ready = false;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    return child.exitCode;
  }

  /**
   * @param {string} path @param {RequestInit} [init]
   * @returns {Promise<Response>}
   */
  fetch(path, init) {
    return fetch(`${this.url}${path}`, { ...init, signal: AbortSignal.timeout(15_000) });
  }

  /** @param {string} path @param {RequestInit} [init] @returns {Promise<ApiAnswer>} */
  async json(path, init) {
    const res = await this.fetch(path, init);
    const text = await res.text();
    /** @type {any} */
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: res.status, body };
  }

  /** GET /api/vns/status (throws unless 200). */
  async status() {
    const { status, body } = await this.json('/api/vns/status');
    if (status !== 200) throw new Error(`node ${this.id} status: ${status} ${JSON.stringify(body)}`);
    return body;
  }

  /** GET /api/vns/resolve/:name. @param {string} name */
  resolve(name) {
    return this.json(`/api/vns/resolve/${encodeURIComponent(name)}`);
  }

  /** POST /api/vns/ops with an entry block. @param {Uint8Array} bytes */
  post(bytes) {
    return this.json('/api/vns/ops', {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.ipld.dag-cbor' },
      body: Buffer.from(bytes),
    });
  }

  /** GET /metrics, parsed. */
  async metrics() {
    const res = await this.fetch('/metrics');
    if (res.status !== 200) throw new Error(`node ${this.id} metrics: ${res.status}`);
    return parseMetrics(await res.text());
  }
}

/**
 * Starts `vns serve --json --port 0 ...args` (no data folder unless `args` name one) and
 * resolves once it listens.
 * @param {string[]} args @param {{ timeoutMs?: number }} [options]
 */
export async function startServe(args, options = {}) {
  const node = new ServeProcess(1, undefined, args);
  await node.start({ timeoutMs: 20_000, ...options });
  return /** @type {StartedServe} */ (node);
}

/**
 * A {@link ServeProcess} once started: its child process and exit are there.
 * @typedef {ServeProcess & {
 *   child: import('node:child_process').ChildProcess,
 *   listening: ListeningEvent,
 *   exited: Promise<[number | null, NodeJS.Signals | null]>,
 * }} StartedServe
 */

/**
 * Runs the `vns` CLI to completion.
 * @param {string[]} args @param {Record<string, string>} [env] added to this process's environment
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string }>}
 */
export async function cli(args, env = {}) {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

/**
 * Parses Prometheus text into `name{labels}` -> value (labels as printed by the server).
 * @param {string} text
 * @returns {Map<string, number>}
 */
export function parseMetrics(text) {
  /** @type {Map<string, number>} */
  const out = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}
