#!/usr/bin/env bash
# Fuzzes the decoders and Namespace::apply with cargo fuzz (libFuzzer on the nightly toolchain).
#
#   bash scripts/fuzz.sh [TARGET...] [--seconds N] [--jobs N] [--merge] [--seed]
#
# TARGET: any of `cargo +nightly fuzz list` (default: all). Each target runs for N seconds
# (default 1800; 0: no fuzzing, only --seed and --merge) in its own niced process, up to --jobs
# at once (default 1). New inputs go to target/fuzz-work/TARGET/ (the committed
# fuzz/corpus/TARGET/ is only read), each run's log to target/fuzz-logs/, and every crash, leak, timeout or out-of-memory input is copied to
# fuzz/regressions/TARGET/, which `cargo test --test fuzz_replay` replays on stable.
#   --merge  afterwards, adds the work inputs that reach new edges to fuzz/corpus/TARGET/
#   --seed   first, regenerates the seeds (`cargo run --example fuzz_seeds`) into fuzz/corpus/
#            and minimises each corpus with `cargo fuzz cmin`
# Installs the nightly toolchain and cargo-fuzz when missing (not part of scripts/setup.sh).
# Exits 1 when a target found something.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

CARGO_FUZZ_VERSION=0.13.2

die() { echo "fuzz: $*" >&2; exit 2; }

# -max_len per target: one byte past the decoder's own size bound (`TARGETS` in
# fuzz/src/lib.rs: MAX_ENTRY_BYTES, MAX_FRAME_BYTES, 2 x name MAX_INPUT_BYTES), so the refusal
# of oversized input is reached too. tests/fuzz_replay.rs checks these lines against it.
max_len_of() {
  case $1 in
  entry) echo 16385 ;;
  records) echo 16385 ;;
  sync_frame) echo 1048577 ;;
  tree_node) echo 1048577 ;;
  name_parse) echo 2049 ;;
  name_cbor) echo 2049 ;;
  namespace_apply) echo 16385 ;;
  *) die "no -max_len for target $1" ;;
  esac
}

# Limits on every run:
# - rss 2048 MB: libFuzzer's default, kept explicit; a decoder of at most 1 MiB of input that
#   needs more (ASan's own quarantine is 256 MB) is a finding, and two jobs still leave room on
#   a shared machine.
# - malloc 64 MB: 64 times the largest input any target accepts; one allocation that large can
#   only come from a length field taken on trust, which is exactly the unbounded allocation
#   the targets look for (it is reported as an out-of-memory finding).
# - timeout 10 s per input: real inputs take well under a millisecond; a slower one is a hang
#   or an input-driven blow-up.
LIMITS=(-rss_limit_mb=2048 -malloc_limit_mb=64 -timeout=10)

seconds=1800 jobs=1 merge=0 seed=0 targets=()
while [ $# -gt 0 ]; do
  case $1 in
  --seconds) seconds=${2:?--seconds needs a number}; shift 2 ;;
  --jobs) jobs=${2:?--jobs needs a number}; shift 2 ;;
  --merge) merge=1; shift ;;
  --seed) seed=1; shift ;;
  -h | --help) sed -n '2,15p' "$0"; exit 0 ;;
  -*) die "unknown option $1" ;;
  *) targets+=("$1"); shift ;;
  esac
done
[[ $seconds =~ ^[0-9]+$ && $jobs =~ ^[1-9][0-9]*$ ]] || die "--seconds and --jobs take numbers"

# Toolchain: skipped (in well under a second) when present.
if rustup toolchain list | grep -q '^nightly'; then
  echo "ok: nightly toolchain present"
else
  echo "installing: nightly toolchain (minimal profile)"
  rustup toolchain install nightly --profile minimal
fi
if cargo +nightly fuzz --version 2>/dev/null | grep -qE " ${CARGO_FUZZ_VERSION//./\\.}( |$)"; then
  echo "ok: cargo-fuzz $CARGO_FUZZ_VERSION present"
else
  echo "installing: cargo-fuzz $CARGO_FUZZ_VERSION (cargo install, a few minutes)"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi

mapfile -t all < <(cargo +nightly fuzz list)
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
for t in "${targets[@]}"; do
  printf '%s\n' "${all[@]}" | grep -qx "$t" || die "unknown target $t (known: ${all[*]})"
  max_len_of "$t" >/dev/null
done

