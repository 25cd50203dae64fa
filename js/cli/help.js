// @ts-check
/**
 * The `vns` command's help: one overview page, and a page per command (`vns register
 * --help`) with its flags, their defaults and meaning, and an example. `serve`'s node options
 * are listed from their descriptor (`js/node-options.js`), so a new option shows up here.
 * @module
 */
import { NODE_OPTIONS } from '../node-options.js';
import { DNS_USAGE } from '../dns/index.js';
import { DEFAULT_PORT } from '../server.js';
import { DEFAULT_MAX_PEERS, DEFAULT_MAX_PEERS_PER_ADDRESS } from '../node-server.js';
import { DEFAULT_SWEEP_INTERVAL_MS } from '../core.js';

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
  --json       machine-readable output on stdout`;

/**
 * What each node option means and its default, by descriptor key. An option the descriptor
 * gains later is still listed, with its placeholder only.
 * @type {Record<string, string>}
 */
const NODE_OPTION_HELP = {
  network: 'the network to join (default main); peers must be on the same one',
  difficulty: "proof-of-work bits a registration needs (default: the network's, 22 on main, 4 on testing); changes the network id",
  registrationPeriodMs: 'how long a registration or renewal lasts (default one year); changes the network id',
  gracePeriodMs: 'after expiry, how long only the owner may renew (default 30 days); changes the network id',
  sweepIntervalMs: `how often expired names are swept (default ${DEFAULT_SWEEP_INTERVAL_MS})`,
  registrationsPerHour: 'registrations this node takes per owner per hour (default 5)',
  queueCapacity: 'changes kept while no peer is connected (default 1000)',
};

/** `serve`'s node options, one line each. */
function nodeOptionLines() {
  return NODE_OPTIONS.map((o) => {
    const flag = `--${o.flag} ${o.placeholder}`;
    const meaning = NODE_OPTION_HELP[o.key];
    return meaning ? `  ${flag.padEnd(30)} ${meaning}` : `  ${flag}`;
  }).join('\n');
}

/**
 * Each command's page: how to call it, what it does, and an example.
 * @type {Record<string, () => string>}
 */
const PAGES = {
  serve: () => `vns serve: run a peer on one port (WebSocket peers at /vns, the demo page, the HTTP API, metrics)

Usage: vns serve [options]

  --port N                       the port (default ${DEFAULT_PORT})
  --host ADDR                    the address to listen on (default 127.0.0.1: this machine only;
                                 peers and browsers on other machines need --host 0.0.0.0 or
                                 the machine's address)
  --data DIR                     where the store is kept (default ./vns-data)
  --memory                       keep nothing on disk
  --force-empty                  start empty when DIR holds blocks but no root pointer
  --peer URL                     a peer to sync with (ws://HOST:PORT/vns), repeatable
  --max-peers N                  WebSocket peers at once (default ${DEFAULT_MAX_PEERS})
  --max-peers-per-address N      WebSocket peers from one address (default ${DEFAULT_MAX_PEERS_PER_ADDRESS})
  --tls-cert FILE --tls-key FILE serve HTTPS with HTTP/2 (for DoH in browsers)
  --json                         log JSON lines
${nodeOptionLines()}

DNS (README "DNS"):
${DNS_USAGE}

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
  resolve: () => `vns resolve: a name's records, owner and expiry

Usage: vns resolve <name>

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
