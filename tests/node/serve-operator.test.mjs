// `vns serve` as an operator sees it, through real processes and real HTTP: the banner, the
// data folder's lock, a taken port, log lines and levels, a peer on another network, the
// metrics, static files behind symlinks, and a too-large POST on a closing connection.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open, generateKeys } from 'vns';
import { startServer } from 'vns/server';
import { eventually } from 'vns/testing';
import { CLI, cli, startServe, ServeProcess } from '../support/serve-process.mjs';

/** Each test's bound: a refusal that never comes (a second server that just runs) fails, not hangs. */
const LIMIT = { timeout: 60_000 };
const NET = ['--network', 'testing', '--registrations-per-hour', '1000'];
/** @type {string[]} */
const dirs = [];
/** @type {import('node:child_process').ChildProcess[]} */
const running = [];
after(async () => {
  for (const child of running) child.kill('SIGKILL');
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vns-operator-'));
  dirs.push(dir);
  return dir;
};

/**
 * `vns serve ...args` with every stdout and stderr line kept (including one line per POST),
 * resolved once `ready(line)` holds for a stdout line.
 * @param {string[]} args @param {(line: string) => boolean} ready
 */
async function serveRaw(args, ready) {
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  /** @type {string[]} */
  const out = [];
  /** @type {string[]} */
  const err = [];
  createInterface({ input: child.stderr }).on('line', (l) => err.push(l));
  const stdout = createInterface({ input: child.stdout });
  await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${err.join('\n')}`)));
    stdout.on('line', (l) => {
      out.push(l);
      if (ready(l)) resolve(undefined);
    });
  });
  return { child, out, err };
}

/** A signed registration built on a client of the server's network: the entry bytes. @param {string} url @param {string} name */
async function signedRegistration(url, name) {
  const status = await (await fetch(`${url}/api/vns/status`)).json();
  const client = await open({ storage: 'memory', ...status.open });
  try {
    await client.register(generateKeys(), name, [{ type: 'TXT', value: 'hi' }]);
    return /** @type {Uint8Array} */ (client.entryBlock(name));
  } finally {
    await client.close();
  }
}

/** A port nothing listens on right now. @returns {Promise<number>} */
const freePort = () =>
  new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (probe.address());
      probe.close(() => resolve(port));
    });
  });

/** @param {string} url @param {Uint8Array} body */
const post = (url, body) => fetch(`${url}/api/vns/ops`, { method: 'POST', body: /** @type {BodyInit} */ (/** @type {unknown} */ (body)), headers: { 'content-type': 'application/vnd.ipld.dag-cbor' } });

test('the banner names the network and difficulty, the absolute data path and the peer endpoint', LIMIT, async () => {
  const data = await tempDir();
  const human = await serveRaw(['--data', data, '--network', 'testing'], (l) => l.includes('DNS for .vfs'));
  const text = human.out.join('\n');
  assert.match(text, /on network testing \(difficulty 4\)/);
  assert.ok(text.includes(`data ${data}`), text);
  assert.match(text, /peer endpoint \(for other nodes' --peer\): ws:\/\/127\.0\.0\.1:\d+\/vns/);
  assert.match(text, /peers elsewhere need --host/);
  assert.doesNotMatch(text, /peers: ws/);
  human.child.kill('SIGKILL');

  // Relative --data is shown absolute, in the JSON line too.
  const relative = new ServeProcess(1, undefined, ['--data', 'vns-operator-rel', '--network', 'testing']);
  const cwd = await tempDir();
  const origin = process.cwd();
  process.chdir(cwd);
  try {
    const listening = await relative.start();
    assert.equal(listening.data, join(cwd, 'vns-operator-rel'));
    assert.deepEqual([listening.network.name, listening.network.difficulty], ['testing', 4]);
    assert.equal(listening.level, 'info');
    assert.ok(listening.time && listening.message);
  } finally {
    process.chdir(origin);
    await relative.kill();
  }
});

test('a custom difficulty is called custom, with its own id, not main', LIMIT, async () => {
  const preset = await startServe(['--memory', '--network', 'main']);
  const custom = await startServe(['--memory', '--network', 'main', '--difficulty', '8']);
  try {
    assert.equal(preset.listening.network.name, 'main');
    assert.equal(custom.listening.network.name, 'custom');
    assert.equal(custom.listening.network.base, 'main');
    assert.equal(custom.listening.network.difficulty, 8);
    assert.notEqual(custom.listening.network.id, preset.listening.network.id);
    assert.equal(custom.listening.network.id, (await custom.status()).network.networkId);
    assert.match(custom.listening.message, /network custom \(main with other parameters, id [0-9a-f]{12}\) \(difficulty 8\)/);
  } finally {
    await Promise.all([preset.kill(), custom.kill()]);
  }
});

test('a second server on one data folder refuses with a clear message; a lock left by SIGKILL is taken over', LIMIT, async () => {
  const data = await tempDir();
  const first = new ServeProcess(1, data, NET);
  await first.start();
  const second = await cli(['serve', '--port', '0', '--data', data, ...NET]);
  assert.equal(second.code, 1);
  assert.match(second.stderr, new RegExp(`data folder ${data} is in use by another vns serve \\(process ${first.child?.pid}`));
  assert.match(second.stderr, /--data DIR/);
  assert.match(second.stderr, /serve\.data_locked/);
  assert.ok(first.alive, 'the first server keeps running');

  await first.kill();
  const lock = JSON.parse(await readFile(join(data, 'LOCK'), 'utf8'));
  assert.equal(lock.pid, first.child?.pid, 'SIGKILL leaves the lock behind');
  await first.start(); // the dead holder's lock is taken over
  const now = JSON.parse(await readFile(join(data, 'LOCK'), 'utf8'));
  assert.equal(now.pid, first.child?.pid);
  // A generous grace: on a loaded machine the saving shutdown once took over the default 10 s,
  // and the SIGKILL that followed left an exit code of null rather than a wrong one.
  assert.equal(await first.stop(30_000), 0);
  await assert.rejects(readFile(join(data, 'LOCK')), { code: 'ENOENT' }, 'a clean stop removes the lock');
});

test('a half-written lock file left long ago is taken over; a lock of a live process is kept', LIMIT, async () => {
  const data = await tempDir();
  await writeFile(join(data, 'LOCK'), '{"pid":');
  const { utimes } = await import('node:fs/promises');
  await utimes(join(data, 'LOCK'), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  const node = new ServeProcess(1, data, NET);
  await node.start();
  await node.kill();

  // A lock naming a live process (this test's) is not stolen.
  await writeFile(join(data, 'LOCK'), JSON.stringify({ pid: process.pid, host: (await import('node:os')).hostname(), started: 'x' }));
  const refused = await cli(['serve', '--port', '0', '--data', data, ...NET]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, new RegExp(`process ${process.pid}`));
});

test('a port in use names the port and what to do', LIMIT, async () => {
  const first = await startServe(['--memory', ...NET]);
  try {
    const second = await cli(['serve', '--port', String(first.port), '--memory', ...NET]);
    assert.equal(second.code, 1);
    assert.match(second.stderr, new RegExp(`port ${first.port} on 127\\.0\\.0\\.1 is already in use`));
    assert.match(second.stderr, /--port N/);
    assert.match(second.stderr, /serve\.port_in_use/);
  } finally {
    await first.kill();
  }
});

test('each accepted and refused POST is logged at info, in JSON and in human lines; --log-level warn hides them', LIMIT, async () => {
  const json = await serveRaw(['--memory', '--json', ...NET], (l) => l.includes('"event":"listening"'));
  const url = JSON.parse(String(json.out.find((l) => l.includes('"listening"')))).url;
  assert.equal((await post(url, await signedRegistration(url, 'logged'))).status, 200);
  assert.equal((await post(url, new Uint8Array([1, 2, 3]))).status, 400);
  await eventually(() => json.out.filter((l) => l.includes('"event":"op"')).length === 2, { timeoutMs: 5000 });
  const ops = json.out.filter((l) => l.includes('"event":"op"')).map((l) => JSON.parse(l));
  assert.deepEqual(
    ops.map((o) => [o.level, o.accepted, o.name ?? o.code]),
    [
      ['info', true, 'logged.vfs'],
      ['info', false, 'block.not_canonical'],
    ],
  );
  json.child.kill('SIGKILL');

  const human = await serveRaw(['--memory', ...NET], (l) => l.includes('DNS for .vfs'));
  const humanUrl = /** @type {RegExpMatchArray} */ (human.out.join('\n').match(/demo page (http:\/\/\S+)\//))[1];
  assert.equal((await post(humanUrl, await signedRegistration(humanUrl, 'spoken'))).status, 200);
  await eventually(() => human.out.some((l) => / info  POST accepted spoken\.vfs \(\d+ ms\)$/.test(l)), { timeoutMs: 5000 });
  assert.ok(human.out.every((l) => !l.startsWith('{')), 'human lines by default');
  human.child.kill('SIGKILL');

  const port = await freePort();
  const quiet = spawn(process.execPath, [CLI, 'serve', '--port', String(port), '--memory', '--json', '--log-level', 'warn', ...NET]);
  running.push(quiet);
  let quietOut = '';
  quiet.stdout.on('data', (d) => (quietOut += d));
  const quietUrl = `http://127.0.0.1:${port}`;
  await eventually(() => fetch(`${quietUrl}/api/vns/status`).then((r) => r.ok, () => false), { timeoutMs: 15_000 });
  assert.equal((await post(quietUrl, await signedRegistration(quietUrl, 'quiet'))).status, 200);
  assert.equal((await post(quietUrl, new Uint8Array([1]))).status, 400);
  quiet.kill('SIGTERM');
  await new Promise((r) => quiet.once('exit', r));
  assert.equal(quietOut, '', 'no info line (not even the banner) at --log-level warn');
  const bad = await cli(['serve', '--memory', '--log-level', 'loud']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--log-level: expected error, warn, info, debug/);
});

test('a peer on another network is logged in words, once per backoff, and the dialler backs off', LIMIT, async () => {
  const testing = await startServe(['--memory', ...NET]);
  const main = await serveRaw(['--memory', '--json', '--network', 'main', '--peer', testing.wsUrl], (l) => l.includes('"event":"listening"'));
  try {
    await new Promise((r) => setTimeout(r, 6000));
    const retries = main.out.map((l) => JSON.parse(l)).filter((l) => l.event === 'peer-retry');
    assert.ok(retries.length >= 2, `retried: ${retries.length}`);
    // 0.5, 1, 2, 4 s (each with jitter down to half): at most 6 dials in 6 s, not one every 0.5 s.
    assert.ok(retries.length <= 6, `retried ${retries.length} times in 6 s: ${retries.map((r) => r.delayMs)}`);
    const delays = retries.map((r) => r.delayMs);
    assert.ok(/** @type {number} */ (delays.at(-1)) > delays[0], `the delay grows: ${delays}`);
    for (const r of retries) {
      assert.match(r.message, /is on another network: this node is on main, the peer on testing; retrying in \d+\.\d s/);
      assert.doesNotMatch(r.message, /[0-9a-f]{64}/);
    }
    const errors = main.out.map((l) => JSON.parse(l)).filter((l) => l.event === 'peer-error');
    assert.ok(errors.length <= retries.length + 1);
    for (const e of errors) assert.match(e.message, /this node is on main, the peer on testing \(sync\.network_mismatch\)/);

    // The accepting side counts the sessions it closed, by reason.
    const metrics = await testing.metrics();
    assert.ok(Number(metrics.get('vns_sessions_closed_total{reason="sync.network_mismatch"}')) >= 2);
  } finally {
    main.child.kill('SIGKILL');
    await testing.kill();
  }
});

test('/metrics comes from prom-client: process metrics, histograms, and every vns_* family kept', LIMIT, async () => {
  const data = await tempDir();
  const a = await startServe(['--data', data, ...NET]);
  const b = await startServe(['--memory', '--peer', a.wsUrl, ...NET]);
  try {
    assert.equal((await a.post(await signedRegistration(a.url, 'measured'))).status, 200);
    await eventually(async () => (await b.resolve('measured.vfs')).status === 200, { timeoutMs: 10_000 });
    const res = await a.fetch('/metrics');
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    for (const family of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_gc_duration_seconds',
      'vns_post_duration_seconds',
      'vns_save_duration_seconds',
      'vns_frame_bytes',
    ]) {
      assert.ok(text.includes(`# TYPE ${family} `), `${family} missing`);
    }
    const m = await a.metrics();
    assert.equal(m.get('vns_post_duration_seconds_count{outcome="accepted"}'), 1);
    assert.ok(Number(m.get('vns_save_duration_seconds_count{result="saved"}')) >= 1);
    assert.ok(Number(m.get('vns_frame_bytes_count{direction="in"}')) > 0);
    assert.ok(Number(m.get('vns_frame_bytes_count{direction="out"}')) > 0);
    assert.ok(Number(m.get('vns_frame_bytes_bucket{le="+Inf",direction="out"}')) > 0);
    const dialer = await b.metrics();
    assert.ok(Number(dialer.get('vns_frame_bytes_count{direction="in"}')) > 0, 'a dialled link is measured too');
    // The families and labels the docs and other tests name are all still there.
    for (const line of [
      'vns_entries 1',
      'vns_peers 1',
      'vns_ops_accepted_total{source="api"} 1',
      'vns_ops_accepted_total{source="peer"} 0',
      'vns_queue_capacity 1000',
    ]) {
      assert.ok(text.includes(line), `${line} missing`);
    }
    const { METRICS } = await import('../../js/server-metrics.js');
    for (const { name } of METRICS) assert.ok(text.includes(`# TYPE ${name} `), `${name} missing`);
    assert.ok(text.includes('# TYPE vns_dns_queries_total '), 'the DNS families are kept');

    await b.kill();
    await eventually(async () => (await a.metrics()).get('vns_sessions_closed_total{reason="disconnected"}') === 1, { timeoutMs: 5000 });
  } finally {
    await Promise.all([a.kill(), b.kill()]);
  }
});

