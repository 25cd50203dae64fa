#!/usr/bin/env bash
# Installs the packed npm package into a fresh folder and imports it by name from there, as a
# consumer would (exports map, shipped files, the `ws` dependency), in Node.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
tarball=$(npm pack --silent --pack-destination "$dir")
cd "$dir"
echo '{ "name": "consumer", "private": true, "type": "module" }' >package.json
npm install --silent --prefer-offline --no-audit --no-fund "./$tarball"
cat >check.mjs <<'JS'
import { open, generateKeys, serveWebSocket } from 'vns';
const vns = await open({ storage: 'memory', network: 'testing', difficulty: 4 });
const keys = generateKeys();
await vns.register(keys, 'packed', [{ type: 'TXT', value: 'ok' }]);
const r = await vns.resolve('packed');
if (r.records[0].value !== 'ok' || typeof serveWebSocket !== 'function') throw new Error('bad');
await vns.close();
console.log('packed package works from', new URL(import.meta.resolve('vns')).pathname);
JS
node check.mjs
# The `vns` command from the installed package: a node process answering the CLI.
npx --no-install vns --help | grep -q 'vns register <name>'
node_modules/.bin/vns serve --port 0 --memory --json >serve.out 2>serve.err &
pid=$!
for _ in $(seq 50); do grep -q listening serve.out 2>/dev/null && break; sleep 0.2; done
url=$(node -e 'const l = require("fs").readFileSync("serve.out", "utf8").split("\n")[0]; console.log(JSON.parse(l).url)')
npx --no-install vns status --node "$url" | grep -q '^entries  0$'
kill -TERM $pid
wait $pid
echo "packed vns command served $url and exited cleanly on SIGTERM"
