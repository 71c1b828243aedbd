#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the libFuzzer targets (Debian's clang-14, with ASan + UBSan) in build-fuzz/ and runs
# each for SECONDS (default 30), from its seed corpus (fuzz/make_seed_corpora.py: committed
# traces, rulesets, scenarios and conformance files), its committed regression inputs and the
# corpus earlier runs grew (build-fuzz/fuzz/corpus/<target>, kept). A finding stops the run
# with the input saved as build-fuzz/fuzz/findings/<target>-crash-*; reproduce it with
# `build-fuzz/fuzz/<target> <file>`, fix, and commit the file to fuzz/regressions/<target>/.
#
#   fuzz/run.sh                      every target, 30 s each (what .ci/run does)
#   fuzz/run.sh 600 nft_text_fuzzer  one target for 10 minutes
#   FUZZ_RUNS=10000000 fuzz/run.sh 0 frame_parser_fuzzer   a number of executions instead
#   FUZZ_RUNS=10000000 fuzz/run.sh 3600 engine_fuzzer      whichever comes first
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
shift || true
all=(frame_parser_fuzzer pcap_reader_fuzzer nft_text_fuzzer nft_json_fuzzer scenario_fuzzer conformance_fuzzer
     engine_fuzzer)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")
BUILD_DIR=${FLOWSIM_FUZZ_BUILD_DIR:-build-fuzz}

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFLOWSIM_FUZZ=ON \
        -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 "${launcher[@]}" >&2
fi
cmake --build "$BUILD_DIR" -j "$(nproc)" --target "${targets[@]}" >&2
/usr/bin/python3 fuzz/make_seed_corpora.py . "$BUILD_DIR/fuzz/seeds" >/dev/null

dict_of() {
  case $1 in
    frame_parser_fuzzer) echo frame ;;
    pcap_reader_fuzzer) echo pcap ;;
    nft_text_fuzzer) echo nft_text ;;
    nft_json_fuzzer) echo nft_json ;;
    scenario_fuzzer) echo scenario ;;
    conformance_fuzzer) echo conformance ;;
    engine_fuzzer) echo engine ;;
  esac
}

limit=()
[ "$seconds" -gt 0 ] && limit+=(-max_total_time="$seconds")
[ -n "${FUZZ_RUNS:-}" ] && limit+=(-runs="$FUZZ_RUNS")
mkdir -p "$BUILD_DIR/fuzz/findings" "$BUILD_DIR/fuzz/logs"
status=0
for t in "${targets[@]}"; do
  corpus="$BUILD_DIR/fuzz/corpus/$t"
  mkdir -p "$corpus"
  inputs=("$corpus" "$BUILD_DIR/fuzz/seeds/$t")
  [ -d "fuzz/regressions/$t" ] && inputs+=("fuzz/regressions/$t")
  log="$BUILD_DIR/fuzz/logs/$t.log"
  # 2 GB and 10 s per input: a loader that grows memory or loops on a small input is a finding
  # (issue 13 finding 1), not a slow run.
  if "$BUILD_DIR/fuzz/$t" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
       -dict="fuzz/dict/$(dict_of "$t").dict" -artifact_prefix="$BUILD_DIR/fuzz/findings/$t-" \
       "${inputs[@]}" >"$log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    echo "$t: ${runs:-?} executions, no finding" >&2
  else
    echo "$t: FINDING (log: $log)" >&2
    grep -E "^==[0-9]+==ERROR|SUMMARY|unclear error|Test unit written" "$log" | head -5 >&2 || true
    status=1
  fi
done
exit $status
