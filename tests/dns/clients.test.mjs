// Real DNS clients nobody here wrote (dig, kdig, dnspython, curl, Node's dns.Resolver)
// against a real `vns serve --dns` node with a certificate (DoH over HTTPS and HTTP/2):
// each resolves a name registered through the CLI moments before, gets NXDOMAIN with the
// SOA for an unknown name and REFUSED outside .vfs, and sees an update within a second.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Resolver } from 'node:dns/promises';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startDnsNode, cliAs, tempDir, selfSigned, run, within, PYTHON } from './helpers.mjs';

const CID = 'bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi';
const DNSPYTHON = fileURLToPath(new URL('./dnspython-query.py', import.meta.url));

let node;
let temp;
let vns;
let doh;
let python;
let pythonLines;

before(async () => {
  temp = await tempDir();
  const tls = await selfSigned(temp.dir);
  node = await startDnsNode(['--tls-cert', tls.cert, '--tls-key', tls.key]);
  assert.match(node.url, /^https:/);
  doh = `${node.url}/dns-query`;
  vns = cliAs(node.url, temp.dir);
  python = spawn(PYTHON, [DNSPYTHON], { stdio: ['pipe', 'pipe', 'inherit'] });
  pythonLines = createInterface({ input: python.stdout });
  await vns('key', 'new');
  await vns('register', 'alice', '--ip', '127.0.0.1', '--ip6', '2001:db8::7', '--txt', 'hello dns', '--cid', CID, '--sync', 'wss://alice.example/vns', '--ttl', '300');
});
after(async () => {
  node?.stop();
  python?.kill();
  await temp?.remove();
});

/**
 * Each client as one function: (name, type) → { rcode, values, soa }, values as the client
 * prints them (TXT without quotes).
 * @type {Record<string, (name: string, type: string) => Promise<{ rcode: string, values: string[], soa: boolean }>>}
 */
const clients = {
  'dig udp': (name, type) => dig([name, type]),
  'dig tcp': (name, type) => dig(['+tcp', name, type]),
  'dig +https': (name, type) => dig([`+https=/dns-query`, '-p', String(node.port), name, type], false),
  'kdig doh': async (name, type) => {
    const r = await run('kdig', ['@127.0.0.1', '-p', String(node.port), '+https=/dns-query', '+timeout=3', '+retry=0', name, type]);
    return parseDigLike(r.stdout, /->>HEADER<<-.*status: (\w+)/);
  },
  'dnspython udp': (name, type) => dnspython('udp', name, type),
  'dnspython tcp': (name, type) => dnspython('tcp', name, type),
  'dnspython doh': (name, type) => dnspython('doh', name, type),
  'node dns.Resolver': async (name, type) => {
    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([`127.0.0.1:${node.dnsPort}`]);
    try {
      const values =
        type === 'A' ? await resolver.resolve4(name)
        : type === 'AAAA' ? await resolver.resolve6(name)
        : (await resolver.resolveTxt(name)).map((chunks) => chunks.join(''));
      return { rcode: 'NOERROR', values, soa: false };
    } catch (e) {
      // c-ares reports NXDOMAIN as ENOTFOUND and REFUSED as EREFUSED; it hides the SOA.
      const code = /** @type {{ code?: string }} */ (e).code;
      return { rcode: code === 'ENOTFOUND' ? 'NXDOMAIN' : code === 'EREFUSED' ? 'REFUSED' : String(code), values: [], soa: code === 'ENOTFOUND' };
    }
  },
};

/** @param {string[]} args @param {boolean} [udpPort] */
async function dig(args, udpPort = true) {
  const port = udpPort ? ['-p', String(node.dnsPort)] : [];
  const r = await run('dig', ['@127.0.0.1', ...port, '+tries=1', '+time=2', '+noall', '+answer', '+authority', '+comments', ...args]);
  return parseDigLike(r.stdout, /status: (\w+)/);
}

/** @param {'udp' | 'tcp' | 'doh'} how @param {string} name @param {string} type */
async function dnspython(how, name, type) {
  const where = how === 'doh' ? doh : String(node.dnsPort);
  python.stdin.write(`${how} ${where} ${name} ${type}\n`);
  const [line] = await once(pythonLines, 'line');
  const answer = JSON.parse(line);
  if (answer.error) throw new Error(`dnspython: ${answer.error}`);
  return answer;
}

