// @ts-check
/**
 * The `.vfs` zone as DNS sees it: which records answer a question, read from the node's own
 * verified namespace at the moment of the query (so an accepted change is visible at once).
 * Names are matched the way the core matches them (`canonicalName`), and whether a name
 * resolves, is in grace, lapsed or reserved is the core's answer (`vns.resolveSync`); this
 * module only maps that answer onto DNS (docs/protocol.md, "DNS").
 *
 * ```js
 * const zone = new Zone(vns, { canonicalName });
 * zone.answer({ name: 'alice.vfs', type: 'A', classCode: 1 }); // { rcode: 0, answers: [...], authorities: [] }
 * ```
 * @module
 */
import { RCODE, asciiLower } from './wire.js';

/** The zone apex. */
export const APEX = 'vfs';
/** The name server named by the apex NS and SOA: a label too short to be registered. */
export const NS_NAME = 'ns.vfs';
/** Label under which a name's FS records are served as DNSLink TXT (`_dnslink.alice.vfs`). */
export const DNSLINK_LABEL = '_dnslink';
/** Label under which a name's SYNC records are served as TXT (`_vns-sync.alice.vfs`). */
export const SYNC_LABEL = '_vns-sync';
/** Default TTL of negative answers (the SOA minimum, RFC 2308), in seconds. */
export const DEFAULT_NEGATIVE_TTL = 5;
/** TTL of the apex SOA and NS records, in seconds. */
const APEX_TTL = 3600;
/** Class IN. */
const IN = 1;

/** @typedef {import('dns-packet').Answer} Rr */
/** @typedef {{ rcode: number, answers: Rr[], authorities: Rr[] }} ZoneAnswer */

/**
 * Options of a `Zone`.
 * @typedef {{
 *   canonicalName: (input: string) => string,
 *   negativeTtl?: number,
 *   now?: () => number,
 *   nsAddresses?: string[],
 * }} ZoneOptions
 */

/** The `.vfs` zone of one node. */
export class Zone {
  /** @type {import('../core.js').Vns} */ #vns;
  /** @type {(input: string) => string} */ #canonicalName;
  /** @type {() => number} */ #now;
  #negativeTtl;
  /** @type {string[]} */ #nsAddresses;
  /** Serial of the SOA: seconds of the latest change seen (RFC 1982 arithmetic is the reader's). */
  #serial;

  /**
   * @param {import('../core.js').Vns} vns
   * @param {ZoneOptions} options `nsAddresses`: the addresses `ns.vfs` answers with (the
   *   DNS listener's, when it is bound to one)
   */
  constructor(vns, options) {
    this.#vns = vns;
    this.#canonicalName = options.canonicalName;
    this.#now = options.now ?? Date.now;
    this.#negativeTtl = options.negativeTtl ?? DEFAULT_NEGATIVE_TTL;
    this.#nsAddresses = options.nsAddresses ?? [];
    this.#serial = Math.floor(this.#now() / 1000) >>> 0;
    vns.addEventListener('change', () => {
      this.#serial = Math.max(this.#serial + 1, Math.floor(this.#now() / 1000)) >>> 0;
    });
  }

  /** @param {string[]} addresses */
  setNsAddresses(addresses) {
    this.#nsAddresses = addresses;
  }

