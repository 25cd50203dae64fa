// The .vfs zone over the wire, against a real `vns serve --dns` node: truncation with TCP
// fallback (20 TXT records, with dig and dnspython), the apex, reserved names, ANY, EDNS,
// name compression, case, malformed queries, and names that expire (TTL capped at expiry,
// grace and lapsed as NXDOMAIN).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import packet from 'dns-packet';
import { startDnsNode, cliAs, tempDir, run, udpQuery, udpRaw, tcpQuery, rcodeOf, PYTHON } from './helpers.mjs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

let node;
let temp;
let vns;

/** Twenty distinct TXT values of 60 bytes: about 1.4 KB of records, more than any UDP answer here. */
const TEXTS = Array.from({ length: 20 }, (_, i) => `record ${String(i).padStart(2, '0')} ${'x'.repeat(50)}`);

before(async () => {
  temp = await tempDir();
  node = await startDnsNode();
  vns = cliAs(node.url, temp.dir);
  await vns('key', 'new');
  await vns('register', 'many', ...TEXTS.flatMap((t) => ['--txt', t]));
  await vns('register', 'bob', '--ip', '192.0.2.5', '--ttl', '120');
});
after(async () => {
  node?.stop();
  await temp?.remove();
});

test('20 TXT records: the UDP answer is truncated (TC, within 512 or the EDNS size) and TCP has them all', async () => {
  const plain = await udpQuery(node.dnsPort, 'many.vfs', 'TXT');
  assert.ok(plain.flag_tc, 'TC is set');
  assert.equal(plain.answers.length, 0);
  assert.ok(plain.size <= 512);
  const edns = await udpQuery(node.dnsPort, 'many.vfs', 'TXT', { edns: 4096 });
  assert.ok(edns.flag_tc && edns.size <= 1232, `EDNS answers stay within 1232 bytes (got ${edns.size})`);
  const tcp = await tcpQuery(node.dnsPort, 'many.vfs', 'TXT');
  assert.equal(tcp.flag_tc, false);
  assert.deepEqual(tcp.answers.map((a) => a.data.map(String).join('')).sort(), [...TEXTS].sort());

  // dig retries over TCP by itself when it sees TC.
  const dig = await run('dig', ['@127.0.0.1', '-p', String(node.dnsPort), '+tries=1', 'many.vfs', 'TXT']);
  assert.match(dig.stdout, /Truncated, retrying in TCP mode/);
  assert.equal((dig.stdout.match(/\sTXT\s+"record \d\d x+"/g) ?? []).length, 20, dig.stdout);
  // So does dnspython's stub (udp_with_fallback).
  const python = spawn(PYTHON, [fileURLToPath(new URL('./dnspython-query.py', import.meta.url))], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: python.stdout });
  python.stdin.end(`udp ${node.dnsPort} many.vfs TXT\n`);
  const [line] = await once(lines, 'line');
  assert.deepEqual(JSON.parse(line).values.sort(), [...TEXTS].sort());
});

test('answers compress owner names into the question and keep its case', async () => {
  const query = packet.encode({ id: 1, type: 'query', questions: [{ name: 'BoB.VfS', type: 'A' }] });
  const bytes = await udpRaw(node.dnsPort, query);
  const answerStart = 12 + (query.length - 12);
  assert.deepEqual([...bytes.subarray(answerStart, answerStart + 2)], [0xc0, 12], 'the owner is a pointer to the question');
  const decoded = packet.decode(bytes);
  assert.equal(decoded.questions[0].name, 'BoB.VfS');
  assert.equal(decoded.answers[0].name, 'BoB.VfS');
  assert.equal(decoded.answers[0].data, '192.0.2.5');
  assert.ok(decoded.answers[0].ttl <= 120);
  assert.ok(decoded.flag_aa, 'authoritative');
  // The SOA of a negative answer points at the question's `vfs` label.
  const negative = await udpRaw(node.dnsPort, packet.encode({ id: 2, type: 'query', questions: [{ name: 'nobody-here.vfs', type: 'A' }] }));
  assert.equal(rcodeOf(packet.decode(negative)), 'NXDOMAIN');
  assert.equal(packet.decode(negative).authorities[0].name, 'vfs');
});

