#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fails when a layer includes one it must not (shared/DESIGN.md "Layers"): the driver
# reaches the model only through the HAL, the engine reaches the driver only through its
# offload port (net/flow_offload.hpp, shared vocabulary like Linux's include/net/
# flow_offload.h), and only testbench/, tools/ and benchmarks/ wire them together. Unit
# tests (*_test.cpp) sit beside the code they test but are test-bench code: they may use
# the shared test bench (testbench/bench) and the pcap reader, so they are not checked.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
check() {  # check <folder> <forbidden include prefix>...
  local dir=$1; shift
  for prefix in "$@"; do
    if hits=$(grep -rnE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]${prefix}/" "$dir" \
                --include='*.hpp' --include='*.cpp' --include='*.h' --include='*.cc' \
                --exclude='*_test.cpp' 2>/dev/null); then
      echo "layering violation: $dir/ must not include $prefix/:" >&2
      echo "$hits" >&2
      status=1
    fi
  done
}
check net    model driver engine testbench tools benchmarks
check driver model engine testbench tools benchmarks
check engine model driver testbench tools benchmarks
check model  driver engine testbench tools benchmarks
[ $status -eq 0 ] && echo "layering: OK"
exit $status
