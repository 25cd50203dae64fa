#!/usr/bin/env bash
# Runs every VNS test, step by step, stopping at the first failure.
#
#   bash scripts/test.sh              # setup, then every step
#   bash scripts/test.sh fmt clippy   # only the named steps (setup still runs)
#   VNS_SKIP_SETUP=1 bash scripts/test.sh
#
# Add a step with `step NAME command...`; a step is a command or a function, run with `set -e`.
set -euo pipefail
cd "$(dirname "$0")/.."
# cargo-installed tools (wasm-pack, wasm-bindgen) live here; a fresh shell may lack it on PATH.
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
WASM_TARGET=wasm32-unknown-unknown
# The wasm-bindgen test runner (from wasm-bindgen-cli, installed by setup.sh) runs wasm tests.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
# Without this a geckodriver on PATH would win over Chromium.
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"

selected=("$@")
summary=()

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

print_summary() {
  [ ${#summary[@]} -gt 0 ] || return 0
  echo "---- timings"
  printf '  %s\n' "${summary[@]}"
}
trap print_summary EXIT

# step NAME COMMAND...: runs COMMAND (skipped when steps were named and NAME is not one of
# them), prints its duration, and stops the script with a clear message when it fails.
step() {
  local name=$1; shift
  if [ "$name" != setup ] && [ ${#selected[@]} -gt 0 ] && [[ " ${selected[*]} " != *" $name "* ]]; then
    return 0
  fi
  echo "==> $name: $*"
  local start rc
  start=$(now)
  set +e
  (set -e; "$@")
  rc=$?
  set -e
  local took
  took=$(elapsed "$start")
  if [ $rc -ne 0 ]; then
    summary+=("$name FAILED after ${took}s")
    echo "FAILED: step '$name' exited with $rc after ${took}s (re-run: bash scripts/test.sh $name)" >&2
    exit $rc
  fi
  summary+=("$name ${took}s")
  echo "<== $name ok (${took}s)"
}

# Wasm tests under the wasm-bindgen test runner, selected by file name so that browser-only
# tests (wasm_browser_*.rs) and Node tests (wasm_node_*.rs) never mix.
wasm_tests() { # wasm_tests GLOB
  cargo test --target "$WASM_TARGET" --features wasm --test "$1"
}
wasm_browser_tests() { wasm_tests 'wasm_browser_*'; }
# The same tests in Firefox ESR through geckodriver (the runner takes the driver named by
# GECKODRIVER; CHROMEDRIVER is unset so nothing else can be picked).
wasm_firefox_tests() (
  unset CHROMEDRIVER
  GECKODRIVER="$(command -v geckodriver)" wasm_tests 'wasm_browser_*'
)
# fake-indexeddb gives Node the IndexedDB API, so the IndexedDB backend runs there too.
wasm_node_tests() { NODE_ARGS="--require=fake-indexeddb/auto" wasm_tests 'wasm_node_*'; }

# Set-up must leave the checkout as it found it (a rewritten lock file would make every fresh
# checkout dirty): the tracked files' changes, hashed before and after, must be equal.
tracked_changes() { git diff HEAD --binary 2>/dev/null | sha256sum; }
setup_leaving_tree_unchanged() {
  local before
  before=$(tracked_changes)
  bash scripts/setup.sh
  if [ "$(tracked_changes)" != "$before" ]; then
    echo "setup changed tracked files:" >&2
    git status --short --untracked-files=no >&2
    return 1
  fi
}
if [ -z "${VNS_SKIP_SETUP:-}" ]; then
  step setup setup_leaving_tree_unchanged
fi
step fmt cargo fmt --all -- --check
step clippy cargo clippy --all-targets -- -D warnings
step clippy-wasm cargo clippy --target "$WASM_TARGET" --features wasm --lib -- -D warnings
# The API documentation, native and for the wasm build: a broken link, a missing doc comment
# (the crate denies missing_docs) or bad doc markup fails the step.
rustdoc_strict() {
  RUSTDOCFLAGS="-D warnings" cargo doc --no-deps
  RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --target "$WASM_TARGET" --features wasm
}
step doc rustdoc_strict
step test-native cargo test
# Blocks written by the core must be plain IPLD for the IPFS ecosystem's own libraries.
ipld_compat() {
  cargo run -q --example export_blocks -- target/ipld-blocks
  node --test tests/js/ipld_compat.mjs target/ipld-blocks
  # The known answers of tests/vectors/, checked with those libraries and node:crypto.
  node --test tests/js/vectors.mjs
}
step test-ipld ipld_compat
step test-wasm-browser wasm_browser_tests
step test-wasm-firefox wasm_firefox_tests
step test-wasm-node wasm_node_tests
# The npm package: build the wasm once (release + wasm-opt), type-check the shim, then test
# what ships (the built package imported as `vns`) in Node.
step build-pkg bash scripts/build-pkg.sh
check_js() {
  node_modules/.bin/tsc -p tsconfig.json
  # The multi-node harness and its script are checked JSDoc too, and so are the Node tests
  # of the package with the shared helpers of tests/support/.
  node_modules/.bin/tsc -p tests/multinode/tsconfig.json
  node_modules/.bin/tsc -p tests/libp2p/tsconfig.json
  node_modules/.bin/tsc -p tests/node/tsconfig.json
  node_modules/.bin/tsc -p tests/webrtc/tsconfig.json
  # And so is the demo page.
  node_modules/.bin/tsc -p www/tsconfig.json
}
step check-js check_js
step test-node node --test tests/node/
# WebRTC: the adapter suite, peer management, hostile signalling, two Node processes and two
# Chromium pages linked by data channels (~2 minutes).
step test-webrtc node --test --test-concurrency=1 tests/webrtc/
# `npm pack` into a fresh folder and import it by name, as a consumer would.
step test-pack bash tests/node/pack.sh
# Deno from npm (the `deno` package ships its binary): the browser/Deno entry, wasm via fetch.
step test-deno env NO_COLOR=1 node_modules/.bin/deno test --no-lock --allow-read tests/deno/
# Real `vns serve` processes killed, restarted, partitioned, loaded and attacked (~2-3 min on
# 2 cores; the large run is `node scripts/multinode.mjs --registrations 10000`, a benchmark).
step test-multinode node --test --test-concurrency=1 tests/multinode/
# Real `vns serve --libp2p` processes on loopback: DHT discovery from one bootstrap address,
# gossipsub deltas, /vns/sync/1 catch-up, a hostile publisher, restarts, SIGKILLs during load,
# a bridged WebSocket node and a Chromium page in a mixed network (7-10 min on a busy 2-core
# machine; 2,000 registrations and 20 nodes are
# `node scripts/bench-libp2p.mjs --sizes 5,20 --registrations 2000`).
step test-libp2p node --test --test-concurrency=1 tests/libp2p/
# DNS for .vfs against real `vns serve --dns` nodes with real clients (dig, kdig, dnspython,
# curl, Node's dns.Resolver), 10,000 fuzz packets, a rate-limited flood, HTTPS + HTTP/2.
step test-dns node --test --test-concurrency=1 tests/dns/
# The demo page in Debian's Chromium (playwright-core) against real `vns serve` processes.
step test-e2e node --test tests/e2e/
echo "all steps passed"