echo "building the fuzz targets (nightly, sanitizer instrumented)"
nice -n 10 cargo +nightly fuzz build
bin_dir=fuzz/target/$(rustc +nightly -vV | sed -n 's/^host: //p')/release

stamp=$(date +%Y%m%d-%H%M%S)
mkdir -p target/fuzz-logs

run_target() { # run_target TARGET: one timed libFuzzer run, in its own niced process
  local t=$1 work=target/fuzz-work/$1 artifacts=target/fuzz-artifacts/$1/
  mkdir -p "$work" "$artifacts"
  nice -n 10 "$bin_dir/$t" "$work" "fuzz/corpus/$t" "${LIMITS[@]}" \
    -max_len="$(max_len_of "$t")" -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$artifacts" >"target/fuzz-logs/$t-$stamp.log" 2>&1
}

fuzz_all() { # every target, at most $jobs at once
  local running=0 t
  echo "fuzzing ${targets[*]} for ${seconds}s each, $jobs at a time (logs: target/fuzz-logs/*-$stamp.log)"
  for t in "${targets[@]}"; do
    if [ $running -ge "$jobs" ]; then
      wait -n || true
      running=$((running - 1))
    fi
    run_target "$t" &
    running=$((running + 1))
  done
  wait || true
}

final_stat() { sed -n "s/^stat::$1: *//p" "$2" | tail -1; }

summarise() { # the table, and the findings of this run copied to fuzz/regressions/
  local t log corpus file findings
  printf '\n%-16s %12s %8s %8s %8s  %s\n' target executions exec/s corpus peak_mb findings
  for t in "${targets[@]}"; do
    log=target/fuzz-logs/$t-$stamp.log
    findings=()
    while IFS= read -r -d '' file; do
      cp "$file" "fuzz/regressions/$t/"
      findings+=("fuzz/regressions/$t/$(basename "$file")")
    done < <(find "target/fuzz-artifacts/$t" -type f \( -name 'crash-*' -o -name 'leak-*' \
      -o -name 'timeout-*' -o -name 'oom-*' \) -newer "target/fuzz-logs/.start-$stamp" -print0)
    corpus=$(grep -o 'corp: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    printf '%-16s %12s %8s %8s %8s  %s\n' "$t" "$(final_stat number_of_executed_units "$log")" \
      "$(final_stat average_exec_per_sec "$log")" "${corpus:-?}" "$(final_stat peak_rss_mb "$log")" \
      "${#findings[@]} ${findings[*]}"
    [ ${#findings[@]} -eq 0 ] || found=1
  done
}

corpus_size() { # corpus_size TARGET: inputs and kilobytes of fuzz/corpus/TARGET
  find "fuzz/corpus/$1" -type f ! -name '.*' -printf '%s\n' |
    awk '{ n++; s += $1 } END { printf "%d inputs, %d KB", n, s / 1024 }'
}

merge_back() { # new coverage from target/fuzz-work/ into the committed corpus
  local t
  for t in "${targets[@]}"; do
    [ -d "target/fuzz-work/$t" ] || continue
    # Edges only (-use_counters=0): inputs that merely hit a known edge more often stay out,
    # which keeps the committed corpus small.
    nice -n 10 "$bin_dir/$t" -merge=1 -use_counters=0 "fuzz/corpus/$t" "target/fuzz-work/$t" \
      "${LIMITS[@]}" -max_len="$(max_len_of "$t")" >"target/fuzz-logs/$t-$stamp-merge.log" 2>&1
    echo "merged $t: $(corpus_size "$t")"
  done
}

seed_corpus() { # the generated seeds added to fuzz/corpus/, then each corpus minimised
  local t
  nice -n 10 cargo run --quiet --example fuzz_seeds -- fuzz/corpus
  for t in "${targets[@]}"; do
    nice -n 10 cargo +nightly fuzz cmin "$t" -- "${LIMITS[@]}" -max_len="$(max_len_of "$t")" \
      >"target/fuzz-logs/$t-$stamp-cmin.log" 2>&1 ||
      die "cmin of $t failed (target/fuzz-logs/$t-$stamp-cmin.log)"
    echo "seeded $t: $(corpus_size "$t")"
  done
}

found=0
[ $seed = 0 ] || seed_corpus
if [ "$seconds" -gt 0 ]; then # (libFuzzer takes -max_total_time=0 as no limit)
  touch "target/fuzz-logs/.start-$stamp"
  fuzz_all
  summarise
  rm -f "target/fuzz-logs/.start-$stamp"
fi
[ $merge = 0 ] || merge_back
exit $found