test('the static server does not follow symlinks out of its folder', LIMIT, async () => {
  const root = await tempDir();
  const www = join(root, 'www');
  await mkdir(join(www, 'sub'), { recursive: true });
  await writeFile(join(www, 'index.html'), '<p>page</p>');
  await writeFile(join(root, 'secret.txt'), 'secret');
  await mkdir(join(root, 'outside'));
  await writeFile(join(root, 'outside', 'x.txt'), 'outside');
  await symlink(join(root, 'secret.txt'), join(www, 'leak.txt'));
  await symlink(join(root, 'outside'), join(www, 'out'));
  await symlink(join(www, 'index.html'), join(www, 'sub', 'alias.html'));
  const server = await startServer({ memory: true, port: 0, www, network: 'testing' });
  try {
    for (const path of ['/leak.txt', '/out/x.txt']) {
      const res = await fetch(`${server.url}${path}`);
      assert.equal(res.status, 404, path);
      assert.doesNotMatch(await res.text(), /secret|outside/);
    }
    const inside = await fetch(`${server.url}/sub/alias.html`);
    assert.equal(inside.status, 200, 'a link that stays inside is served');
    assert.equal(await inside.text(), '<p>page</p>');
    assert.equal((await fetch(`${server.url}/`)).status, 200);
    assert.equal((await fetch(`${server.url}/js/index.js`)).status, 200, 'the package mounts still work');
  } finally {
    await server.close();
  }
});

