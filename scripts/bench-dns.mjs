// DNS over UDP under load: dnsperf (Debian's, from scripts/setup.sh) against a real
// `vns serve --dns` node, and in the same run against a baseline server that decodes every
// query and answers it with one fixed record, with the same library (dns-packet) in the same
// runtime, so the ratio is what answering from the namespace costs. Prints queries per second and
// p50/p99 latency (from dnsperf's per-query report) as a Markdown table.
//
//   node scripts/bench-dns.mjs [--seconds 10] [--outstanding 20] [--rounds 2]
//
// The two servers take turns (baseline, node, baseline, node, …) so that a change in the
// machine's load hits both.
import { spawn, execFile } from 'node:child_process';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startServe, cli } from '../tests/support/serve-process.mjs';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '10' }, outstanding: { type: 'string', default: '20' }, rounds: { type: 'string', default: '2' } },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const outstanding = Number(values.outstanding);

/**
 * The baseline: a UDP server that decodes each query with dns-packet and answers it with one
 * fixed record encoded by dns-packet: the library's work per query without the namespace.
 */
const BASELINE = `
import { createSocket } from 'node:dgram';
import packet from 'dns-packet';
const answer = { name: 'alice.vfs', type: 'A', ttl: 3600, data: '192.0.2.1' };
const socket = createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
socket.on('message', (m, r) => {
  const q = packet.decode(m);
  const out = packet.encode({ id: q.id, type: 'response', flags: packet.AUTHORITATIVE_ANSWER, questions: q.questions, answers: [answer] });
  socket.send(out, r.port, r.address);
});
socket.bind(0, '127.0.0.1', () => console.log(socket.address().port));
`;

/** @param {string} file @param {string[]} args */
const run = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(file, args, { maxBuffer: 1 << 30 }, (error, stdout, stderr) => (error ? reject(new Error(`${file}: ${stderr || error.message}`)) : resolve(String(stdout))));
  });

/** dnsperf against a port; qps from its summary, p50/p99 from its per-query lines. @param {number} port @param {string} data */
async function dnsperf(port, data) {
  const out = await run('dnsperf', ['-s', '127.0.0.1', '-p', String(port), '-d', data, '-l', String(seconds), '-c', '1', '-q', String(outstanding), '-v']);
  const qps = Number(/Queries per second:\s+([\d.]+)/.exec(out)?.[1]);
  const lost = Number(/Queries lost:\s+(\d+)/.exec(out)?.[1]);
  const latencies = [...out.matchAll(/^> \S+ .* ([\d.]+)$/gm)].map((m) => Number(m[1]) * 1000).sort((a, b) => a - b);
  const at = (/** @type {number} */ q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { qps, lost, p50: at(0.5), p99: at(0.99), samples: latencies.length };
}

const dir = await mkdtemp(join(tmpdir(), 'vns-bench-dns-'));
const env = { VNS_KEY: join(dir, 'key.json') };
const node = await startServe(['--memory', '--network', 'testing', '--difficulty', '8', '--dns', '127.0.0.1:0', '--dns-rate', '0']);
const dnsPort = /** @type {{ dns: { port: number } }} */ (node.lines.find((l) => l.event === 'listening')).dns.port;
const baseline = spawn(process.execPath, ['--input-type=module', '-e', BASELINE], { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: ['ignore', 'pipe', 'inherit'] });
try {
  const baselinePort = await new Promise((resolve) => baseline.stdout.once('data', (d) => resolve(Number(String(d).trim()))));
  await cli(['key', 'new'], env);
  const names = ['alice', 'bobby', 'carol'];
  for (const name of names) {
    const r = await cli(['register', name, '--ip', '192.0.2.1', '--ip6', '2001:db8::1', '--txt', `hello ${name}`, '--node', node.url], env);
    if (r.code !== 0) throw new Error(r.stderr);
  }
  // A mix a resolver would send: hits of each type, misses, names outside the zone.
  const lines = [...names.flatMap((n) => [`${n}.vfs A`, `${n}.vfs AAAA`, `${n}.vfs TXT`, `${n.toUpperCase()}.VFS A`]), 'nobody-here.vfs A', 'example.com A'];
  const data = join(dir, 'queries.txt');
  await writeFile(data, `${lines.join('\n')}\n`);
  const fixedData = join(dir, 'fixed.txt');
  await writeFile(fixedData, 'alice.vfs A\n');
  const row = (/** @type {string} */ what, /** @type {Awaited<ReturnType<typeof dnsperf>>} */ r) =>
    `| ${what} | ${r.qps.toFixed(0)} | ${r.p50.toFixed(3)} | ${r.p99.toFixed(3)} | ${r.lost} |`;
  const rows = [];
  const ratios = [];
  for (let round = 1; round <= rounds; round++) {
    const base = await dnsperf(baselinePort, fixedData);
    const vns = await dnsperf(dnsPort, data);
    rows.push(row(`${round}: baseline (dns-packet decode + one fixed record encoded)`, base));
    rows.push(row(`${round}: vns serve --dns (A/AAAA/TXT hits, NXDOMAIN, REFUSED)`, vns));
    ratios.push((vns.qps / base.qps).toFixed(2));
  }
  console.log(`dnsperf 2.10, UDP, 1 client, ${outstanding} outstanding, ${seconds} s each, loopback, same run\n`);
  console.log('| round: server | queries/s | p50 ms | p99 ms | lost |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(r);
  console.log(`\nqueries/s ratio vns/baseline by round: ${ratios.join(', ')}`);
} finally {
  node.child.kill('SIGKILL');
  baseline.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
}
