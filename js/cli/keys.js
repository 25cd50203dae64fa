// @ts-check
/**
 * The owner key file (`~/.vns/key.json`, mode 0600) and its recovery phrase: `vns key new`,
 * `show`, `export` (the 24 words) and `import` (from the words).
 * @module
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { dirname, join } from 'node:path';
import { homedir } from 'node:os';
import { generateKeys, keysFromPhrase, phraseOf, Keys } from '../node.js';
import { CliError, usage } from './errors.js';
import { args } from './options.js';

/** @typedef {import('./options.js').Flags} Flags */

/** @param {Flags} flags */
export const keyPath = (flags) => flags.key ?? process.env.VNS_KEY ?? join(homedir(), '.vns', 'key.json');

/** @param {Flags} flags @returns {Promise<Keys>} */
export async function loadKeys(flags) {
  const path = keyPath(flags);
  let text;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new CliError('cli.no_key', `no key at ${path}: create one with \`vns key new\`, restore one with \`vns key import\` (or pass --key FILE)`);
  }
  try {
    const { secret } = JSON.parse(text);
    return Keys.fromSecret(Uint8Array.from(Buffer.from(secret, 'hex')));
  } catch (e) {
    throw new CliError('cli.bad_key', `${path} is not a VNS key file: ${e instanceof Error ? e.message : e}`);
  }
}

/**
 * Writes `keys` to the key file, refusing to replace one without `--force`.
 * @param {Flags} flags @param {Keys} keys
 */
async function saveKeys(flags, keys) {
  const path = keyPath(flags);
  const exists = await readFile(path).then(() => true, () => false);
  if (exists && !flags.force) {
    throw new CliError('cli.key_exists', `${path} already exists; keep it, or pass --force to replace it (the names it owns would be lost unless you have its recovery phrase)`);
  }
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const file = { peerId: keys.peerId, secret: Buffer.from(keys.secret()).toString('hex') };
  await writeFile(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  return path;
}

/** The phrase typed at a prompt, or everything on stdin when it is not a terminal. */
async function readPhrase() {
  if (!process.stdin.isTTY) {
    let text = '';
    for await (const chunk of process.stdin) text += chunk;
    return text;
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question('recovery phrase (24 words): ');
  } finally {
    rl.close();
  }
}

/** Said wherever a phrase is shown. */
export const PHRASE_WARNING = 'These 24 words are your key: anyone who has them owns your names. Write them down, keep them offline, never paste them into a web page you do not trust.';

/**
 * `vns key new|show|export|import`. Returns [json value, human text].
 * @param {string[]} rest @param {Flags} flags
 * @returns {Promise<[unknown, string]>}
 */
export async function keyCommand(rest, flags) {
  const [sub] = args(rest, 1, '`key new`, `key show`, `key export` or `key import`');
  switch (sub) {
    case 'new': {
      const keys = generateKeys();
      const path = await saveKeys(flags, keys);
      return [{ owner: keys.peerId, path }, `created ${path}\nowner ${keys.peerId}\nback it up: \`vns key export\` prints its 24-word recovery phrase`];
    }
    case 'show': {
      const keys = await loadKeys(flags);
      return [{ owner: keys.peerId, path: keyPath(flags) }, keys.peerId];
    }
    case 'export': {
      const keys = await loadKeys(flags);
      const phrase = phraseOf(keys);
      process.stderr.write(`${PHRASE_WARNING}\n`);
      return [{ owner: keys.peerId, phrase }, phrase];
    }
    case 'import': {
      const keys = keysFromPhrase(await readPhrase());
      const path = await saveKeys(flags, keys);
      return [{ owner: keys.peerId, path }, `restored ${path}\nowner ${keys.peerId}`];
    }
    default:
      throw usage(`unknown key command ${JSON.stringify(sub)}: use \`key new\`, \`key show\`, \`key export\` or \`key import\``);
  }
}