/**
 * POSTs `size` bytes on a raw socket with `Connection: close`, reading the answer only once
 * the whole body is sent (as simple clients do); resolves with what came back.
 * @param {number} port @param {number} size
 * @returns {Promise<{ answer: string, error: string | null | undefined }>}
 */
function rawPost(port, size) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    /** @type {string | null | undefined} */
    let error = null;
    socket.pause();
    socket.on('error', (e) => (error = /** @type {NodeJS.ErrnoException} */ (e).code));
    socket.on('close', () => resolve({ answer, error }));
    socket.write(
      `POST /api/vns/ops HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/vnd.ipld.dag-cbor\r\nContent-Length: ${size}\r\nConnection: close\r\n\r\n`,
    );
    const chunk = Buffer.alloc(64 * 1024, 7);
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        sent += chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
      socket.end();
      socket.on('data', (d) => (answer += d.toString('latin1')));
      socket.resume();
    };
    pump();
  });
}

test('a 10 MB POST on a Connection: close request gets its 413', LIMIT, async () => {
  const node = await startServe(['--memory', ...NET]);
  try {
    for (let round = 0; round < 3; round += 1) {
      const { answer, error } = await rawPost(node.port, 10 * 1024 * 1024);
      assert.match(answer, /^HTTP\/1\.1 413 /, `round ${round}: ${error ?? ''} ${answer.slice(0, 80)}`);
      assert.match(answer, /http\.too_large/);
    }
    assert.equal((await post(node.url, await signedRegistration(node.url, 'after'))).status, 200, 'the node still serves');
  } finally {
    await node.kill();
  }
});

test('two servers started at once on one folder, with or without a stale lock: exactly one runs', LIMIT, async () => {
  const { hostname } = await import('node:os');
  const dead = spawn(process.execPath, ['-e', '']);
  await new Promise((r) => dead.once('exit', r));
  for (const stale of [false, true]) {
    const data = await tempDir();
    if (stale) await writeFile(join(data, 'LOCK'), JSON.stringify({ pid: dead.pid, host: hostname(), started: 'long ago' }));
    const nodes = [new ServeProcess(1, data, NET), new ServeProcess(2, data, NET)];
    const outcomes = await Promise.allSettled(nodes.map((n) => n.start()));
    try {
      const started = outcomes.filter((o) => o.status === 'fulfilled');
      assert.equal(started.length, 1, `stale lock ${stale}: ${outcomes.map((o) => o.status).join(', ')}`);
      const refused = /** @type {PromiseRejectedResult} */ (outcomes.find((o) => o.status === 'rejected'));
      assert.match(String(refused.reason.message), /in use by another vns serve/);
    } finally {
      await Promise.all(nodes.map((n) => n.kill()));
    }
  }
});
