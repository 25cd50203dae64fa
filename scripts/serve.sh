#!/usr/bin/env bash
# Starts a local VNS node serving the demo page, installing and building what is missing first
# (fast when everything is already there). Arguments go to `vns serve`:
#
#   bash scripts/serve.sh                          # http://127.0.0.1:7420, data in ./vns-data
#   bash scripts/serve.sh --port 8080 --peer ws://other:7420/vns
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --no-browser >&2
# Rebuild the wasm package when the Rust sources are newer than it.
wasm=pkg/web/vns_bg.wasm
if [ ! -f "$wasm" ] || [ -n "$(find src Cargo.toml Cargo.lock -newer "$wasm" -print -quit)" ]; then
  echo "building the wasm package (scripts/build-pkg.sh, ~2 min on first run)" >&2
  bash scripts/build-pkg.sh >&2
fi
exec node js/cli.js serve "$@"
