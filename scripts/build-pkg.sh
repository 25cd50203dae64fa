#!/usr/bin/env bash
# Builds the npm package's wasm: `pkg/web/` (wasm-bindgen `--target web` output, used by
# browsers, Deno and Node alike: the JS entry points in js/ instantiate it), optimised with
# npm binaryen's wasm-opt (never Debian's: its wasm-opt corrupts wasm-bindgen output).
#
#   bash scripts/build-pkg.sh            # release build + wasm-opt -Oz
#   VNS_PKG_DEV=1 bash scripts/build-pkg.sh   # debug build, no wasm-opt (fast iteration)
#
# Prints the raw and gzip sizes of the wasm. Nothing is downloaded: wasm-pack finds the
# wasm-bindgen CLI installed by setup.sh, and its own wasm-opt step is disabled in Cargo.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

out=pkg/web
profile=(--release)
[ -z "${VNS_PKG_DEV:-}" ] || profile=(--dev)

wasm-pack --quiet build "${profile[@]}" --target web --out-dir "$out" --out-name vns --no-pack \
  -- --features wasm
# wasm-pack writes a .gitignore of '*' into the output; the package ships these files.
rm -f "$out/.gitignore"

wasm="$out/vns_bg.wasm"
raw_before=$(wc -c <"$wasm")
if [ -z "${VNS_PKG_DEV:-}" ]; then
  wasm_opt=node_modules/.bin/wasm-opt
  [ -x "$wasm_opt" ] || { echo "build-pkg: $wasm_opt missing (run scripts/setup.sh)" >&2; exit 1; }
  "$wasm_opt" -O3 --strip-debug --strip-producers "$wasm" -o "$wasm.opt"
  mv "$wasm.opt" "$wasm"
fi
# Type declarations of the shim (js/*.d.ts, generated from its checked JSDoc).
# Stale declarations would shadow the sources they are generated from.
rm -f js/*.d.ts js/dns/*.d.ts js/cli/*.d.ts js/libp2p/*.d.ts
node_modules/.bin/tsc -p tsconfig.types.json

raw=$(wc -c <"$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
echo "wasm: $wasm ${raw} bytes raw (before wasm-opt ${raw_before}), ${gz} bytes gzip"
