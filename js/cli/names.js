// @ts-check
/**
 * The `vns` commands about names: register, update, renew, transfer, resolve, names,
 * history, available. Changes are built and signed on a throwaway local node holding only the
 * name's entry (checked by the core as it arrives) and sent as signed entry blocks, or, with
 * `--light`, built on the version a light client verified and sent over the node's peer
 * endpoint; questions (availability, history, renewal) are answered by the core from that
 * entry. `resolve` answers as a light client unless `--no-light` (see `light-client.js`).
 * @module
 */
import { createInterface } from 'node:readline/promises';
import { canonicalName, inlineSolver, powSearch } from '../node.js';
import { CliError, usage, EXIT } from './errors.js';
import { args, intFlag } from './options.js';
import { keyPath, loadKeys } from './keys.js';
import { getJson, loadEntry, loadHeld, send, withClient } from './node-client.js';
import { requireHeld, useLight, withLight } from './light-client.js';
import { date, daysUntil, progressBar, showResolved, span } from './format.js';

/** @typedef {import('./options.js').Flags} Flags */
/** @typedef {import('../core.js').Vns} Vns */
/** @typedef {import('../core.js').Keys} Keys */
/** @typedef {import('../core.js').RecordInput} RecordInput */
/** @typedef {import('./format.js').ResolvedName} ResolvedName */

/** The record types of each record flag. */
const RECORD_FLAGS = /** @type {const} */ ([['A', 'ip'], ['AAAA', 'ip6'], ['TXT', 'txt'], ['FS', 'cid'], ['SYNC', 'sync']]);

/** The records given with --ip, --ip6, --txt, --cid, --sync (and --ttl). @param {Flags} flags @returns {RecordInput[]} */
function recordsFrom(flags) {
  const ttl = intFlag(flags, 'ttl');
  return RECORD_FLAGS.flatMap(([type, flag]) =>
    (flags[flag] ?? []).map((value) => ({ type, value, ...(ttl !== undefined && { ttl }) })),
  );
}

/**
 * The record set `vns update` signs: the given records replace those of their types and the
 * others are kept; `--replace` makes the given records the whole set; `--clear` empties it.
 * @param {Flags} flags @param {ReadonlyArray<RecordInput>} current
 * @returns {RecordInput[]}
 */
function updatedRecords(flags, current) {
  const given = recordsFrom(flags);
  if (flags.clear) {
    if (given.length || flags.replace) throw usage('--clear removes every record: give no record flags and no --replace with it');
    return [];
  }
  if (!given.length) {
    throw new CliError('cli.no_records', 'nothing to change: give records (--ip, --ip6, --txt, --cid, --sync), or --clear to remove them all', EXIT.usage);
  }
  if (flags.replace) return given;
  const types = new Set(given.map((r) => r.type));
  return [...current.filter((r) => !types.has(r.type)).map(({ type, value, ttl }) => ({ type, value, ttl })), ...given];
}

/** The resolved name in a node's answer to a change. @param {unknown} result @returns {ResolvedName} */
const resultResolved = (result) => /** @type {{ resolved: ResolvedName }} */ (result).resolved;

/**
 * The package's own proof-of-work solver, with a progress bar on stderr from its first nonce
 * to its last (so a registration refused before it, or after it was sent, shows which).
 * @returns {import('../core.js').PowSolver}
 */
function solverWithBar() {
  const solve = inlineSolver({ powSearch });
  return async (task, options) => {
    const bar = progressBar();
    bar.start(task.difficulty);
    const nonce = await solve(task, { ...options, onProgress: (p) => bar.update(p) });
    bar.done();
    return nonce;
  };
}

/**
 * Makes a change as a light client of the node: `change` runs on the light client once the
 * name's version is verified (a name the node proves absent fails as over HTTP), and the
 * answer is the version the node's proof shows afterwards.
 * @param {Flags} flags @param {string} name
 * @param {(light: import('../light.js').LightVns, keys: Keys) => Promise<ResolvedName>} change
 * @param {{ existing: boolean }} opts `existing`: the change needs a version the node holds
 * @returns {Promise<{ resolved: ResolvedName }>}
 */
async function lightChange(flags, name, change, { existing }) {
  const keys = await loadKeys(flags);
  const resolved = await withLight(flags, async (light) => {
    if (existing) await requireHeld(light, name);
    return change(light, keys);
  });
  return { resolved };
}

/**
 * Builds a change on a client node, sends it, and returns the node's answer.
 * @param {Flags} flags @param {string} name
 * @param {(client: Vns, keys: Keys) => Promise<unknown>} change
 * @param {{ existing: boolean }} opts `existing`: the change needs the held entry (else a
 *   registration: the held entry is loaded if there is one)
 */
