// @ts-check
/**
 * The DNS wire format, through `dns-packet`: reading a query safely and writing a response
 * that fits the transport's size, with the owner names of its records compressed.
 *
 * `dns-packet` decodes and encodes every record; two things it does not do are added here.
 * Its encoder ignores `rcode` (the code goes into the low four bits of `flags`), and it never
 * compresses names, so after encoding, each record's owner name, always the question's name
 * or a suffix of it in this zone, is replaced by a pointer into the question (RFC 1035 §4.1.4).
 *
 * ```js
 * const query = readQuery(bytes);              // { ok: true, query } or { ok: false, ... }
 * const bytes = writeResponse({ query, rcode: RCODE.NXDOMAIN, answers: [], authorities: [soa] }, 512);
 * ```
 * @module
 */
import packet from 'dns-packet';

/** Response codes used here (RFC 1035, RFC 6891 for BADVERS). */
export const RCODE = /** @type {const} */ ({
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
  BADVERS: 16,
});

/** Names of the response codes, for counters. */
export const RCODE_NAMES = /** @type {Record<number, string>} */ ({
  0: 'NOERROR', 1: 'FORMERR', 2: 'SERVFAIL', 3: 'NXDOMAIN', 4: 'NOTIMP', 5: 'REFUSED', 16: 'BADVERS',
});

/** Largest UDP answer without EDNS (RFC 1035). */
export const CLASSIC_UDP_SIZE = 512;
/** Largest UDP answer this server sends even if a client offers more (DNS flag day 2020). */
export const MAX_UDP_SIZE = 1232;
/** Largest message over TCP and DoH (two-byte length prefix). */
export const MAX_STREAM_SIZE = 65535;
/** Size of the DNS header. */
const HEADER = 12;

/** @typedef {import('dns-packet').Answer} Rr */

/**
 * A query as read from the wire: its header fields, its one question, and its EDNS(0)
 * options when it carried an OPT record.
 * @typedef {{
 *   id: number,
 *   flags: number,
 *   opcode: number,
 *   name: string,
 *   type: string,
 *   classCode: number,
 *   questionBytes: Buffer,
 *   edns: { udpSize: number, version: number, dnssecOk: boolean } | null,
 * }} Query
 */

/**
 * What `readQuery` found: a query to answer, a header to answer FORMERR (or NOTIMP) to, or
 * nothing worth answering (`drop`: too short to hold a header, or a response).
 * @typedef {{ ok: true, query: Query }
 *   | { ok: false, reply: { id: number, flags: number, rcode: number }, why: string }
 *   | { ok: false, drop: true, why: string }} ReadResult
 */

/**
 * Reads one DNS query. Never throws: malformed input comes back as a FORMERR to send (when
 * the header can be read) or a drop.
 * @param {Uint8Array} bytes
 * @returns {ReadResult}
 */
export function readQuery(bytes) {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < HEADER) return { ok: false, drop: true, why: 'short' };
  const id = buf.readUInt16BE(0);
  const flags = buf.readUInt16BE(2);
  // Answering a response could start a loop between two servers, or reflect at a victim.
  if (flags & 0x8000) return { ok: false, drop: true, why: 'response' };
  const opcode = (flags >> 11) & 0xf;
  const rd = flags & packet.RECURSION_DESIRED;
  const formerr = (/** @type {string} */ why) => /** @type {ReadResult} */ ({ ok: false, reply: { id, flags: rd, rcode: RCODE.FORMERR }, why });
  if (opcode !== 0) return { ok: false, reply: { id, flags: (opcode << 11) | rd, rcode: RCODE.NOTIMP }, why: 'opcode' };
  if (buf.readUInt16BE(4) !== 1) return formerr('questions');
  /** @type {import('dns-packet').DecodedPacket} */
  let decoded;
  try {
    decoded = packet.decode(buf);
  } catch {
    return formerr('decode');
  }
  const question = decoded.questions?.[0];
  if (!question) return formerr('decode');
  // The question is echoed byte for byte (its case too) and answers point into it, so it
  // must read back unambiguously: no pointer in it, no label holding a dot, valid UTF-8.
  const length = packet.encodingLength({ questions: [question] }) - HEADER;
  const questionBytes = buf.subarray(HEADER, HEADER + length);
  const nameBytes = questionBytes.subarray(0, length - 4);
  const again = packet.encode({ questions: [{ name: question.name, type: 'A' }] }).subarray(HEADER, HEADER + length - 4);
  if (questionBytes.length !== length || !again.equals(nameBytes)) return formerr('question');
  const classCode = questionBytes.readUInt16BE(length - 2);
  const opts = (decoded.additionals ?? []).filter((rr) => rr.type === 'OPT');
  if (opts.length > 1) return formerr('opt');
  const opt = /** @type {import('dns-packet').OptAnswer | undefined} */ (opts[0]);
  const edns = opt
    ? {
        udpSize: opt.udpPayloadSize ?? CLASSIC_UDP_SIZE,
        version: opt.ednsVersion ?? 0,
        dnssecOk: ((opt.flags ?? 0) & packet.DNSSEC_OK) !== 0,
      }
    : null;
  return {
    ok: true,
    query: { id, flags, opcode, name: question.name, type: question.type, classCode, questionBytes, edns },
  };
}

