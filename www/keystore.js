// @ts-check
/**
 * The owner's key, kept in this browser: its 32-byte secret in a small IndexedDB database of
 * its own (`vns-www-keys`), apart from the names database so that clearing one never loses
 * the other. Its backup is the recovery phrase (see views/key.js); a secret exported as hex or
 * base64 by an older version still imports.
 * @module
 */
import { Keys } from 'vns';

const DB_NAME = 'vns-www-keys';
const STORE = 'keys';
const CURRENT = 'current';

/** @typedef {{ secret: Uint8Array, peerId: string, created: number }} StoredKey */

/** @returns {Promise<IDBDatabase>} */
function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * Runs one request in a transaction and waits for the transaction to commit.
 * @template T
 * @param {IDBTransactionMode} mode
 * @param {(store: IDBObjectStore) => IDBRequest<T>} operation
 * @returns {Promise<T>}
 */
async function withStore(mode, operation) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = operation(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** The stored key, or `undefined` if this browser has none yet. @returns {Promise<Keys | undefined>} */
export async function loadKeys() {
  const stored = /** @type {StoredKey | undefined} */ (await withStore('readonly', (s) => s.get(CURRENT)));
  return stored ? Keys.fromSecret(stored.secret) : undefined;
}

/**
 * Stores `keys` as this browser's key (replacing any other).
 * @param {Keys} keys
 */
export async function storeKeys(keys) {
  /** @type {StoredKey} */
  const stored = { secret: keys.secret(), peerId: keys.peerId, created: Date.now() };
  await withStore('readwrite', (s) => s.put(stored, CURRENT));
}

/** @param {Uint8Array} bytes @returns {string} */
export function toBase64(bytes) {
  return btoa(String.fromCharCode(...bytes));
}

/** Bytes from base64 (throws on text that is not base64). @param {string} text @returns {Uint8Array} */
export function fromBase64(text) {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/**
 * Reads a secret written as 64 hex digits or as base64 (44 characters).
 * @param {string} text
 * @returns {Uint8Array}
 */
export function parseSecret(text) {
  const clean = text.replace(/\s+/g, '');
  let bytes;
  if (/^[0-9a-fA-F]{64}$/.test(clean)) {
    bytes = new Uint8Array(32);
    for (let i = 0; i < 32; i += 1) bytes[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  } else {
    try {
      bytes = fromBase64(clean);
    } catch {
      throw new Error('the secret must be 64 hex digits or base64');
    }
  }
  if (bytes.length !== 32) throw new Error(`the secret must be 32 bytes, this is ${bytes.length}`);
  return bytes;
}