async function signAndSend(flags, name, change, { existing }) {
  const keys = await loadKeys(flags);
  return withClient(flags, async (client) => {
    await (existing ? loadEntry : loadHeld)(flags, client, name);
    await change(client, keys);
    const resolved = await client.resolve(name);
    const bytes = client.entryBlock(resolved.name);
    if (!bytes) throw new CliError('vns.internal', 'the change produced no entry');
    return send(flags, bytes);
  });
}

/**
 * Asks on a terminal; without one, `--yes` is required, so nothing is signed unseen.
 * @param {Flags} flags @param {string} question
 */
async function confirm(flags, question) {
  if (flags.yes) return;
  if (!process.stdin.isTTY) throw new CliError('cli.not_confirmed', `${question} Pass --yes to confirm when not on a terminal (nothing was signed).`, EXIT.usage);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question(`${question} [y/N] `).finally(() => rl.close());
  if (!/^y(es)?$/i.test(answer.trim())) throw new CliError('cli.not_confirmed', 'not confirmed: nothing was signed');
}

/**
 * What renewing would do, in words.
 * @param {string} name @param {import('../core.js').RenewalOutlook} o @param {number} now
 * @param {number} periodMs the network's registration period
 */
function renewalText(name, o, now, periodMs) {
  const lines = [
    `${name} expires ${date(o.expires)} (${o.expires > now ? `in ${span(o.expires - now)}` : 'already: in grace'}).`,
    `Renewing now sets ${date(o.renewedExpires)}: ${o.gain > 0 ? `+${span(o.gain)}` : 'no gain'}.`,
  ];
  if (now < o.worthwhileFrom) {
    const window = span(o.expires - o.worthwhileFrom);
    lines.push(`Renewing is worthwhile from ${date(o.worthwhileFrom)} (the last ${window} before expiry), when it adds about ${span(o.worthwhileFrom + periodMs - o.expires)}.`);
  }
  return lines.join('\n');
}

/**
 * `vns available`'s sentence.
 * @param {import('../core.js').NameAvailability} a @param {number} now
 */
function availabilityText(a, now) {
  switch (a.state) {
    case 'free':
      return `${a.name} is free`;
    case 'taken':
      return `${a.name} is taken (owned by ${a.owner} until ${date(a.expires ?? 0)}, ${daysUntil(a.expires ?? 0, now)} days left)`;
    case 'grace':
      return `${a.name} expired on ${date(a.expires ?? 0)} and is in grace: only its owner ${a.owner} can renew it until ${date(a.graceEnds ?? 0)}; after that it is free`;
    default:
      return `${a.name} cannot be registered: ${a.message} (${a.code})`;
  }
}

/**
 * One line per name owned: expiry, days left, and a flag in the renewal window or in grace.
 * @param {Flags} flags @param {Vns} client @param {string} name @param {number} now
 */
async function expiryLine(flags, client, name, now) {
  await loadEntry(flags, client, name);
  const outlook = client.renewal(name);
  const state = client.availability(name).state;
  const daysLeft = daysUntil(outlook.expires, now);
  const flag = state === 'grace'
    ? `IN GRACE: expired, renew with \`vns renew ${name}\` before ${date(outlook.expires + client.network.gracePeriodMs)}`
    : now >= outlook.worthwhileFrom ? `RENEW SOON: in its last ${span(outlook.expires - outlook.worthwhileFrom)}, \`vns renew ${name}\`` : '';
  const json = { name, expires: outlook.expires, daysLeft, state, renewSoon: flag !== '' };
  const text = `${name.padEnd(24)} expires ${date(outlook.expires)}  ${state === 'grace' ? 'expired' : `${daysLeft} days left`}${flag ? `  ${flag}` : ''}`;
  return { json, text };
}

/**
 * A reminder to back up the key, after the first registration it owns.
 * @param {Flags} flags @param {string} owner
 */
async function backupReminder(flags, owner) {
  const held = await getJson(flags, `/api/vns/names?owner=${encodeURIComponent(owner)}`).catch(() => ({ names: [] }));
  if (held.names.length === 1) {
    process.stderr.write(`Your first name: back up your key now. \`vns key export\` prints its 24-word recovery phrase; without ${keyPath(flags)} or the phrase, nobody can change or renew your names.\n`);
  }
}

/**
 * Runs a command about names. Returns [json value, human text, exit code].
 * @param {string} command @param {string[]} rest @param {Flags} flags
 * @returns {Promise<[unknown, string, number] | undefined>} `undefined` for another command
 */
