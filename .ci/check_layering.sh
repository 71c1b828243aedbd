#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Fails when a layer includes one it must not (shared/DESIGN.md "Layers"): the driver
# reaches the model only through the HAL, the engine reaches the driver only through its
# offload port, and only testbench/, tools/ and benchmarks/ wire them together. Unit tests
# (*_test.cpp) sit beside the code they test but are test-bench code: they may use the
# shared test bench (testbench/bench) and the pcap reader, so they are not checked.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
# The one header a layer may take from a forbidden one: the engine's offload port
# (engine/flow_offload.hpp, an interface with no engine code), which the driver implements.
allowed_driver='[<"]engine/flow_offload\.hpp[>"]'
check() {  # check <folder> <forbidden include prefix>...
  local dir=$1; shift
  local allow_var="allowed_${dir}"
  local allow=${!allow_var:-'^$'}
  for prefix in "$@"; do
    if hits=$(grep -rnE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]${prefix}/" "$dir" \
                --include='*.hpp' --include='*.cpp' --include='*.h' --include='*.cc' \
                --exclude='*_test.cpp' 2>/dev/null | grep -vE "$allow"); then
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
