// @ts-check
/**
 * The `vns` command's help: one overview page, and a page per command (`vns register
 * --help`) with its flags, their defaults and meaning, and an example. `serve`'s node options
 * and its own flags are listed from their descriptors (`js/node-options.js`), so a new one shows
 * up here.
 * @module
 */
import { NODE_OPTIONS, SERVE_FLAGS } from '../node-options.js';
import { DNS_USAGE } from '../dns/index.js';
import { LIBP2P_USAGE } from '../libp2p/options.js';
import { DEFAULT_PORT } from '../server.js';

const RECORDS = `Records (each repeatable):
  --ip ADDR       an A record (IPv4)
  --ip6 ADDR      an AAAA record (IPv6)
  --txt TEXT      a TXT record
  --cid CID       an FS record (content, served as dnslink)
  --sync URL      a SYNC record (a peer endpoint, ws:// or wss://)
  --ttl SECONDS   the TTL of all of them (default 3600)`;

const COMMON = `Common options:
  --node URL   the node's HTTP address (default $VNS_NODE or http://127.0.0.1:${DEFAULT_PORT})
  --key FILE   the key file (default $VNS_KEY or ~/.vns/key.json)
  --json       machine-readable output on stdout
  --light      (register, update, renew, transfer) send the change as a light client, over
               the node's peer endpoint, built on the version its proof shows
  --no-light   (resolve) print the node's HTTP answer, with its proof, instead of verifying it`;

const LIGHT = `Light client: \`vns resolve\` checks the node's answer itself (the entry and its merkle
proof, asked over the node's peer endpoint), so it trusts no node and loads only that name.
Changes go over the HTTP API unless --light: the entry they are built on is checked either
way, and the node answers once the change is saved, with its own refusals in words.`;

/**
 * Help lines: each flag padded to one column, its meaning after it, wrapped under it.
 * @param {Array<[string, string]>} rows
 */
function flagLines(rows) {
  return rows
    .map(([flag, meaning]) => {
      const words = meaning.split(' ');
      const lines = [''];
      for (const word of words) {
        const line = lines[lines.length - 1];
        if (line && 33 + line.length + 1 + word.length > 100) lines.push(word);
        else lines[lines.length - 1] = line ? `${line} ${word}` : word;
      }
      const head = `  ${flag}`;
      const first = head.length > 32 ? `${head}\n${' '.repeat(33)}${lines[0]}` : `${head.padEnd(33)}${lines[0]}`;
      return [first, ...lines.slice(1).map((l) => `${' '.repeat(33)}${l}`)].join('\n');
    })
    .join('\n');
}

/** `serve`'s own flags and then its node options, from their descriptors (`js/node-options.js`). */
function serveFlagLines() {
  /** @type {Array<[string, string]>} */
  const rows = SERVE_FLAGS.map((f) => [
    `--${f.flag}${f.placeholder ? ` ${f.placeholder}` : ''}`,
    `${f.help}${f.type === 'boolean' ? '' : ` (default ${f.default})`}`,
  ]);
  rows.push(['--tls-cert FILE --tls-key FILE', 'serve HTTPS with HTTP/2 (for DoH in browsers)']);
  for (const o of NODE_OPTIONS) rows.push([`--${o.flag} ${o.placeholder}`, o.help]);
  return flagLines(rows);
}

/**
 * Each command's page: how to call it, what it does, and an example.
 * @type {Record<string, () => string>}
 */
