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
