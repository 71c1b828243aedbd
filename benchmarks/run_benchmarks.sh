#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs the benchmarks behind the README's table of figures and writes their Google Benchmark
# results as one JSON file (the form of benchmarks/baseline/benchmarks.json):
#   benchmarks/run_benchmarks.sh [--full] [--build DIR] OUT.json
# Short mode (default) takes seconds per suite; --full is the table's mode (FLOWSIM_BENCH=full:
# 1M-packet traces, 100k flows, 4096 installed flows; three repetitions, medians compared,
# except the flow install, which runs once per process).
# Then: benchmarks/compare.py benchmarks/baseline/benchmarks.json OUT.json
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/.." && pwd)
build=${FLOWSIM_BUILD_DIR:-$source_dir/build}
full=0
while [ $# -gt 1 ]; do
  case "$1" in
    --full) full=1; shift ;;
    --build) build=$2; shift 2 ;;
    *) echo "usage: $0 [--full] [--build DIR] OUT.json" >&2; exit 2 ;;
  esac
done
[ $# -eq 1 ] || { echo "usage: $0 [--full] [--build DIR] OUT.json" >&2; exit 2; }
out=$1
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
args=(--benchmark_format=console)
if [ "$full" -eq 1 ]; then
  export FLOWSIM_BENCH=full
  args+=(--benchmark_repetitions=3 --benchmark_report_aggregates_only=true)
else
  unset FLOWSIM_BENCH
  args+=(--benchmark_min_time=0.2)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# run SUITE FILTER [ARGS...]: the benchmarks of the table that SUITE holds
run() {
  local suite=$1 filter=$2
  shift 2
  echo "== $suite" >&2
  "$build/benchmarks/$suite" "$@" --benchmark_filter="$filter" \
    --benchmark_out="$work/$suite.json" --benchmark_out_format=json >&2
}
run stack_benchmark 'BM_WholeStack' "${args[@]}"
# The driver bench elaborates its model once per process: one repetition.
run driver_benchmark 'BM_InstallFlows' --benchmark_format=console
run engine_benchmark 'BM_SoftwareFastPath|BM_NewConnectionSetup' "${args[@]}"
/usr/bin/python3 - "$out" "$work"/*.json <<'PY'
import json, sys
out, parts = sys.argv[1], sys.argv[2:]
merged = None
for p in parts:
    doc = json.load(open(p))
    if merged is None:
        merged = {"context": doc["context"], "benchmarks": []}
    merged["benchmarks"] += doc["benchmarks"]
json.dump(merged, open(out, "w"), indent=1)
print(f"wrote {out}: {len(merged['benchmarks'])} results", file=sys.stderr)
PY
