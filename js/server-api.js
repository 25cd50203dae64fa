// @ts-check
/**
 * The HTTP API of `vns serve` (`/api/vns/…`) as a table of routes, and the node's status.
 *
 * | route | answer |
 * |---|---|
 * | `GET resolve/:name` | records, owner, expiry, entry CID, and a merkle proof against the root |
 * | `GET entry/:name` | the current entry block (DAG-CBOR) |
 * | `GET names?owner=ID` | names held by an owner |
 * | `GET status` | entries, root, peers, queue, counters, every network parameter, `open` |
 * | `POST ops` | a signed entry block; answered once validated and saved (POSTs in flight together share a save) |
 *
 * ```js
 * const answer = await handleApi(context, req, new URL(req.url, 'http://localhost'));
 * ```
 * @module
 */
import { HttpError, describe, readBody } from './server-http.js';
import { groupCommit } from './group-commit.js';

/** Largest request body accepted (an entry is at most 16 KiB). */
const MAX_BODY = 64 * 1024;

/** A peer link of the server: dialled (`out`) or accepted (`in`). @typedef {{ direction: 'in' | 'out', remote: string }} Link */

/**
 * What the routes work with.
 * @typedef {{
 *   vns: import('./core.js').Vns,
 *   counts: import('./server-metrics.js').ServerCounts,
 *   join: import('./node-options.js').NodeOptions,
 *   links: Set<Link>,
 *   log: import('./server-log.js').Log,
 *   observe?: import('./server-metrics.js').Observe,
 *   dns?: { status(): Record<string, unknown> },
 *   repair?: { status(): import('./repair.js').RepairStatus },
 *   scrubber?: { status(): import('./scrub.js').ScrubStatus, run(): Promise<unknown> },
 *   libp2p?: { status(): import('./libp2p/node.js').Libp2pStatus } | null,
 * }} ApiContext
 */

/**
 * One route: `GET /api/vns/<path>[/<name>]`. A route with `name` needs the name segment.
 * @typedef {{
 *   method: 'GET' | 'POST',
 *   path: string,
 *   name?: boolean,
 *   handle: (context: ApiContext, name: string, req: import('node:http').IncomingMessage, url: URL) => unknown,
 * }} ApiRoute
 */

/**
 * The node's status: what it holds, its links and counters, every parameter of its network
 * as the core enforces it, and the options a client passes to `open` to join it.
 * @param {ApiContext} context
 */
export function nodeStatus({ vns, join, links, dns, repair, scrubber, libp2p }) {
  return {
    network: { ...join, ...vns.network },
    open: { ...join, difficulty: vns.difficulty },
    entries: vns.size,
    root: vns.merkleRoot(),
    peers: vns.peers().length,
    links: [...links],
    queue: vns.queueStatus(),
    clock: vns.clock,
    stats: vns.stats(),
    ...(dns && { dns: dns.status() }),
    ...(repair && { repair: repair.status() }),
    ...(scrubber && { scrub: scrubber.status() }),
    ...(libp2p && { libp2p: libp2p.status() }),
  };
}

/** Each node's group commit (see `group-commit.js`), made on its first POST. @type {WeakMap<import('./core.js').Vns, () => Promise<unknown>>} */
const committers = new WeakMap();

/**
 * Waits until the change just applied is on disk, sharing the save with every POST (and the
 * peer deltas) applied while an earlier save was in flight. A failure is counted and answered
 * 503 to each POST that shared it; the changes stay pending for the next save.
 * @param {ApiContext} context
 */
async function persist({ vns, counts }) {
  let commit = committers.get(vns);
  if (!commit) {
    commit = groupCommit(() => vns.save());
    committers.set(vns, commit);
  }
  try {
    await commit();
  } catch (e) {
    counts.saveFailures += 1;
    throw new HttpError(503, describe(e).code, `accepted but not yet saved: ${describe(e).message}`);
  }
}

