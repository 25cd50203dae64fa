#!/usr/bin/env python3
"""Prints criterion medians for VNS benchmarks beside their baselines, with the ratio.

Reads target/criterion/<group>/<bench>/new/estimates.json written by `cargo bench`.
Each pair is (measured, baseline, target ratio or None).
"""
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent / "target" / "criterion"

PAIRS = [
    ("apply/register", "apply/register_baseline_ed25519_verify", 1.25),
    ("apply/update", "apply/update_baseline_ed25519_verify", 1.25),
    ("apply/update_from_peer_bytes", "apply/update_baseline_ed25519_verify", None),
    ("apply/update_one_encoding", "apply/update_baseline_ed25519_verify", None),
    ("tree/build_100k_sorted", "tree/build_100k_baseline_one_insert_at_a_time", None),
    ("resolve/vns_100000", "resolve/baseline_hashmap_100000", 2.0),
    ("resolve/vns_1000000", "resolve/baseline_hashmap_1000000", 2.0),
    ("persist/save_100k_memory", "persist/save_100k_baseline_raw_puts", None),
    ("persist/load_100k_memory", "persist/load_100k_baseline_hash_check", None),
]


def median_ns(bench: str):
    path = ROOT / bench / "new" / "estimates.json"
    if not path.exists():
        return None
    return json.loads(path.read_text())["median"]["point_estimate"]


def fmt(ns: float) -> str:
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.1f} ns"


def main() -> int:
    print("| benchmark | median | baseline | baseline median | ratio | target |")
    print("|---|---|---|---|---|---|")
    for bench, base, target in PAIRS:
        m, b = median_ns(bench), median_ns(base)
        if m is None or b is None:
            print(f"| {bench} | (not run) | {base} | | | |")
            continue
        ratio = m / b
        verdict = "" if target is None else (f"≤ {target}x " + ("met" if ratio <= target else "MISSED"))
        print(f"| {bench} | {fmt(m)} | {base.split('/')[-1]} | {fmt(b)} | {ratio:.2f}x | {verdict} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
