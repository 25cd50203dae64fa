#!/usr/bin/env bash
# Installs everything building and testing VNS needs, skipping what is already there.
# Only package registries are used (rustup's dist server, crates.io, npm, Debian apt): never
# GitHub downloads, never Debian's binaryen (its wasm-opt corrupts wasm-bindgen output).
set -euo pipefail
cd "$(dirname "$0")/.."
# cargo-installed tools (wasm-pack, wasm-bindgen) live here; a fresh shell may lack it on PATH.
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

WASM_PACK_VERSION=0.15.1

ok() { echo "ok: $*"; }
installing() { echo "installing: $*"; }
die() { echo "setup: $*" >&2; exit 1; }

command -v cargo >/dev/null || die "cargo not found: install Rust with rustup first"
command -v npm >/dev/null || die "npm not found: install Node.js 20+ first"

# The exact wasm-bindgen version from Cargo.lock (the CLI must match it byte for byte, or
# wasm-pack downloads one from GitHub).
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

# rustup target and components
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  ok "rust target wasm32-unknown-unknown present"
else
  installing "rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
for component in rustfmt clippy; do
  if rustup component list --installed | grep -q "^$component"; then
    ok "rust component $component present"
  else
    installing "rust component $component"
    rustup component add "$component"
  fi
done

# cargo-installed tools: skipped when `<tool> --version` already reports the wanted version.
cargo_tool() { # cargo_tool CRATE BINARY VERSION [extra cargo install args]
  local crate=$1 binary=$2 version=$3; shift 3
  if command -v "$binary" >/dev/null && "$binary" --version 2>/dev/null | grep -qE " ${version//./\\.}( |$)"; then
    ok "$crate $version present"
  else
    installing "$crate $version (cargo install, ~1.5 min)"
    cargo install "$crate" --version "$version" "$@"
  fi
}
cargo_tool wasm-pack wasm-pack "$WASM_PACK_VERSION" --locked
bindgen_version=$(wasm_bindgen_version)
[ -n "$bindgen_version" ] || die "wasm-bindgen not found in Cargo.lock"
# No --locked: wasm-bindgen-cli's lock file pins a webpki-roots version crates.io lacks.
cargo_tool wasm-bindgen-cli wasm-bindgen "$bindgen_version"

# Debian packages, installed together in one apt run when any is missing: apt_need PACKAGE
# [PATH] adds PACKAGE unless PATH (default /usr/bin/PACKAGE) is already there.
apt_wanted=()
apt_need() {
  local package=$1 path=${2:-/usr/bin/$1}
  if [ -e "$path" ]; then ok "$package present"; else apt_wanted+=("$package"); fi
}
apt_install_wanted() {
  [ ${#apt_wanted[@]} -gt 0 ] || return 0
  installing "${apt_wanted[*]} (apt)"
  local sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${apt_wanted[@]}"
}

# Headless browsers for the browser tests (not needed to run a node: `setup.sh --no-browser`):
# Chromium for every browser test, Firefox ESR for the wasm browser tests (a second engine's
# IndexedDB and wasm). geckodriver is not packaged by Debian; crates.io has it.
GECKODRIVER_VERSION=0.37.1
if [ "${1:-}" = --no-browser ]; then
  ok "browsers skipped (--no-browser)"
else
  apt_need chromium
  apt_need chromium-driver /usr/bin/chromedriver
  apt_need firefox-esr
fi
# DNS clients the DNS tests run against a node (dig, kdig, dnspython below, curl): real
# resolvers nobody here wrote; and dnsperf, the load generator of the DNS benchmark.
# `--no-dns-clients` skips them (they are not needed to run a node).
dns_clients=1
[ "${1:-}" != --no-browser ] && [ "${1:-}" != --no-dns-clients ] || dns_clients=0
if [ $dns_clients = 1 ]; then
  apt_need bind9-dnsutils /usr/bin/dig
  apt_need knot-dnsutils /usr/bin/kdig
  apt_need dnsperf
  apt_need curl
else
  ok "dns clients skipped ($1)"
fi
apt_install_wanted
if [ "${1:-}" != --no-browser ]; then
  cargo_tool geckodriver geckodriver "$GECKODRIVER_VERSION" --locked
fi

# npm dependencies, exactly as locked: `npm ci` when node_modules is missing or older than the
# lock file. The lock lists every platform's optional `deno` build, so `npm ci` accepts it
# and nothing rewrites it (the test run fails if setup changes a tracked file).
if [ -f package.json ]; then
  stamp=node_modules/.package-lock.json
  [ -f package-lock.json ] || die "package-lock.json is missing: run npm install and commit it"
  if [ -f "$stamp" ] && [ ! package-lock.json -nt "$stamp" ] && [ ! package.json -nt "$stamp" ]; then
    ok "node_modules up to date"
  else
    installing "npm dependencies (npm ci)"
    npm ci --no-audit --no-fund
  fi
fi

# dnspython goes into a venv under target/ rather than the user site: it stays out of the
# user's Python, needs no --user/--break-system-packages, and a `cargo clean` removes it.
if [ $dns_clients = 1 ]; then
  dns_venv=target/dns-venv
  if "$dns_venv/bin/python" -c 'import dns.query, dns.version; assert dns.query.have_doh and dns.version.MAJOR == 2' 2>/dev/null; then
    ok "dnspython[doh] present ($dns_venv)"
  else
    installing "dnspython[doh] (PyPI, into $dns_venv)"
    command -v python3 >/dev/null || die "python3 not found: needed for the DNS tests (dnspython)"
    python3 -m venv "$dns_venv"
    "$dns_venv/bin/pip" install --quiet --disable-pip-version-check 'dnspython[doh]>=2.9,<3'
  fi
fi