const PAGES = {
  serve: () => `vns serve: run a peer on one port (WebSocket peers at /vns, the demo page, the HTTP API, metrics)

Usage: vns serve [options]

${serveFlagLines()}

DNS (README "DNS"):
${DNS_USAGE}

libp2p (README "libp2p"):
${LIBP2P_USAGE}

Example:
  vns serve --host 0.0.0.0 --port 7420 --data ./vns-data --peer ws://other.example:7420/vns`,
  key: () => `vns key: the owner key (Ed25519) that signs your changes

Usage:
  vns key new [--force]      create a key at --key (mode 0600; --force replaces one)
  vns key show               print its owner id (12D3KooW…)
  vns key export             print its 24-word recovery phrase (anyone who has it owns your names)
  vns key import [--force]   restore a key from its phrase, typed at the prompt or on stdin

The key lives in --key (default $VNS_KEY or ~/.vns/key.json). Back it up with
\`vns key export\` and keep the words offline.

Example:
  vns key export > /dev/null   # the words go to stdout, the warning to stderr
  echo "word1 … word24" | vns key import --key ./restored.json

${COMMON}`,
  register: () => `vns register: claim a free name (proof-of-work, then signed and sent)

Usage: vns register <name> [records]

${RECORDS}

Example:
  vns register alice --ip 192.0.2.1 --txt "hello"

${COMMON}`,
  update: () => `vns update: change a name's records

Usage: vns update <name> [records] [--replace | --clear]

The given records replace the name's records of the same types; the others are kept.
  --replace   the given records become the whole set
  --clear     remove every record (no record flags)

${RECORDS}

Example:
  vns update alice --ip6 2001:db8::1     # keeps the A and TXT records

${COMMON}`,
  renew: () => `vns renew: extend a name

Usage: vns renew <name> [--yes]

A renewal sets the expiry to one period from now, never earlier than it is: renewing early
gains little. Before signing, renew shows the new expiry, the gain and when renewing becomes
worthwhile (the last 30 days before expiry), and asks; off a terminal it needs --yes.

Example:
  vns renew alice --yes

${COMMON}`,
  transfer: () => `vns transfer: hand a name to another owner id

Usage: vns transfer <name> <new-owner>

Example:
  vns transfer alice 12D3KooW…

${COMMON}`,
  resolve: () => `vns resolve: a name's records, owner and expiry, verified

Usage: vns resolve <name> [--no-light]

The answer is checked as a light client checks it: the entry's signatures, chain and
proof-of-work, and its merkle proof against the root the node states. --json adds \`stale\`
and \`verifiedAt\`; with --no-light it is the node's own answer (with \`proof\`), unchecked.

Example:
  vns resolve alice.vfs --json

${COMMON}`,
  names: () => `vns names: the names an owner holds, with expiry and days left

Usage: vns names [owner]     (default: your key's owner id)

Names in their last 30 days are flagged RENEW SOON, expired ones IN GRACE.

Example:
  vns names

${COMMON}`,
  history: () => `vns history: a name's registration, renewals, transfers and latest update

Usage: vns history <name>

Example:
  vns history alice

${COMMON}`,
  available: () => `vns available: whether a name is free (exit 0) or taken, in grace or invalid (exit 1)

Usage: vns available <name>

Example:
  vns available alice && vns register alice

${COMMON}`,
  status: () => `vns status: the node's network, entries, root, peers, queue and DNS

Usage: vns status

${COMMON}`,
};

/** The overview page. */
export function overview() {
  return `vns: a decentralized name service for .vfs names

Usage:
  vns serve [options]               run a node (\`vns serve --help\` for its options)
  vns key new|show|export|import    your owner key and its recovery phrase
  vns register <name> [records]     register a name (proof-of-work, then signed and sent)
  vns update <name> [records]       change a name's records (--replace, --clear)
  vns renew <name>                  extend a name (shows what it gains first)
  vns transfer <name> <new-owner>   hand a name to another owner id
  vns resolve <name>                a name's records
  vns names [owner]                 names held by an owner, with expiry (default: your key)
  vns history <name>                who owned a name when, its renewals, its last update
  vns available <name>              free, taken (by whom, until when) or in grace
  vns status                        the node's entries, root, peers and queue

\`vns <command> --help\` shows a command's options, defaults and an example.

${LIGHT}

${RECORDS}

${COMMON}
  --help       this text

Exit codes: 0 success, 1 refused or failed (the message names the rule), 2 usage error,
3 the node cannot be reached.`;
}

/** A command's page, or the overview for an unknown one. @param {string} command */
export function commandHelp(command) {
  return PAGES[command]?.() ?? overview();
}