/**
 * A response to write: the query it answers, the code, and the records of each section.
 * @typedef {{
 *   query: Query,
 *   rcode: number,
 *   authoritative?: boolean,
 *   answers: Rr[],
 *   authorities: Rr[],
 * }} Response
 */

/**
 * The size a UDP response may have for this query: 512 without EDNS, else the client's
 * offer within 512..1232.
 * @param {Query} query
 */
export function udpLimit(query) {
  if (!query.edns) return CLASSIC_UDP_SIZE;
  return Math.min(Math.max(query.edns.udpSize, CLASSIC_UDP_SIZE), MAX_UDP_SIZE);
}

/**
 * Encodes `response` in at most `limit` bytes. When the records do not fit, the answer is
 * sent truncated (TC set, no records) so the client retries over TCP (RFC 2181 §9).
 * @param {Response} response
 * @param {number} limit
 * @returns {{ bytes: Buffer, truncated: boolean }}
 */
export function writeResponse(response, limit) {
  const { query } = response;
  const opt = query.edns ? [optRecord(response.rcode)] : [];
  const full = assemble(response, response.answers, response.authorities, opt, false);
  if (full.length <= limit) return { bytes: full, truncated: false };
  return { bytes: assemble(response, [], [], opt, true), truncated: true };
}

/**
 * A response holding only a header (FORMERR, NOTIMP): no question, no records.
 * @param {{ id: number, flags: number, rcode: number }} reply
 * @returns {Buffer}
 */
export function writeHeaderOnly(reply) {
  return packet.encode({ id: reply.id, type: 'response', flags: reply.flags | (reply.rcode & 0xf) });
}

/**
 * The OPT record of a response: our UDP size, and the upper bits of an extended rcode.
 * @param {number} rcode
 * @returns {Rr}
 */
function optRecord(rcode) {
  return { type: 'OPT', name: '.', udpPayloadSize: MAX_UDP_SIZE, extendedRcode: rcode >> 4, ednsVersion: 0, flags: 0, flag_do: false, options: [] };
}

/**
 * The response in one `dns-packet` encoding, then each record's owner name compressed: the
 * question as received stands in for the re-encoded one (equal but for case), and each
 * record is cut out of the encoding at its own length.
 * @param {Response} response @param {Rr[]} answers @param {Rr[]} authorities @param {Rr[]} additionals
 * @param {boolean} truncated
 */
function assemble(response, answers, authorities, additionals, truncated) {
  const { query } = response;
  const flags =
    (query.flags & (packet.RECURSION_DESIRED | packet.CHECKING_DISABLED)) |
    (response.authoritative ? packet.AUTHORITATIVE_ANSWER : 0) |
    (truncated ? packet.TRUNCATED_RESPONSE : 0) |
    (response.rcode & 0xf);
  const encoded = packet.encode({
    id: query.id,
    type: 'response',
    flags,
    questions: [{ name: query.name, type: 'A' }],
    answers,
    authorities,
    additionals,
  });
  const parts = [encoded.subarray(0, HEADER), query.questionBytes];
  const suffixes = suffixOffsets(query.name);
  let offset = HEADER + query.questionBytes.length;
  for (const rr of [...answers, ...authorities, ...additionals]) {
    const nameLength = wireNameLength(encoded, offset);
    const end = offset + nameLength + 10 + encoded.readUInt16BE(offset + nameLength + 8);
    const at = rr.name === '.' ? undefined : suffixes.get(asciiLower(rr.name));
    if (at === undefined) parts.push(encoded.subarray(offset, end));
    else parts.push(Buffer.from([0xc0 | (at >> 8), at & 0xff]), encoded.subarray(offset + nameLength, end));
    offset = end;
  }
  return Buffer.concat(parts);
}

/**
 * Bytes of an uncompressed name in `dns-packet`'s own output (labels up to the root label).
 * @param {Buffer} bytes @param {number} offset
 */
function wireNameLength(bytes, offset) {
  let at = offset;
  while (bytes[at] !== 0) at += bytes[at] + 1;
  return at + 1 - offset;
}

/**
 * Where each suffix of the question name starts in the message, by the suffix in lower case
 * (DNS names compare without ASCII case, RFC 4343): `alice.vfs` → { 'alice.vfs': 12, 'vfs': 18 }.
 * @param {string} name
 * @returns {Map<string, number>}
 */
function suffixOffsets(name) {
  /** @type {Map<string, number>} */
  const offsets = new Map();
  if (name === '.' || name === '') return offsets;
  const labels = name.split('.');
  let offset = HEADER;
  for (let i = 0; i < labels.length; i++) {
    offsets.set(asciiLower(labels.slice(i).join('.')), offset);
    offset += Buffer.byteLength(labels[i]) + 1;
  }
  return offsets;
}

/**
 * ASCII-only lower case: DNS case folding touches A-Z alone (RFC 4343), never other letters.
 * @param {string} text
 */
export function asciiLower(text) {
  return text.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}