test('the apex has SOA and NS; ns.vfs has the listener address; reserved names are NODATA; other types NODATA', async () => {
  const soa = await udpQuery(node.dnsPort, 'vfs', 'SOA');
  assert.equal(rcodeOf(soa), 'NOERROR');
  assert.equal(soa.answers[0].type, 'SOA');
  assert.equal(soa.answers[0].data.mname, 'ns.vfs');
  const ns = await udpQuery(node.dnsPort, 'vfs', 'NS');
  assert.deepEqual(ns.answers.map((a) => a.data), ['ns.vfs']);
  assert.deepEqual((await udpQuery(node.dnsPort, 'ns.vfs', 'A')).answers.map((a) => a.data), ['127.0.0.1']);
  for (const reserved of ['root.vfs', 'sync.vfs', 'admin.vfs', 'bootstrap.vfs']) {
    const r = await udpQuery(node.dnsPort, reserved, 'A');
    assert.equal(rcodeOf(r), 'NOERROR', reserved);
    assert.equal(r.answers.length, 0);
    assert.equal(r.authorities[0].type, 'SOA');
  }
  const mx = await udpQuery(node.dnsPort, 'bob.vfs', 'MX');
  assert.equal(rcodeOf(mx), 'NOERROR');
  assert.equal(mx.answers.length, 0);
  assert.equal(mx.authorities[0].type, 'SOA');
  // Names the core refuses (too short, sub-names, Unicode spellings DNS would not map) do not exist.
  for (const name of ['ab.vfs', 'www.bob.vfs', '_dnslink.bob.vfs', 'a.b.c.vfs']) {
    assert.equal(rcodeOf(await udpQuery(node.dnsPort, name, 'A')), 'NXDOMAIN', name);
  }
  assert.equal(rcodeOf(await udpQuery(node.dnsPort, 'example.com', 'A')), 'REFUSED');
  assert.equal(rcodeOf(await udpQuery(node.dnsPort, '.', 'NS')), 'REFUSED');
});

test('names match as the core spells them, in any ASCII case, never through Unicode mapping', async () => {
  await vns('register', 'münchen', '--ip', '192.0.2.11');
  await vns('register', 'kappa', '--ip', '192.0.2.12');
  for (const name of ['xn--mnchen-3ya.vfs', 'XN--MNCHEN-3YA.VFS']) {
    assert.deepEqual((await udpQuery(node.dnsPort, name, 'A')).answers.map((a) => a.data), ['192.0.2.11'], name);
  }
  assert.deepEqual((await udpQuery(node.dnsPort, 'KaPpA.vfs', 'A')).answers.map((a) => a.data), ['192.0.2.12']);
  // Raw UTF-8 and a Kelvin sign (which lower-cases to `k` in Unicode) are other names in DNS.
  for (const name of ['münchen.vfs', '\u212Aappa.vfs', ' kappa.vfs']) {
    assert.equal(rcodeOf(await udpQuery(node.dnsPort, name, 'A')), 'NXDOMAIN', JSON.stringify(name));
  }
});

test('ANY is answered with one record set (RFC 8482)', async () => {
  await vns('register', 'anyname', '--ip', '192.0.2.8', '--ip6', '2001:db8::8', '--txt', 'text');
  const any = await udpQuery(node.dnsPort, 'anyname.vfs', 'ANY');
  assert.equal(rcodeOf(any), 'NOERROR');
  assert.deepEqual([...new Set(any.answers.map((a) => a.type))], ['A']);
});

test('EDNS: the OPT record is answered, an unknown EDNS version gets BADVERS', async () => {
  const ok = await udpQuery(node.dnsPort, 'bob.vfs', 'A', { edns: 1232 });
  assert.equal(ok.additionals.find((a) => a.type === 'OPT')?.udpPayloadSize, 1232);
  const query = packet.encode({ id: 3, type: 'query', questions: [{ name: 'bob.vfs', type: 'A' }], additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, ednsVersion: 1 }] });
  const bad = packet.decode(await udpRaw(node.dnsPort, query));
  const opt = bad.additionals.find((a) => a.type === 'OPT');
  assert.equal(((opt?.extendedRcode ?? 0) << 4) | (bad.flags & 0xf), 16, 'BADVERS is 16');
});

