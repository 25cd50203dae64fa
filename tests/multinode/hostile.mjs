// @ts-check
/**
 * A hostile peer: a separate process that speaks the VNS wire protocol (DAG-CBOR frames
 * `{ m: message, v: 1 }`, see src/sync/message.rs) to one node and sends it what an attacker
 * would: forged entries, replays, an oversized frame, malformed frames. It reports, as one JSON
 * line on stdout, what the node answered in each session.
 *
 *   node tests/multinode/hostile.mjs ws://127.0.0.1:PORT/vns plan.json
 *
 * `plan.json`: `{ network: hex network id, root: CID of the node's root, names: [...],
 * entries: { label: base64 entry block } }`. The entries are sent in one session, each in its
 * own `ops` frame, followed by a `get_entries` whose reply shows that the node has processed
 * them all. Every other attack gets a session of its own, since it ends the session.
 * @module
 */
import { readFile } from 'node:fs/promises';
import WebSocket from 'ws';
import * as dagCbor from '@ipld/dag-cbor';
import { CID } from 'multiformats/cid';

/** Protocol version of the frames (src/sync/message.rs PROTOCOL_VERSION). */
const VERSION = 2;
/** The node's frame limit (MAX_FRAME_BYTES); the oversized frame is half as large again. */
const MAX_FRAME_BYTES = 1024 * 1024;

/** @param {unknown} message @param {Record<string, unknown>} [extra] */
export const frame = (message, extra = {}) => dagCbor.encode({ m: message, v: VERSION, ...extra });

/**
 * What one session saw.
 * @typedef {{
 *   session: string,
 *   handshake: boolean,
 *   bye: string | null,
 *   closeCode: number | null,
 *   closeReason: string,
 *   replies: string[],
 *   stillOpen: boolean,
 *   error?: string,
 * }} SessionReport
 */

/**
 * Opens a session: connects, sends our `hello` (unless `hello` is false), and waits for the
 * node's. Then runs `attack(send, waitFor)` and waits up to `settleMs` for the node to close.
 * @param {string} url
 * @param {string} session
 * @param {{ network: Uint8Array, root: CID, hello?: boolean, settleMs?: number }} opts
 * @param {(send: (bytes: Uint8Array | string) => void, waitFor: (kind: string, id?: number) => Promise<any>) => Promise<void>} attack
 * @returns {Promise<SessionReport>}
 */