export async function nameCommand(command, rest, flags) {
  switch (command) {
    case 'register': {
      const [name] = args(rest, 1, '`register <name>`');
      const records = recordsFrom(flags);
      const options = { solve: solverWithBar() };
      const result = useLight(command, flags)
        ? await lightChange(flags, name, (light, keys) => light.register(keys, name, records, options), { existing: false })
        : await signAndSend(flags, name, (client, keys) => client.register(keys, name, records, options), { existing: false });
      const resolved = resultResolved(result);
      await backupReminder(flags, resolved.owner);
      return [result, `registered\n${showResolved(resolved)}`, EXIT.ok];
    }
    case 'update': {
      const [name] = args(rest, 1, '`update <name>` with records, or --clear');
      updatedRecords(flags, []); // refuses a wrong combination of flags before anything is fetched
      const result = useLight(command, flags)
        ? await lightChange(flags, name, async (light, keys) => {
          const current = (await light.resolve(name)).records;
          return light.update(keys, name, updatedRecords(flags, current));
        }, { existing: true })
        : await signAndSend(flags, name, async (client, keys) => {
          const current = (await client.resolve(name)).records;
          await client.update(keys, name, updatedRecords(flags, current));
        }, { existing: true });
      return [result, `updated\n${showResolved(resultResolved(result))}`, EXIT.ok];
    }
    case 'renew': {
      const [name] = args(rest, 1, '`renew <name>`');
      /** @type {import('../core.js').RenewalOutlook | undefined} */
      let outlook;
      /** Shows what renewing gains and asks. @param {import('../core.js').RenewalOutlook} o @param {number} periodMs */
      const ask = async (o, periodMs) => {
        outlook = o;
        process.stderr.write(`${renewalText(canonicalName(name), o, Date.now(), periodMs)}\n`);
        await confirm(flags, 'Sign this renewal?');
      };
      const result = useLight(command, flags)
        ? await lightChange(flags, name, async (light, keys) => {
          await ask(await light.renewal(name), light.network.registrationPeriodMs);
          return light.renew(keys, name);
        }, { existing: true })
        : await signAndSend(flags, name, async (client, keys) => {
          await ask(client.renewal(name), client.network.registrationPeriodMs);
          await client.renew(keys, name);
        }, { existing: true });
      return [{ ...(/** @type {object} */ (result)), renewal: outlook }, `renewed\n${showResolved(resultResolved(result))}`, EXIT.ok];
    }
    case 'transfer': {
      const [name, owner] = args(rest, 2, '`transfer <name> <new-owner>`');
      const result = useLight(command, flags)
        ? await lightChange(flags, name, (light, keys) => light.transfer(keys, name, owner), { existing: true })
        : await signAndSend(flags, name, (client, keys) => client.transfer(keys, name, owner), { existing: true });
      return [result, `transferred\n${showResolved(resultResolved(result))}`, EXIT.ok];
    }
    case 'resolve': {
      const [name] = args(rest, 1, '`resolve <name>`');
      if (useLight(command, flags)) {
        const verified = await withLight(flags, (light) => light.resolve(name));
        return [verified, showResolved(verified), EXIT.ok];
      }
      const r = await getJson(flags, `/api/vns/resolve/${encodeURIComponent(name)}`);
      return [r, showResolved(r), EXIT.ok];
    }
    case 'names': {
      if (rest.length > 1) throw usage('expected `names [owner]`');
      const owner = rest[0] ?? (await loadKeys(flags)).peerId;
      const r = await getJson(flags, `/api/vns/names?owner=${encodeURIComponent(owner)}`);
      if (!r.names.length) return [{ ...r, expiry: [] }, `no names held by ${owner}`, EXIT.ok];
      const now = Date.now();
      const lines = await withClient(flags, async (client) => {
        const out = [];
        for (const name of r.names) out.push(await expiryLine(flags, client, name, now));
        return out;
      });
      return [{ ...r, expiry: lines.map((l) => l.json) }, lines.map((l) => l.text).join('\n'), EXIT.ok];
    }
    case 'history': {
      const [name] = args(rest, 1, '`history <name>`');
      const events = await withClient(flags, async (client) => {
        await loadEntry(flags, client, name);
        return client.history(name);
      });
      const text = events.map((e) => {
        const by = e.kind === 'transfer' ? `by ${e.by} to ${e.owner}` : `by ${e.by}`;
        return `${date(e.at)}  ${e.kind.padEnd(8)}  ${by}${e.expires !== undefined ? `  expires ${date(e.expires)}` : ''}`;
      });
      text.push('(each update replaces the one before: only the latest is kept)');
      return [{ name, history: events }, text.join('\n'), EXIT.ok];
    }
    case 'available': {
      const [name] = args(rest, 1, '`available <name>`');
      const a = await withClient(flags, async (client) => {
        await loadHeld(flags, client, name);
        return client.availability(name);
      });
      return [a, availabilityText(a, Date.now()), a.state === 'free' ? EXIT.ok : EXIT.failed];
    }
    default:
      return undefined;
  }
}
