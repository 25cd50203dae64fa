// @ts-check
/**
 * What an attacker can make from entry blocks it has seen: re-signed, re-stamped and altered
 * entries. Only the protocol's public formats are used (DAG-CBOR entries, Ed25519 over
 * `"vns/op/v1\0" || dag-cbor(op)`, see docs/protocol.md "Operations"), with Node's own crypto.
 *
 * ```js
 * const mallory = attackerKey();
 * const forged = resignLastOp(transferBytes, mallory);   // a transfer signed by the wrong key
 * ```
 * @module
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import * as dagCbor from '@ipld/dag-cbor';

const SIGNING_DOMAIN = new TextEncoder().encode('vns/op/v1\0');

/**
 * A fresh Ed25519 key: raw 32-byte public key, the 32-byte seed (what `Keys.fromSecret` takes)
 * and the Node key object that signs.
 */
export function attackerKey() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKey: new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32)),
    seed: new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(-32)),
    privateKey,
  };
}

/** @typedef {ReturnType<typeof attackerKey>} AttackerKey */

/** @param {Uint8Array} bytes @returns {any} */
export const decodeEntry = (bytes) => dagCbor.decode(bytes);

/** @param {any} entry @returns {Uint8Array} */
export const encodeEntry = (entry) => dagCbor.encode(entry);

/** The signature of `op` by `key`. @param {unknown} op @param {AttackerKey} key */
export function signOp(op, key) {
  return new Uint8Array(sign(null, Buffer.concat([SIGNING_DOMAIN, dagCbor.encode(op)]), key.privateKey));
}

/** The entry with one bit of its last op's signature flipped. @param {Uint8Array} bytes */
export function flipSignatureBit(bytes) {
  const entry = decodeEntry(bytes);
  const last = entry.ops.at(-1);
  last.sig = Uint8Array.from(last.sig);
  last.sig[17] ^= 0x01;
  return encodeEntry(entry);
}

/**
 * The entry with its last op claimed and validly signed by `key` instead of the owner.
 * @param {Uint8Array} bytes @param {AttackerKey} key
 */
export function resignLastOp(bytes, key) {
  const entry = decodeEntry(bytes);
  const last = entry.ops.at(-1);
  last.op.signer = key.publicKey;
  last.sig = signOp(last.op, key);
  return encodeEntry(entry);
}

/**
 * The entry with `change(entry)` applied and nothing re-signed.
 * @param {Uint8Array} bytes @param {(entry: any) => void} change
 */
export function tamper(bytes, change) {
  const entry = decodeEntry(bytes);
  change(entry);
  return encodeEntry(entry);
}