async function runSession(url, session, opts, attack) {
  const ws = new WebSocket(url, { maxPayload: 8 * MAX_FRAME_BYTES });
  /** @type {SessionReport} */
  const report = { session, handshake: false, bye: null, closeCode: null, closeReason: '', replies: [], stillOpen: false };
  /** @type {Array<{ kind: string, id?: number, resolve: (m: any) => void }>} */
  const waiters = [];
  /** Messages received so far (a reply may arrive before anyone waits for it). */
  /** @type {Array<[string, any]>} */
  const received = [];
  /** @param {string} kind @param {number | undefined} id @param {any} body */
  const matches = (kind, id, body) => (id === undefined || body?.id === id) && kind;
  const closed = new Promise((resolve) => {
    ws.on('close', (code, reason) => {
      report.closeCode = code;
      report.closeReason = reason.toString();
      resolve(undefined);
    });
  });
  ws.on('error', (e) => {
    report.error = e.message;
  });
  ws.on('message', (data) => {
    /** @type {any} */
    let decoded;
    try {
      decoded = dagCbor.decode(/** @type {Uint8Array} */ (data));
    } catch {
      report.replies.push('undecodable');
      return;
    }
    const [kind, body] = Object.entries(decoded.m)[0];
    report.replies.push(kind);
    received.push([kind, body]);
    if (kind === 'bye') report.bye = body.code;
    for (const w of [...waiters]) {
      if (w.kind === kind && matches(kind, w.id, body)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(body);
      }
    }
  });
  /** @param {string} kind @param {number} [id] */
  const waitFor = (kind, id) => {
    const seen = received.find(([k, body]) => k === kind && matches(k, id, body));
    if (seen) return Promise.resolve(seen[1]);
    return Promise.race([
      new Promise((resolve) => waiters.push({ kind, id, resolve })),
      closed.then(() => {
        throw new Error(`closed while waiting for ${kind}`);
      }),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no ${kind} within 10 s`)), 10_000).unref()),
    ]);
  };
  /** @param {Uint8Array | string} bytes */
  const send = (bytes) => ws.send(bytes);
  try {
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    if (opts.hello !== false) send(frame({ hello: { network: opts.network, root: opts.root, clock: Date.now() } }));
    await waitFor('hello');
    report.handshake = true;
    await attack(send, waitFor);
  } catch (e) {
    report.error = e instanceof Error ? e.message : String(e);
  }
  await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, opts.settleMs ?? 3000).unref())]);
  report.stillOpen = ws.readyState === WebSocket.OPEN;
  ws.terminate();
  await closed;
  return report;
}

/**
 * Runs every attack against the node at `url` and returns what each session saw.
 * @param {string} url
 * @param {{ network: string, root: string, names: string[], entries: Record<string, string> }} plan
 */
export async function attack(url, plan) {
  const network = Uint8Array.from(Buffer.from(plan.network, 'hex'));
  const root = CID.parse(plan.root);
  const base = { network, root };
  /** @type {SessionReport[]} */
  const reports = [];

  // 1. Forged and replayed entries, each in its own `ops` frame, then a `get_entries` as a
  //    barrier: the node handles frames in order, so its reply means all were judged. Invalid
  //    entries are dropped and counted; they must not end the session.
  reports.push(
    await runSession(url, 'entries', { ...base, settleMs: 500 }, async (send, waitFor) => {
      for (const bytes of Object.values(plan.entries)) {
        send(frame({ ops: { entries: [dagCbor.decode(Buffer.from(bytes, 'base64'))] } }));
      }
      // The same forgeries again, as an unsolicited `entries` reply.
      const all = Object.values(plan.entries).map((b) => dagCbor.decode(Buffer.from(b, 'base64')));
      send(frame({ entries: { id: 99, entries: all } }));
      const reply = waitFor('entries', 7);
      send(frame({ get_entries: { id: 7, names: plan.names } }));
      await reply;
    }),
  );

  // 2. A frame over the 1 MiB limit: refused before decoding.
  reports.push(
    await runSession(url, 'oversized', base, async (send) => {
      send(new Uint8Array(MAX_FRAME_BYTES + MAX_FRAME_BYTES / 2).fill(0xa1));
    }),
  );
  // 3. Bytes that are not CBOR.
  reports.push(
    await runSession(url, 'malformed-cbor', base, async (send) => {
      send(Uint8Array.from([0xff, 0x00, 0x13, 0x37, 0xbe, 0xef]));
    }),
  );
  // 4. Valid CBOR, but a field the protocol does not have.
  reports.push(
    await runSession(url, 'unknown-field', base, async (send) => {
      send(frame({ root: { root } }, { x: 1 }));
    }),
  );
  // 5. An entry that is not an entry (truncated ops list element).
  reports.push(
    await runSession(url, 'garbage-entry', base, async (send) => {
      send(frame({ ops: { entries: [{ ops: [{ op: 'not an op', sig: new Uint8Array(64) }], records: [] }] } }));
    }),
  );
  // 6. A request over its list bound (48 names per get_entries).
  reports.push(
    await runSession(url, 'too-many', base, async (send) => {
      const names = Array.from({ length: 49 }, (_, i) => `flood-${i}.vfs`);
      send(frame({ get_entries: { id: 1, names } }));
    }),
  );
  // 7. A text frame after the handshake that is no signalling frame (sync frames are binary;
  //    text frames carry WebRTC signalling).
  reports.push(
    await runSession(url, 'text-frame', base, async (send) => {
      send('hello?');
    }),
  );
  // 8. Another protocol version.
  reports.push(
    await runSession(url, 'wrong-version', { ...base, hello: false }, async (send) => {
      send(dagCbor.encode({ m: { hello: { network, root, clock: Date.now() } }, v: VERSION + 1 }));
    }),
  );
  // 9. A flood of forgeries: more than the node's limit (100) of entries no honest peer
  //    relays. Each costs the node a signature check, so past the limit the session ends.
  reports.push(
    await runSession(url, 'flood', base, async (send) => {
      const forgery = dagCbor.decode(Buffer.from(plan.entries.badSignature, 'base64'));
      send(frame({ ops: { entries: Array.from({ length: FLOOD }, () => forgery) } }));
    }),
  );
  return reports;
}

/** Forgeries sent by the flood session: one past the node's default limit. */
export const FLOOD = 101;

if (import.meta.url === `file://${process.argv[1]}`) {
  const [url, planFile] = process.argv.slice(2);
  if (!url || !planFile) {
    console.error('usage: node hostile.mjs ws://HOST:PORT/vns plan.json');
    process.exit(2);
  }
  const plan = JSON.parse(await readFile(planFile, 'utf8'));
  const reports = await attack(url, plan);
  console.log(JSON.stringify({ reports }));
}
