#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
# Compares two Google Benchmark JSON results (the committed baseline and a new run) benchmark
# by benchmark: throughput (items_per_second) where a benchmark reports it, time otherwise.
# With repetitions the medians are compared. A benchmark more than TOLERANCE worse than its
# baseline is a regression: the exit status is 1. Missing or new benchmarks are listed, not
# failed. Standard library only (Debian's libbenchmark-tools compare.py needs numpy and scipy,
# which its package does not pull in).
#
#   benchmarks/compare.py benchmarks/baseline.json new.json [--tolerance 0.10]
"""Compare a Google Benchmark JSON run with a baseline."""

import argparse
import json
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    runs = {}
    has_median = {b["run_name"] for b in doc.get("benchmarks", []) if b.get("aggregate_name") == "median"}
    for b in doc.get("benchmarks", []):
        if b.get("error_occurred"):
            runs[b.get("run_name", b["name"])] = None
            continue
        name = b.get("run_name", b["name"])
        if name in has_median:
            if b.get("aggregate_name") != "median":
                continue
        elif b.get("run_type") == "aggregate":
            continue
        runs[name] = b
    return runs


def figure(b):
    """(value, unit, higher_is_better)."""
    if "items_per_second" in b:
        return b["items_per_second"], "items/s", True
    return b["real_time"], b.get("time_unit", "ns"), False


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("baseline")
    parser.add_argument("new")
    parser.add_argument("--tolerance", type=float, default=0.10,
                        help="allowed relative loss before a benchmark counts as a regression (default 0.10)")
    args = parser.parse_args()
    base, new = load(args.baseline), load(args.new)
    regressions = 0
    print(f"{'benchmark':<48} {'baseline':>14} {'new':>14} {'change':>8}")
    for name in sorted(set(base) | set(new)):
        b, n = base.get(name), new.get(name)
        if b is None or n is None:
            if name not in base:
                what = "not in the baseline"
            elif name not in new:
                what = "missing in the new run"
            elif n is None:
                what = "failed in the new run"
                regressions += 1
            else:
                what = "failed in the baseline"
            print(f"{name:<48} {what}")
            continue
        bv, unit, higher = figure(b)
        nv, _, _ = figure(n)
        change = (nv - bv) / bv if bv else 0.0
        worse = -change if higher else change
        flag = ""
        if worse > args.tolerance:
            flag = "  REGRESSION"
            regressions += 1
        print(f"{name:<48} {bv:>14.4g} {nv:>14.4g} {100 * change:>+7.1f}%{flag}  ({unit})")
    if regressions:
        print(f"{regressions} benchmark(s) worse than the baseline by more than {100 * args.tolerance:.0f} %")
        return 1
    print(f"no benchmark worse than the baseline by more than {100 * args.tolerance:.0f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
