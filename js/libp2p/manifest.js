// @ts-check
/**
 * The manifest record a node publishes in the DHT: who it is (peer ID), where it listens,
 * the root and entry count it holds, and when it said so, signed with its libp2p node key.
 * Its key is `/vns/manifest/<network id>/<peer ID>`; the value is the Ed25519 signature (64
 * bytes) followed by the payload (UTF-8 JSON); the signature covers `MANIFEST_DOMAIN` then the
 * payload bytes exactly as sent, so nothing is re-encoded before checking. The DHT's record
 * validator (`validateManifest`) refuses unsigned, mis-signed, mis-keyed, stale and future
 * records; the selector keeps the newest.
 *
 * ```js
 * const { key, value } = await signManifest(privateKey, { network, addrs, root, entries, time: Date.now() });
 * await validateManifest(key, value, Date.now()); // throws dht.bad_manifest when invalid
 * ```
 * @module
 */
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id';

/** What the signature covers before the payload: a record of no other kind can pass. */
export const MANIFEST_DOMAIN = new TextEncoder().encode('/vns/manifest/1\n');
/** A manifest older than this is stale: refused, and republished well before. */
export const MANIFEST_MAX_AGE_MS = 60 * 60 * 1000;
/** How far ahead of the validator's clock a manifest's time may be. */
export const MANIFEST_MAX_SKEW_MS = 5 * 60 * 1000;
/** The largest manifest accepted (a few dozen addresses). */
const MAX_MANIFEST_BYTES = 8192;
const SIGNATURE_BYTES = 64;

/**
 * A node's manifest.
 * @typedef {{ network: string, peer: string, addrs: string[], root: string, entries: number, time: number }} Manifest
 */

/** The DHT key of `peer`'s manifest on `network`. @param {string} network @param {string} peer */
export function manifestKey(network, peer) {
  return new TextEncoder().encode(`/vns/manifest/${network}/${peer}`);
}

/** @param {string} message @returns {Error & { code: string }} */
function bad(message) {
  return Object.assign(new Error(`manifest record refused: ${message}`), { code: 'dht.bad_manifest' });
}

/** @param {Uint8Array} a @param {Uint8Array} b */
function concat(a, b) {
  const all = new Uint8Array(a.length + b.length);
  all.set(a);
  all.set(b, a.length);
  return all;
}

/**
 * Signs `fields` as `privateKey`'s manifest: the DHT key and value.
 * @param {import('@libp2p/interface').PrivateKey} privateKey
 * @param {Omit<Manifest, 'peer'>} fields
 */
export async function signManifest(privateKey, fields) {
  const peer = peerIdFromPrivateKey(privateKey).toString();
  const { network, addrs, root, entries, time } = fields;
  const payload = new TextEncoder().encode(JSON.stringify({ network, peer, addrs, root, entries, time }));
  const signature = await privateKey.sign(concat(MANIFEST_DOMAIN, payload));
  return { key: manifestKey(network, peer), value: concat(signature, payload) };
}

/**
 * The manifest a record holds, if it is valid at `now`; throws `dht.bad_manifest` naming
 * what is wrong otherwise (the DHT then drops the record).
 * @param {Uint8Array} key @param {Uint8Array} value @param {number} now
 * @returns {Promise<Manifest>}
 */
export async function validateManifest(key, value, now) {
  const parts = new TextDecoder().decode(key).split('/');
  if (parts.length !== 5 || parts[1] !== 'vns' || parts[2] !== 'manifest') throw bad('not a manifest key');
  const [, , , network, peer] = parts;
  if (value.length <= SIGNATURE_BYTES || value.length > MAX_MANIFEST_BYTES) throw bad(`${value.length} bytes`);
  const signature = value.subarray(0, SIGNATURE_BYTES);
  const payload = value.subarray(SIGNATURE_BYTES);
  /** @type {Record<string, unknown>} */
  let m;
  try {
    m = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    throw bad('the payload is not JSON');
  }
  if (typeof m !== 'object' || m === null) throw bad('the payload is not an object');
  if (m.network !== network || m.peer !== peer) throw bad('it names another network or peer than its key');
  const addrs = m.addrs;
  if (!Array.isArray(addrs) || !addrs.every((a) => typeof a === 'string')) throw bad('addrs is not a list of strings');
  if (typeof m.root !== 'string') throw bad('root is not a string');
  if (!Number.isSafeInteger(m.entries) || /** @type {number} */ (m.entries) < 0) throw bad('entries is not a count');
  const time = m.time;
  if (typeof time !== 'number' || !Number.isSafeInteger(time)) throw bad('time is not a number');
  if (time < now - MANIFEST_MAX_AGE_MS) throw bad(`stale (${Math.round((now - time) / 1000)} s old)`);
  if (time > now + MANIFEST_MAX_SKEW_MS) throw bad('its time is ahead of this clock');
  /** @type {import('@libp2p/interface').PublicKey | undefined} */
  let publicKey;
  try {
    publicKey = peerIdFromString(peer).publicKey;
  } catch {
    throw bad('the key names no peer ID');
  }
  if (publicKey?.type !== 'Ed25519') throw bad('the peer ID carries no Ed25519 key');
  if (!(await publicKey.verify(concat(MANIFEST_DOMAIN, payload), signature))) throw bad('bad signature');
  return { network, peer, addrs, root: m.root, entries: /** @type {number} */ (m.entries), time };
}

/**
 * The kad-dht validator and selector of `vns` records.
 * @param {() => number} now
 */
export function manifestRecords(now) {
  return {
    validators: { vns: (/** @type {Uint8Array} */ key, /** @type {Uint8Array} */ value) => validateManifest(key, value, now()).then(() => {}) },
    selectors: {
      /** The newest valid record. @param {Uint8Array} key @param {Uint8Array[]} records */
      vns: async (key, records) => {
        let best = 0;
        let bestTime = -Infinity;
        for (const [i, value] of records.entries()) {
          const time = await validateManifest(key, value, now()).then((m) => m.time, () => -Infinity);
          if (time > bestTime) [best, bestTime] = [i, time];
        }
        return best;
      },
    },
  };
}