  /**
   * The records answering one question. `name` is the question's name as received (its case
   * is kept in the records, as resolvers expect).
   * @param {{ name: string, type: string, classCode: number }} question
   * @returns {ZoneAnswer}
   */
  answer({ name, type, classCode }) {
    const labels = name === '.' ? [] : name.split('.');
    const inZone = labels.length > 0 && asciiLower(labels[labels.length - 1]) === APEX;
    if (!inZone || (classCode !== IN && classCode !== 255)) return { rcode: RCODE.REFUSED, answers: [], authorities: [] };
    if (labels.length === 1) return this.#apex(name, type);
    if (labels.length === 2 && asciiLower(name) === NS_NAME) return this.#nameServer(name, type);
    if (labels.length === 3) {
      const parent = this.#resolve(labels.slice(1).join('.'));
      const sub = asciiLower(labels[0]);
      if (parent && parent !== 'reserved' && (sub === DNSLINK_LABEL || sub === SYNC_LABEL)) {
        const kind = sub === DNSLINK_LABEL ? 'FS' : 'SYNC';
        const texts = this.#values(parent, [kind]);
        if (texts.length > 0) return this.#records(name, type, { TXT: texts });
      }
      return this.#nxdomain();
    }
    if (labels.length !== 2) return this.#nxdomain();
    const resolved = this.#resolve(name);
    if (resolved === 'reserved') return this.#nodata();
    if (!resolved) return this.#nxdomain();
    return this.#records(name, type, {
      A: this.#values(resolved, ['A']),
      AAAA: this.#values(resolved, ['AAAA']),
      TXT: this.#values(resolved, ['TXT', 'FS']),
    });
  }

  /**
   * The core's answer for a query name: the resolved name, `'reserved'`, or `null` when it
   * does not resolve (not registered, in grace, lapsed, or no `.vfs` name at all). The name
   * must be a spelling of the canonical name that differs at most in ASCII case: DNS does
   * not map Unicode or trim spaces as the core's parser does for typed input.
   * @param {string} qname
   * @returns {import('../core.js').Resolved | 'reserved' | null}
   */
  #resolve(qname) {
    let canonical;
    try {
      canonical = this.#canonicalName(qname);
    } catch {
      return null;
    }
    // Only A-Z fold, so any other difference (Unicode, spaces the parser trims) is a miss.
    if (canonical !== asciiLower(qname)) return null;
    // Most queries for names that do not resolve come from typos and scanners; the error
    // the core throws for them needs no stack trace, whose capture costs more than the lookup.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return this.#vns.resolveSync(canonical);
    } catch (e) {
      const code = typeof e === 'object' && e && 'code' in e ? e.code : undefined;
      return code === 'resolve.reserved' ? 'reserved' : null;
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
  }

  /**
   * The values of a name's records of `types`, each with its TTL capped at the seconds the
   * name has left; FS values as DNSLink (`dnslink=/ipfs/<cid>`).
   * @param {import('../core.js').Resolved} resolved
   * @param {string[]} types
   * @returns {Array<{ value: string, ttl: number }>}
   */
  #values(resolved, types) {
    const left = Math.max(0, Math.floor((resolved.expires - this.#now()) / 1000));
    return resolved.records
      .filter((r) => types.includes(r.type))
      .map((r) => ({ value: r.type === 'FS' ? `dnslink=/ipfs/${r.value}` : r.value, ttl: Math.min(r.ttl, left) }));
  }

  /**
   * Answers `type` at an existing name from its record sets; ANY gets one set (RFC 8482).
   * @param {string} name
   * @param {string} type
   * @param {Partial<Record<'A' | 'AAAA' | 'TXT', Array<{ value: string, ttl: number }>>>} sets
   * @returns {ZoneAnswer}
   */
  #records(name, type, sets) {
    const chosen = type === 'ANY' ? ['A', 'AAAA', 'TXT'].find((t) => (sets[/** @type {'A'} */ (t)] ?? []).length > 0) : type;
    const values = chosen && chosen in sets ? sets[/** @type {'A' | 'AAAA' | 'TXT'} */ (chosen)] ?? [] : [];
    if (values.length === 0) return this.#nodata();
    const answers = values.map(({ value, ttl }) =>
      /** @type {Rr} */ (chosen === 'TXT' ? { name, type: 'TXT', ttl, data: [Buffer.from(value)] } : { name, type: chosen, ttl, data: value }),
    );
    return { rcode: RCODE.NOERROR, answers, authorities: [] };
  }

  /** @param {string} name @param {string} type @returns {ZoneAnswer} */
  #apex(name, type) {
    if (type === 'SOA' || type === 'ANY') return { rcode: RCODE.NOERROR, answers: [this.#soa(name, APEX_TTL)], authorities: [] };
    if (type === 'NS') return { rcode: RCODE.NOERROR, answers: [{ name, type: 'NS', ttl: APEX_TTL, data: NS_NAME }], authorities: [] };
    return this.#nodata();
  }

  /** `ns.vfs`: the listener's own addresses, when it has concrete ones. @param {string} name @param {string} type */
  #nameServer(name, type) {
    const family = (/** @type {string} */ a) => (a.includes(':') ? 'AAAA' : 'A');
    /** @type {Partial<Record<'A' | 'AAAA', Array<{ value: string, ttl: number }>>>} */
    const sets = { A: [], AAAA: [] };
    for (const address of this.#nsAddresses) sets[family(address)]?.push({ value: address, ttl: APEX_TTL });
    return this.#records(name, type, sets);
  }

  /** @param {string} owner @param {number} ttl @returns {Rr} */
  #soa(owner, ttl) {
    return {
      name: owner,
      type: 'SOA',
      ttl,
      data: {
        mname: NS_NAME,
        rname: 'hostmaster.invalid',
        serial: this.#serial,
        refresh: 3600,
        retry: 600,
        expire: 86400,
        minimum: this.#negativeTtl,
      },
    };
  }

  /** NOERROR with no records, and the SOA for negative caching (RFC 2308). @returns {ZoneAnswer} */
  #nodata() {
    return { rcode: RCODE.NOERROR, answers: [], authorities: [this.#soa(APEX, this.#negativeTtl)] };
  }

  /** @returns {ZoneAnswer} */
  #nxdomain() {
    return { rcode: RCODE.NXDOMAIN, answers: [], authorities: [this.#soa(APEX, this.#negativeTtl)] };
  }
}
