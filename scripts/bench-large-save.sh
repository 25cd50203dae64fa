#!/usr/bin/env bash
# A node catches up N names (default 200,000) onto a folder under `ulimit -n 1024`, saves
# them in one save, reopens the folder and migrates it into the database: prints the
# figures (seconds per phase) as one JSON line. The suite runs the same at 20,000
# (tests/node/large-save.test.mjs, VNS_LARGE_SAVE_NAMES to change it).
#
#   bash scripts/bench-large-save.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200000}
fixture=target/bench-storage/fixture-$n.bin
# Built natively once (proof-of-work and signing through the package would take minutes).
[ -f "$fixture" ] || cargo run --quiet --release --example bench_fixture -- "$n" "$fixture"
dir=$(mktemp -d "${TMPDIR:-/tmp}/vns-large-save-XXXXXX")
trap 'rm -rf "$dir"' EXIT
bash -c 'ulimit -n 1024 && exec node tests/node/large-save.mjs "$0" "$1"' "$dir" "$n"
