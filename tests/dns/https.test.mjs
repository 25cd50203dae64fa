// A node given --tls-cert/--tls-key serves HTTPS with HTTP/2 and HTTP/1.1 on one port:
// the page and the API over both, DoH over HTTP/2, and the sync WebSocket (an HTTP/1.1
// upgrade) to a second real node that peers with it over wss://.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { get } from 'node:https';
import { connect } from 'node:http2';
import packet from 'dns-packet';
import { startServe } from '../support/serve-process.mjs';
import { startDnsNode, cliAs, tempDir, selfSigned, within } from './helpers.mjs';

let temp;
let secure;

before(async () => {
  temp = await tempDir();
  const tls = await selfSigned(temp.dir);
  secure = await startDnsNode(['--tls-cert', tls.cert, '--tls-key', tls.key]);
});
after(async () => {
  secure?.stop();
  await temp?.remove();
});

/** GET over HTTP/1.1 (TLS, the test certificate accepted). @param {string} url */
function getHttp1(url) {
  return new Promise((resolve, reject) => {
    get(url, { rejectUnauthorized: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, version: res.httpVersion, body, type: res.headers['content-type'] }));
    }).on('error', reject);
  });
}

/** One request over HTTP/2. @param {string} path @param {{ method?: string, headers?: Record<string, string>, body?: Buffer }} [init] */
function requestHttp2(path, init = {}) {
  return new Promise((resolve, reject) => {
    const session = connect(secure.url, { rejectUnauthorized: false });
    session.on('error', reject);
    const stream = session.request({ ':path': path, ':method': init.method ?? 'GET', ...init.headers });
    /** @type {Buffer[]} */
    const chunks = [];
    let headers = {};
    stream.on('response', (h) => (headers = h));
    stream.on('data', (d) => chunks.push(d));
    stream.on('end', () => {
      session.close();
      resolve({ headers, body: Buffer.concat(chunks) });
    });
    stream.end(init.body);
  });
}

test('the page and the API over HTTPS with HTTP/1.1 and HTTP/2', async () => {
  const page = await getHttp1(`${secure.url}/`);
  assert.equal(page.status, 200);
  assert.equal(page.version, '1.1');
  assert.match(page.body, /<html/i);
  const status1 = await getHttp1(`${secure.url}/api/vns/status`);
  assert.equal(JSON.parse(status1.body).network.network, 'testing');
  const status2 = await requestHttp2('/api/vns/status');
  assert.equal(status2.headers[':status'], 200);
  const status = JSON.parse(status2.body.toString());
  assert.equal(status.dns.listening.port, secure.dnsPort);
  const page2 = await requestHttp2('/');
  assert.equal(page2.headers[':status'], 200);
});

test('DoH over HTTP/2: GET and POST answer with Content-Length and Cache-Control; bad requests get 4xx', async () => {
  const query = packet.encode({ id: 0, type: 'query', questions: [{ name: 'nobody-here.vfs', type: 'A' }] });
  const viaGet = await requestHttp2(`/dns-query?dns=${query.toString('base64url')}`);
  assert.equal(viaGet.headers[':status'], 200);
  assert.equal(viaGet.headers['content-type'], 'application/dns-message');
  assert.equal(Number(viaGet.headers['content-length']), viaGet.body.length);
  assert.match(String(viaGet.headers['cache-control']), /^max-age=\d+$/);
  assert.equal(packet.decode(viaGet.body).flags & 0xf, 3, 'NXDOMAIN');
  const viaPost = await requestHttp2('/dns-query', { method: 'POST', headers: { 'content-type': 'application/dns-message' }, body: query });
  assert.equal(packet.decode(viaPost.body).flags & 0xf, 3);
  const noParam = await requestHttp2('/dns-query');
  assert.equal(noParam.headers[':status'], 400);
  assert.equal(JSON.parse(noParam.body.toString()).error.code, 'dns.missing_query');
  const wrongType = await requestHttp2('/dns-query', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: query });
  assert.equal(wrongType.headers[':status'], 415);
  const garbage = await requestHttp2('/dns-query?dns=AAEC');
  assert.equal(garbage.headers[':status'], 400, 'three bytes are no DNS message');
});

test('a second node syncs with this one over wss:// (the HTTP/1.1 upgrade on the TLS port)', async () => {
  // The second node must accept the test certificate; nothing else in this process dials TLS.
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  const peer = await startServe(['--memory', '--network', 'testing', '--difficulty', '8', '--peer', secure.ws]);
  delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  try {
    assert.match(secure.ws, /^wss:/);
    const vns = cliAs(secure.url, temp.dir);
    await vns('key', 'new');
    await vns('register', 'synced', '--ip', '192.0.2.50');
    const seen = await within(async () => (await fetch(`${peer.url}/api/vns/resolve/synced`)).ok, 10_000);
    assert.ok(seen.value, 'the peer got the name over the wss link');
  } finally {
    peer.child.kill('SIGKILL');
  }
});