test('malformed queries get FORMERR with their id; responses and short packets get nothing', async () => {
  const good = packet.encode({ id: 0x1234, type: 'query', questions: [{ name: 'bob.vfs', type: 'A' }] });
  const formerr = async (/** @type {Buffer} */ bytes) => {
    const reply = await udpRaw(node.dnsPort, bytes);
    assert.ok(reply, 'a reply');
    assert.equal(reply.readUInt16BE(0), 0x1234);
    assert.equal(reply.readUInt16BE(2) & 0xf, 1, 'FORMERR');
  };
  await formerr(good.subarray(0, good.length - 3)); // cut inside the question
  const two = Buffer.from(good);
  two.writeUInt16BE(2, 4); // says two questions, holds one
  await formerr(two);
  // A label holding a dot cannot be told from two labels: refused as malformed, not misread.
  const dotted = Buffer.concat([good.subarray(0, 12), Buffer.from([7, ...Buffer.from('bob.vfs'), 0, 0, 1, 0, 1])]);
  await formerr(dotted);
  // A compression pointer inside the question.
  const pointer = Buffer.concat([good.subarray(0, 12), Buffer.from([3, ...Buffer.from('bob'), 0xc0, 0x0c, 0, 1, 0, 1])]);
  await formerr(pointer);
  const response = Buffer.from(good);
  response.writeUInt16BE(0x8000, 2);
  assert.equal(await udpRaw(node.dnsPort, response, { timeoutMs: 300 }), null, 'a response is never answered');
  assert.equal(await udpRaw(node.dnsPort, Buffer.from([1, 2, 3]), { timeoutMs: 300 }), null);
  const notify = Buffer.from(good);
  notify.writeUInt16BE(4 << 11, 2);
  const notimp = await udpRaw(node.dnsPort, notify);
  assert.equal(notimp.readUInt16BE(2) & 0xf, 4, 'NOTIMP for another opcode');
});

test('TTLs never run past expiry; in grace and lapsed names are NXDOMAIN', async () => {
  const dir = await tempDir();
  const short = await startDnsNode(['--registration-period-ms', '4000', '--grace-period-ms', '2000', '--sweep-interval-ms', '3600000']);
  try {
    const cli = cliAs(short.url, dir.dir);
    await cli('key', 'new');
    await cli('register', 'brief', '--ip', '192.0.2.9', '--ttl', '3600');
    const live = await udpQuery(short.dnsPort, 'brief.vfs', 'A');
    assert.equal(rcodeOf(live), 'NOERROR');
    assert.ok(live.answers[0].ttl <= 4, `TTL capped at the seconds left (got ${live.answers[0].ttl})`);
    const resolved = JSON.parse((await cli('resolve', 'brief', '--json')).stdout);
    await new Promise((r) => setTimeout(r, Math.max(0, resolved.expires - Date.now()) + 100));
    assert.equal(rcodeOf(await udpQuery(short.dnsPort, 'brief.vfs', 'A')), 'NXDOMAIN', 'in grace');
    await new Promise((r) => setTimeout(r, 2100));
    assert.equal(rcodeOf(await udpQuery(short.dnsPort, 'brief.vfs', 'A')), 'NXDOMAIN', 'lapsed');
  } finally {
    short.stop();
    await dir.remove();
  }
});

test('vns status and /metrics show the DNS counters', async () => {
  await udpQuery(node.dnsPort, 'bob.vfs', 'AAAA');
  const status = await vns('status');
  assert.match(status.stdout, new RegExp(`dns +UDP/TCP 127\\.0\\.0\\.1:${node.dnsPort} and DoH \\([1-9]\\d* queries, 0 rate-limited\\)`));
  const text = await (await fetch(`${node.url}/metrics`)).text();
  assert.match(text, /vns_dns_queries_total\{type="AAAA"\} [1-9]/);
  assert.match(text, /vns_dns_responses_total\{rcode="NXDOMAIN"\} [1-9]/);
  assert.match(text, /vns_dns_transport_queries_total\{transport="udp"\} [1-9]/);
});