/** Every API route. @type {readonly ApiRoute[]} */
export const API_ROUTES = Object.freeze([
  {
    method: 'GET',
    path: 'resolve',
    name: true,
    async handle({ vns }, name) {
      // The answer names its entry; the proof carries its blocks (base64 in JSON).
      const resolved = await vns.resolve(name);
      const proof = vns.proof(name);
      return { ...resolved, proof: { root: proof.root, blocks: proof.blocks.map((b) => Buffer.from(b).toString('base64')) } };
    },
  },
  {
    method: 'GET',
    path: 'entry',
    name: true,
    async handle({ vns }, name) {
      const bytes = vns.entryBlock(name);
      // No entry: the core says why in its own words (not found, or reserved).
      if (!bytes) await vns.resolve(name);
      if (!bytes) throw new HttpError(404, 'resolve.not_found', `${name} does not exist on this node`);
      return bytes;
    },
  },
  {
    method: 'GET',
    path: 'names',
    handle({ vns }, _name, _req, url) {
      const owner = url.searchParams.get('owner');
      if (!owner) throw new HttpError(400, 'vns.invalid_argument', 'owner: missing (?owner=<peer id>)');
      return { owner, names: vns.namesByOwner(owner) };
    },
  },
  { method: 'GET', path: 'status', handle: (context) => nodeStatus(context) },
  {
    // Starts a scrub pass (unless one runs) and answers with its status at once, or, with
    // `?wait=1`, once the pass is over.
    method: 'POST',
    path: 'scrub',
    async handle({ scrubber }, _name, _req, url) {
      if (!scrubber) throw new HttpError(404, 'http.not_found', 'this node keeps nothing on disk to scrub (--memory)');
      const pass = scrubber.run();
      if (url.searchParams.get('wait') === '1') await pass;
      return scrubber.status();
    },
  },
  {
    method: 'POST',
    path: 'ops',
    async handle(context, _name, req) {
      const started = performance.now();
      const took = () => (performance.now() - started) / 1000;
      const { vns, counts, log, observe } = context;
      /** Logs and times a refused POST. @param {unknown} e */
      const refused = (e) => {
        const { code, message } = describe(e);
        observe?.post('rejected', took());
        log('info', 'op', `POST refused: ${message} (${code})`, { accepted: false, code, from: req.socket.remoteAddress });
        return e;
      };
      const bytes = await readBody(req, MAX_BODY).catch((e) => Promise.reject(refused(e)));
      let submitted;
      try {
        submitted = vns.submit(bytes);
      } catch (e) {
        counts.apiRejected.inc(describe(e).code);
        throw refused(e);
      }
      if (submitted.accepted) counts.apiAccepted += 1;
      else counts.apiDuplicates += 1;
      try {
        await persist(context);
      } catch (e) {
        observe?.post('failed', took());
        log('warn', 'op', `POST of ${submitted.name} applied but not saved: ${describe(e).message}`, { name: submitted.name, accepted: submitted.accepted, saved: false });
        throw e;
      }
      const outcome = submitted.accepted ? 'accepted' : 'duplicate';
      observe?.post(outcome, took());
      log('info', 'op', `POST ${outcome} ${submitted.name} (${Math.round(took() * 1000)} ms)`, { name: submitted.name, accepted: submitted.accepted, from: req.socket.remoteAddress });
      return { ...submitted, resolved: await vns.resolve(submitted.name).catch(() => null) };
    },
  },
]);

/**
 * A percent-encoded path segment, decoded; a malformed one (`%`, `%zz`) is a bad request.
 * @param {string} segment
 */
function decodePathSegment(segment) {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'http.bad_path', `the path segment ${JSON.stringify(segment)} is not valid percent-encoding`);
  }
}

/**
 * Answers an `/api/vns/…` request: a JSON value or bytes, or throws an `HttpError` / coded
 * error.
 * @param {ApiContext} context
 * @param {import('node:http').IncomingMessage} req
 * @param {URL} url
 * @returns {Promise<unknown>}
 */
export async function handleApi(context, req, url) {
  const [, path, arg] = url.pathname.slice('/api/vns'.length).split('/');
  const name = arg === undefined ? '' : decodePathSegment(arg);
  // HEAD answers like GET; Node's HTTP server leaves the body out of a HEAD answer.
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  const route = API_ROUTES.find((r) => r.method === method && r.path === path && (!r.name || name));
  if (!route) throw new HttpError(404, 'http.not_found', `no API route ${req.method} ${url.pathname}`);
  return route.handle(context, name, req, url);
}
