// @ts-check
/**
 * The `vns` command's flags, parsed once for every command.
 * @module
 */
import { parseArgs } from 'node:util';
import { cliFlags, uintFlag, FlagError } from '../node-options.js';
import { DNS_FLAGS } from '../dns/index.js';
import { LIBP2P_FLAGS } from '../libp2p/options.js';
import { usage } from './errors.js';

const OPTIONS = /** @type {const} */ ({
  help: { type: 'boolean', short: 'h' },
  json: { type: 'boolean' },
  node: { type: 'string' },
  key: { type: 'string' },
  force: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  replace: { type: 'boolean' },
  clear: { type: 'boolean' },
  light: { type: 'boolean' },
  'no-light': { type: 'boolean' },
  ip: { type: 'string', multiple: true },
  ip6: { type: 'string', multiple: true },
  txt: { type: 'string', multiple: true },
  cid: { type: 'string', multiple: true },
  sync: { type: 'string', multiple: true },
  ttl: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  data: { type: 'string' },
  memory: { type: 'boolean' },
  storage: { type: 'string' },
  'force-empty': { type: 'boolean' },
  repair: { type: 'boolean' },
  'scrub-interval': { type: 'string' },
  'max-peers': { type: 'string' },
  'max-peers-per-address': { type: 'string' },
  peer: { type: 'string', multiple: true },
  'log-level': { type: 'string' },
  ...cliFlags(),
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  ...DNS_FLAGS,
  ...LIBP2P_FLAGS,
});

/** @typedef {ReturnType<typeof parse>['values']} Flags */

/** @param {string[]} argv */
export function parse(argv) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw usage(e instanceof Error ? e.message : String(e));
  }
}

/**
 * A non-negative integer flag.
 * @param {Flags} flags @param {keyof Flags} name
 * @returns {number | undefined}
 */
export function intFlag(flags, name) {
  try {
    return uintFlag(name, flags[name]);
  } catch (e) {
    throw e instanceof FlagError ? usage(e.message) : e;
  }
}

/**
 * `--storage`: `db` (the default, one LMDB database in --data) or `folder` (blockstore-fs).
 * @param {string | undefined} value
 * @returns {'db' | 'folder' | undefined}
 */
export function storageFlag(value) {
  if (value === undefined || value === 'db' || value === 'folder') return value;
  throw usage(`--storage: ${JSON.stringify(value)} is not a storage (use db or folder)`);
}

/** @param {string[]} positionals @param {number} count @param {string} what */
export function args(positionals, count, what) {
  if (positionals.length !== count) throw usage(`expected ${what}`);
  return positionals;
}
