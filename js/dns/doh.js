// @ts-check
/**
 * DNS-over-HTTPS (RFC 8484) at `/dns-query`: `GET ?dns=<base64url>` and `POST` with an
 * `application/dns-message` body, answered by the node's `DnsService`. Works over HTTP/1.1
 * and HTTP/2 (the node serves HTTP/2 when it has a certificate; browsers and dig/kdig need
 * HTTPS and HTTP/2 for DoH). Answers carry a `Content-Length` (dig needs it) and a
 * `Cache-Control: max-age` of their smallest TTL (RFC 8484 §5.1).
 *
 * ```js
 * if (url.pathname === DOH_PATH) return answerDoh(service, req, res, url);
 * ```
 * @module
 */
import { MAX_STREAM_SIZE } from './wire.js';

/** Where DoH is served. */
export const DOH_PATH = '/dns-query';
/** The media type of DNS messages. */
const DNS_MESSAGE = 'application/dns-message';

/**
 * The parts of a request and response used here, common to HTTP/1.1 and HTTP/2.
 * @typedef {import('node:http').IncomingMessage | import('node:http2').Http2ServerRequest} DohRequest
 * @typedef {import('node:http').ServerResponse | import('node:http2').Http2ServerResponse} DohResponse
 */

/**
 * Answers one DoH request. HTTP errors are JSON bodies with a dotted code, like the API's.
 * @param {import('./service.js').DnsService} service
 * @param {DohRequest} req
 * @param {DohResponse} res
 * @param {URL} url
 * @returns {Promise<void>}
 */
export async function answerDoh(service, req, res, url) {
  /** @param {number} status @param {string} code @param {string} message */
  const fail = (status, code, message) => {
    const body = Buffer.from(JSON.stringify({ error: { code, message } }));
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  };
  let query;
  if (req.method === 'GET' || req.method === 'HEAD') {
    const param = url.searchParams.get('dns');
    if (!param) return fail(400, 'dns.missing_query', 'GET /dns-query needs ?dns=<base64url DNS message>');
    if (!/^[A-Za-z0-9_-]*$/.test(param) || param.length > Math.ceil((MAX_STREAM_SIZE * 4) / 3)) {
      return fail(400, 'dns.bad_query', 'dns: expected unpadded base64url (RFC 8484 §4.1)');
    }
    query = Buffer.from(param, 'base64url');
  } else if (req.method === 'POST') {
    const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (type !== DNS_MESSAGE) return fail(415, 'dns.bad_media_type', `POST /dns-query needs content-type ${DNS_MESSAGE}`);
    query = await readLimited(req, MAX_STREAM_SIZE);
    if (!query) return fail(413, 'dns.too_large', `a DNS message is at most ${MAX_STREAM_SIZE} bytes`);
  } else {
    return fail(405, 'http.method_not_allowed', `${req.method} is not served at ${DOH_PATH}`);
  }
  const answer = service.respond(query, 'doh', req.socket?.remoteAddress ?? '');
  if (!answer) return fail(400, 'dns.bad_query', 'not a DNS query');
  res.writeHead(200, {
    'content-type': DNS_MESSAGE,
    'content-length': answer.bytes.length,
    'cache-control': `max-age=${answer.ttl}`,
  });
  if (req.method === 'HEAD') res.end();
  else res.end(answer.bytes);
}

/**
 * The request body, or `undefined` past `limit` bytes (the rest is read and discarded so the
 * client gets the answer).
 * @param {DohRequest} req @param {number} limit
 * @returns {Promise<Buffer | undefined>}
 */
function readLimited(req, limit) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    req.on('data', (/** @type {Buffer} */ chunk) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size <= limit ? Buffer.concat(chunks) : undefined));
    req.on('error', reject);
  });
}
