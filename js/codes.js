// @ts-check
// Generated from src/codes/ by `VNS_BLESS=1 cargo test --test codes`; edit the list there.
/**
 * Every VNS error code and the HTTP status `vns serve` answers with. What each code means and
 * where it arises: docs/protocol.md, "Error codes".
 * @module
 */

/**
 * The `code` of an error VNS throws, answers or closes a session with.
 * @typedef {'name.empty'
 *   | 'name.input_too_long'
 *   | 'name.empty_label'
 *   | 'name.too_short'
 *   | 'name.too_long'
 *   | 'name.bad_char'
 *   | 'name.hyphen_edge'
 *   | 'name.wrong_tld'
 *   | 'name.subdomain'
 *   | 'name.confusable'
 *   | 'name.idna'
 *   | 'name.bad_punycode'
 *   | 'name.not_canonical'
 *   | 'record.unknown_type'
 *   | 'record.empty_value'
 *   | 'record.bad_ipv4'
 *   | 'record.bad_ipv6'
 *   | 'record.txt_too_long'
 *   | 'record.txt_control_char'
 *   | 'record.value_too_long'
 *   | 'record.bad_cid'
 *   | 'record.bad_sync'
 *   | 'record.ttl_out_of_range'
 *   | 'record.not_canonical'
 *   | 'record.too_many'
 *   | 'record.too_large'
 *   | 'record.duplicate'
 *   | 'record.encode'
 *   | 'identity.bad_length'
 *   | 'identity.invalid_point'
 *   | 'identity.weak_key'
 *   | 'identity.bad_signature'
 *   | 'identity.bad_base58'
 *   | 'identity.bad_peer_id'
 *   | 'identity.unsupported_key_type'
 *   | 'identity.rng'
 *   | 'phrase.bad_word'
 *   | 'phrase.bad_length'
 *   | 'phrase.bad_checksum'
 *   | 'pow.insufficient'
 *   | 'pow.cancelled'
 *   | 'pow.difficulty_too_high'
 *   | 'pow.exhausted'
 *   | 'block.hash_mismatch'
 *   | 'block.unsupported_cid'
 *   | 'block.decode'
 *   | 'block.encode'
 *   | 'block.not_canonical'
 *   | 'entry.too_large'
 *   | 'entry.empty'
 *   | 'entry.malformed'
 *   | 'rule.reserved'
 *   | 'rule.version'
 *   | 'rule.structure'
 *   | 'rule.name_mismatch'
 *   | 'rule.field'
 *   | 'rule.prev_mismatch'
 *   | 'rule.lineage_mismatch'
 *   | 'rule.wrong_signer'
 *   | 'rule.bad_signature'
 *   | 'rule.seq_not_increasing'
 *   | 'rule.time_goes_back'
 *   | 'rule.registration_expiry'
 *   | 'rule.proof_of_work'
 *   | 'rule.renewal_too_far'
 *   | 'rule.renewal_shortens'
 *   | 'rule.after_grace'
 *   | 'rule.after_expiry'
 *   | 'rule.expiry_changed'
 *   | 'rule.transfer_to_self'
 *   | 'rule.chain_too_long'
 *   | 'rule.records_mismatch'
 *   | 'rule.future_timestamp'
 *   | 'rule.lapsed'
 *   | 'rule.stale'
 *   | 'rule.conflict_lost'
 *   | 'rule.settled'
 *   | 'store.not_found'
 *   | 'store.rate_limited'
 *   | 'resolve.not_found'
 *   | 'resolve.reserved'
 *   | 'resolve.in_grace'
 *   | 'resolve.expired'
 *   | 'resolve.offline'
 *   | 'tree.missing_block'
 *   | 'tree.corrupt_block'
 *   | 'tree.invalid_node'
 *   | 'tree.unsorted_keys'
 *   | 'proof.incomplete'
 *   | 'proof.hash_mismatch'
 *   | 'proof.invalid_node'
 *   | 'proof.extra_blocks'
 *   | 'storage.io'
 *   | 'storage.corrupt'
 *   | 'storage.missing'
 *   | 'storage.unsupported_cid'
 *   | 'storage.invalid_key'
 *   | 'storage.unsupported'
 *   | 'storage.invalid_adapter'
 *   | 'storage.closed'
 *   | 'storage.crashed'
 *   | 'load.bad_root'
 *   | 'load.bad_entry'
 *   | 'sync.version_mismatch'
 *   | 'sync.network_mismatch'
 *   | 'sync.frame_too_large'
 *   | 'sync.malformed'
 *   | 'sync.too_many'
 *   | 'sync.unexpected'
 *   | 'sync.handshake_timeout'
 *   | 'sync.bad_tree'
 *   | 'sync.catchup_stalled'
 *   | 'sync.peer_bye'
 *   | 'sync.faulty_peer'
 *   | 'sync.unknown_peer'
 *   | 'light.entry_mismatch'
 *   | 'light.missing_entry'
 *   | 'light.unexpected_entry'
 *   | 'light.wrong_name'
 *   | 'light.timeout'
 *   | 'light.no_answer'
 *   | 'light.no_peers'
 *   | 'light.cache_corrupt'
 *   | 'light.not_accepted'
 *   | 'sync.queue_corrupt'
 *   | 'vns.invalid_argument'
 *   | 'vns.busy'
 *   | 'vns.closed'
 *   | 'vns.closing'
 *   | 'vns.internal'
 *   | 'storage.root_missing'
 *   | 'repair.names_lost'
 *   | 'storage.two_stores'
 *   | 'vns.too_many_peers'
 *   | 'signal.malformed'
 *   | 'signal.too_large'
 *   | 'signal.rate_limited'
 *   | 'serve.data_locked'
 *   | 'serve.port_in_use'
 *   | 'http.too_large'
 *   | 'http.bad_path'
 *   | 'http.not_found'
 *   | 'http.method_not_allowed'
 *   | 'dns.missing_query'
 *   | 'dns.bad_query'
 *   | 'dns.bad_media_type'
 *   | 'dns.too_large'
 *   | 'tabs.bad_message'
 *   | 'serve.bad_node_key'
 *   | 'dht.bad_manifest'
 *   | 'pow.worker_failed'
 *   | 'cli.usage'
 *   | 'cli.no_key'
 *   | 'cli.bad_key'
 *   | 'cli.key_exists'
 *   | 'cli.no_records'
 *   | 'cli.not_confirmed'
 *   | 'cli.bad_tls'
 *   | 'cli.unreachable'
 *   | 'cli.bad_answer'} ErrorCode
 */

