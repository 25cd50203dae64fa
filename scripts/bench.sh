#!/usr/bin/env bash
# Runs the benchmarks and prints each figure beside its baseline (medians and ratios).
# Figures from the latest run are kept in BENCHMARKS.md.
#
#   bash scripts/bench.sh              # everything (needs ~3 GB of memory and ~20 minutes)
#   bash scripts/bench.sh core memory  # only the named benches (core memory persist browser package multinode)
#   bash scripts/bench.sh multinode    # 10,000 registrations across 5 `vns serve` processes
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
benches=("$@")
[ ${#benches[@]} -gt 0 ] || benches=(core memory persist browser package multinode)
for bench in "${benches[@]}"; do
  if [ "$bench" = multinode ]; then
    # Real processes on loopback: throughput of POST /api/vns/ops and convergence time.
    [ -f pkg/web/vns_bg.wasm ] || bash scripts/build-pkg.sh
    echo "==> multinode: node scripts/multinode.mjs --nodes 5 --registrations 10000"
    node scripts/multinode.mjs --nodes 5 --registrations 10000
    continue
  fi
  if [ "$bench" = package ]; then
    # The npm package in Node, beside a JS Map and the native apply/register and resolve
    # medians (so those criterion benches run first, in this same run).
    echo "==> package: native baselines (cargo bench --bench core -- 'apply/register\$|resolve/vns_100000\$')"
    cargo bench --bench core -- --noplot 'apply/register$|resolve/vns_100000$'
    echo "==> package: benches/package.mjs (built package in Node)"
    [ -f pkg/web/vns_bg.wasm ] || bash scripts/build-pkg.sh
    node benches/package.mjs
    continue
  fi
  if [ "$bench" = browser ]; then
    # IndexedDB in headless Chromium, through the wasm-bindgen test runner (release build).
    echo "==> browser: tests/bench_browser_persist.rs in headless Chromium"
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
      CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}" WASM_BINDGEN_TEST_TIMEOUT=900 \
      cargo test --release --target wasm32-unknown-unknown --features wasm \
      --test bench_browser_persist -- --nocapture
    continue
  fi
  echo "==> cargo bench --bench $bench"
  cargo bench --bench "$bench" -- --noplot
done
echo "==> medians and ratios (criterion)"
python3 scripts/bench_report.py
