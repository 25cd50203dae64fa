// @ts-check
/**
 * What the DNS server counts, for `status` and `/metrics`: queries by transport and type,
 * responses by code, rate-limited responses, packets dropped and why, malformed queries,
 * refused connections.
 *
 * ```js
 * const counters = new DnsCounters();
 * counters.query('udp', 'A');
 * counters.response('NXDOMAIN');
 * await new MetricsRegistry().render(counters.metrics()); // as /metrics shows them
 * ```
 * @module
 */
import { LabelledCounter } from '../metrics.js';

/** Query types counted by name; any other is counted as `other`, so labels stay bounded. */
const KNOWN_TYPES = new Set(['A', 'AAAA', 'TXT', 'SOA', 'NS', 'ANY', 'CNAME', 'MX', 'SRV', 'PTR', 'HTTPS', 'SVCB', 'CAA', 'DS', 'DNSKEY']);

/** @typedef {'udp' | 'tcp' | 'doh'} Transport */

/** Counters of one node's DNS service since it started. */
export class DnsCounters {
  queries = new LabelledCounter();
  byTransport = new LabelledCounter();
  responses = new LabelledCounter();
  dropped = new LabelledCounter();
  /** Malformed queries (answered FORMERR or NOTIMP), by what was wrong. */
  malformed = new LabelledCounter();
  rateLimited = 0;
  slipped = 0;
  truncated = 0;
  tcpRefused = 0;

  /** @param {Transport} transport @param {string} type */
  query(transport, type) {
    this.byTransport.inc(transport);
    this.queries.inc(KNOWN_TYPES.has(type) ? type : 'other');
  }

  /** @param {string} rcode the code's name (`NOERROR`, `NXDOMAIN`, …) */
  response(rcode) {
    this.responses.inc(rcode);
  }

  /** A packet not answered: `short`, `response`, `rate_limited`, `oversized`, … @param {string} why */
  drop(why) {
    this.dropped.inc(why);
  }

  /** The counters as a plain object for `status`. */
  status() {
    return {
      queries: Object.fromEntries(this.queries.entries()),
      transports: Object.fromEntries(this.byTransport.entries()),
      responses: Object.fromEntries(this.responses.entries()),
      dropped: Object.fromEntries(this.dropped.entries()),
      malformed: Object.fromEntries(this.malformed.entries()),
      rateLimited: this.rateLimited,
      slipped: this.slipped,
      truncated: this.truncated,
      tcpRefused: this.tcpRefused,
    };
  }

  /**
   * Prometheus metric families.
   * @returns {import('../metrics.js').Metric[]}
   */
  metrics() {
    /** @param {LabelledCounter} counter @param {string} label @returns {Array<[Record<string, string>, number]>} */
    const samples = (counter, label) => counter.entries().map(([key, n]) => [{ [label]: key }, n]);
    /** @type {(name: string, help: string, value: number) => import('../metrics.js').Metric} */
    const one = (name, help, value) => ({ name, help, type: 'counter', samples: [[{}, value]] });
    return [
      { name: 'vns_dns_queries_total', help: 'DNS queries read, by query type.', type: 'counter', samples: samples(this.queries, 'type') },
      { name: 'vns_dns_transport_queries_total', help: 'DNS queries read, by transport (udp, tcp, doh).', type: 'counter', samples: samples(this.byTransport, 'transport') },
      { name: 'vns_dns_responses_total', help: 'DNS responses sent, by rcode.', type: 'counter', samples: samples(this.responses, 'rcode') },
      { name: 'vns_dns_dropped_total', help: 'DNS packets not answered, by reason.', type: 'counter', samples: samples(this.dropped, 'reason') },
      { name: 'vns_dns_malformed_total', help: 'Malformed DNS queries (answered FORMERR or NOTIMP), by what was wrong.', type: 'counter', samples: samples(this.malformed, 'reason') },
      one('vns_dns_rate_limited_total', 'UDP responses withheld by response rate limiting (dropped or slipped).', this.rateLimited),
      one('vns_dns_slipped_total', 'Rate-limited UDP responses sent as bare truncated answers instead.', this.slipped),
      one('vns_dns_truncated_total', 'UDP responses truncated (TC) because the records did not fit.', this.truncated),
      one('vns_dns_tcp_refused_total', 'DNS TCP connections closed at once: too many open.', this.tcpRefused),
    ];
  }
}
