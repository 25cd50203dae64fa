// @ts-check
/**
 * HTTP plumbing of `vns serve`: errors carrying a VNS-style code and status, request bodies
 * with a size cap, and answers as JSON or DAG-CBOR bytes.
 *
 * ```js
 * throw new HttpError(404, 'http.not_found', 'no such route');
 * const bytes = await readBody(req, 64 * 1024);
 * ```
 * @module
 */

/** An HTTP error with a VNS-style code. */
export class HttpError extends Error {
  /** @param {number} status @param {string} code @param {string} message */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * The code and message of anything thrown (core errors carry a `code`; others are internal).
 * @param {unknown} e @returns {{ code: string, message: string }}
 */
export function describe(e) {
  const code = typeof e === 'object' && e && 'code' in e && typeof e.code === 'string' ? e.code : 'vns.internal';
  const message =
    e instanceof Error ? e.message
    : typeof e === 'object' && e && 'message' in e && typeof e.message === 'string' ? e.message
    : String(e);
  return { code, message };
}

/** After a body went over its limit, the most discarded while waiting for its end. */
const DRAIN_MAX_BYTES = 16 * 1024 * 1024;
/** After a body went over its limit, the longest wait for its end. */
const DRAIN_MAX_MS = 5000;

/**
 * The request body, refused with 413 past `limit` bytes. The refusal waits until the client
 * has sent the rest of its body (discarded; at most `DRAIN_MAX_BYTES` or `DRAIN_MAX_MS`):
 * answering earlier would close a `Connection: close` socket with the body still arriving,
 * which resets the connection and loses the answer.
 * @param {import('node:http').IncomingMessage} req
 * @param {number} limit
 * @returns {Promise<Uint8Array>}
 */
export function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let drainTimer;
    const tooLarge = () => {
      clearTimeout(drainTimer);
      reject(new HttpError(413, 'http.too_large', `request body over ${limit} bytes`));
    };
    req.on('data', (/** @type {Buffer} */ chunk) => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      if (drainTimer === undefined) {
        chunks.length = 0;
        drainTimer = setTimeout(tooLarge, DRAIN_MAX_MS);
      }
      if (size > limit + DRAIN_MAX_BYTES) tooLarge();
    });
    req.on('end', () => (size > limit ? tooLarge() : resolve(new Uint8Array(Buffer.concat(chunks)))));
    req.on('error', (e) => {
      clearTimeout(drainTimer);
      reject(e);
    });
  });
}

/**
 * Answers 200 with `body`: bytes as a DAG-CBOR block, anything else as JSON.
 * @param {import('node:http').ServerResponse} res @param {unknown} body
 */
export function sendOk(res, body) {
  if (body instanceof Uint8Array) {
    res.writeHead(200, { 'content-type': 'application/vnd.ipld.dag-cbor' }).end(body);
  } else {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  }
}