/**
 * HTTP status per code; `null` for codes that never answer an HTTP request.
 * @type {Readonly<Record<ErrorCode, number | null>>}
 */
export const ERROR_HTTP_STATUS = Object.freeze({
  'name.empty': 400,
  'name.input_too_long': 400,
  'name.empty_label': 400,
  'name.too_short': 400,
  'name.too_long': 400,
  'name.bad_char': 400,
  'name.hyphen_edge': 400,
  'name.wrong_tld': 400,
  'name.subdomain': 400,
  'name.confusable': 400,
  'name.idna': 400,
  'name.bad_punycode': 400,
  'name.not_canonical': 400,
  'record.unknown_type': 400,
  'record.empty_value': 400,
  'record.bad_ipv4': 400,
  'record.bad_ipv6': 400,
  'record.txt_too_long': 400,
  'record.txt_control_char': 400,
  'record.value_too_long': 400,
  'record.bad_cid': 400,
  'record.bad_sync': 400,
  'record.ttl_out_of_range': 400,
  'record.not_canonical': 400,
  'record.too_many': 400,
  'record.too_large': 400,
  'record.duplicate': 400,
  'record.encode': 500,
  'identity.bad_length': 400,
  'identity.invalid_point': 400,
  'identity.weak_key': 400,
  'identity.bad_signature': 400,
  'identity.bad_base58': 400,
  'identity.bad_peer_id': 400,
  'identity.unsupported_key_type': 400,
  'identity.rng': 500,
  'phrase.bad_word': 400,
  'phrase.bad_length': 400,
  'phrase.bad_checksum': 400,
  'pow.insufficient': null,
  'pow.cancelled': null,
  'pow.difficulty_too_high': null,
  'pow.exhausted': null,
  'block.hash_mismatch': 400,
  'block.unsupported_cid': 400,
  'block.decode': 400,
  'block.encode': 500,
  'block.not_canonical': 400,
  'entry.too_large': 400,
  'entry.empty': 400,
  'entry.malformed': 400,
  'rule.reserved': 422,
  'rule.version': 422,
  'rule.structure': 422,
  'rule.name_mismatch': 422,
  'rule.field': 422,
  'rule.prev_mismatch': 422,
  'rule.lineage_mismatch': 422,
  'rule.wrong_signer': 422,
  'rule.bad_signature': 422,
  'rule.seq_not_increasing': 422,
  'rule.time_goes_back': 422,
  'rule.registration_expiry': 422,
  'rule.proof_of_work': 422,
  'rule.renewal_too_far': 422,
  'rule.renewal_shortens': 422,
  'rule.after_grace': 422,
  'rule.after_expiry': 422,
  'rule.expiry_changed': 422,
  'rule.transfer_to_self': 422,
  'rule.chain_too_long': 422,
  'rule.records_mismatch': 422,
  'rule.future_timestamp': 422,
  'rule.lapsed': 422,
  'rule.stale': 422,
  'rule.conflict_lost': 422,
  'rule.settled': 422,
  'store.not_found': 404,
  'store.rate_limited': 429,
  'resolve.not_found': 404,
  'resolve.reserved': 422,
  'resolve.in_grace': 422,
  'resolve.expired': 422,
  'resolve.offline': 503,
  'tree.missing_block': 500,
  'tree.corrupt_block': 500,
  'tree.invalid_node': 500,
  'tree.unsorted_keys': 500,
  'proof.incomplete': 500,
  'proof.hash_mismatch': 500,
  'proof.invalid_node': 500,
  'proof.extra_blocks': 500,
  'storage.io': 503,
  'storage.corrupt': 500,
  'storage.missing': 500,
  'storage.unsupported_cid': 500,
  'storage.invalid_key': 500,
  'storage.unsupported': 500,
  'storage.invalid_adapter': 500,
  'storage.closed': 503,
  'storage.crashed': 503,
  'load.bad_root': null,
  'load.bad_entry': null,
  'sync.version_mismatch': null,
  'sync.network_mismatch': null,
  'sync.frame_too_large': null,
  'sync.malformed': null,
  'sync.too_many': null,
  'sync.unexpected': null,
  'sync.handshake_timeout': null,
  'sync.bad_tree': null,
  'sync.catchup_stalled': null,
  'sync.peer_bye': null,
  'sync.faulty_peer': null,
  'sync.unknown_peer': null,
  'light.entry_mismatch': null,
  'light.missing_entry': null,
  'light.unexpected_entry': null,
  'light.wrong_name': null,
  'light.timeout': null,
  'light.no_answer': 502,
  'light.no_peers': 503,
  'light.cache_corrupt': 500,
  'light.not_accepted': 409,
  'sync.queue_corrupt': null,
  'vns.invalid_argument': 400,
  'vns.busy': 503,
  'vns.closed': 503,
  'vns.closing': null,
  'vns.internal': 500,
  'storage.root_missing': null,
  'repair.names_lost': null,
  'storage.two_stores': null,
  'vns.too_many_peers': null,
  'signal.malformed': null,
  'signal.too_large': null,
  'signal.rate_limited': null,
  'serve.data_locked': null,
  'serve.port_in_use': null,
  'http.too_large': 413,
  'http.bad_path': 400,
  'http.not_found': 404,
  'http.method_not_allowed': 405,
  'dns.missing_query': 400,
  'dns.bad_query': 400,
  'dns.bad_media_type': 415,
  'dns.too_large': 413,
  'tabs.bad_message': null,
  'serve.bad_node_key': null,
  'dht.bad_manifest': null,
  'pow.worker_failed': null,
  'cli.usage': null,
  'cli.no_key': null,
  'cli.bad_key': null,
  'cli.key_exists': null,
  'cli.no_records': null,
  'cli.not_confirmed': null,
  'cli.bad_tls': null,
  'cli.unreachable': null,
  'cli.bad_answer': null,
});

/** Status for a code that is not listed or never answers an HTTP request. */
export const UNLISTED_HTTP_STATUS = 500;

/**
 * The HTTP status `vns serve` answers with for `code`.
 *
 * ```js
 * httpStatusFor('store.rate_limited'); // 429
 * ```
 * @param {string} code
 * @returns {number}
 */
export function httpStatusFor(code) {
  const status = Object.hasOwn(ERROR_HTTP_STATUS, code)
    ? ERROR_HTTP_STATUS[/** @type {ErrorCode} */ (code)]
    : null;
  return status ?? UNLISTED_HTTP_STATUS;
}