/**
 * The status and records of dig's or kdig's output.
 * @param {string} text @param {RegExp} status
 */
function parseDigLike(text, status) {
  const rcode = status.exec(text)?.[1] ?? 'none';
  const values = [];
  let soa = false;
  for (const line of text.split('\n')) {
    if (line.startsWith(';') || !line.trim()) continue;
    const fields = line.trim().split(/\s+/);
    const type = fields[3];
    if (type === 'SOA') soa = true;
    else if (type === 'TXT') values.push(fields.slice(4).join(' ').replace(/^"|"$/g, ''));
    else if (type === 'A' || type === 'AAAA') values.push(fields[4]);
  }
  return { rcode, values, soa };
}

for (const [client, query] of Object.entries(clients)) {
  test(`${client}: A, AAAA, TXT with FS as dnslink, NXDOMAIN with SOA, REFUSED, an update within a second`, async () => {
    assert.deepEqual(await query('alice.vfs', 'A'), { rcode: 'NOERROR', values: ['127.0.0.1'], soa: false });
    assert.deepEqual((await query('Alice.VFS', 'AAAA')).values, ['2001:db8::7']);
    const txt = await query('alice.vfs', 'TXT');
    assert.equal(txt.rcode, 'NOERROR');
    assert.deepEqual(txt.values.sort(), [`dnslink=/ipfs/${CID}`, 'hello dns'].sort());
    assert.deepEqual((await query('_dnslink.alice.vfs', 'TXT')).values, [`dnslink=/ipfs/${CID}`]);
    assert.deepEqual((await query('_vns-sync.alice.vfs', 'TXT')).values, ['wss://alice.example/vns']);

    const unknown = await query('nobody-here.vfs', 'A');
    assert.equal(unknown.rcode, 'NXDOMAIN');
    assert.equal(unknown.soa, true, 'the SOA is in the authority section');
    assert.equal((await query('example.com', 'A')).rcode, 'REFUSED');

    // The change is accepted when the CLI returns; the client must see it within a second.
    const address = `192.0.2.${1 + Object.keys(clients).indexOf(client)}`;
    await vns('update', 'alice', '--ip', address, '--ip6', '2001:db8::7', '--txt', 'hello dns', '--cid', CID, '--sync', 'wss://alice.example/vns', '--ttl', '300');
    const seen = await within(async () => (await query('alice.vfs', 'A')).values.includes(address), 1000);
    assert.ok(seen.value, `${client} did not see ${address} within a second`);
    await vns('update', 'alice', '--ip', '127.0.0.1', '--ip6', '2001:db8::7', '--txt', 'hello dns', '--cid', CID, '--sync', 'wss://alice.example/vns', '--ttl', '300');
  });
}

test('curl --doh-url resolves alice.vfs and reaches the node at its address; unknown names and example.com fail; an update within a second', async () => {
  const base = ['--silent', '--show-error', '--insecure', '--doh-insecure', '--doh-url', doh, '--max-time', '10'];
  const ok = await run('curl', [...base, `https://alice.vfs:${node.port}/api/vns/status`]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.ok(JSON.parse(ok.stdout).entries >= 1);
  const unknown = await run('curl', [...base, `https://nobody-here.vfs:${node.port}/`]);
  assert.equal(unknown.code, 6, `curl exits 6 (could not resolve host): ${unknown.stderr}`);
  const outside = await run('curl', [...base, `https://example.com:${node.port}/`]);
  assert.equal(outside.code, 6, outside.stderr);
  // An update is what curl connects to within a second (it prints the address it tries).
  await vns('update', 'alice', '--ip', '127.0.0.2');
  const seen = await within(async () => {
    const r = await run('curl', [...base, '--verbose', '--connect-timeout', '1', `https://alice.vfs:${node.port}/`]);
    return /Trying 127\.0\.0\.2:/.test(r.stderr);
  }, 1000);
  assert.ok(seen.value, 'curl did not try the updated address within a second');
  const metrics = await run('curl', ['--silent', '--insecure', `${node.url}/metrics`]);
  assert.match(metrics.stdout, /vns_dns_transport_queries_total\{transport="doh"\} [1-9]/);
});
