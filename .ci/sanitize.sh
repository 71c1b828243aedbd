#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The whole CTest suite built with AddressSanitizer + UndefinedBehaviorSanitizer (g++), in its
# own build directory (README "Sanitizers and fuzzing"). Any report fails the test it is in:
# UBSan does not recover, ASan aborts. Arguments go to ctest (e.g. -R engine_test).
set -euo pipefail
cd "$(dirname "$0")/.."
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
BUILD_DIR=${FLOWSIM_ASAN_BUILD_DIR:-build-asan}
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  # -O1 -g1: ASan's usual optimisation, line tables for its stack traces, half the compile time.
  cmake -S . -B "$BUILD_DIR" -DFLOWSIM_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
        "${launcher[@]}" >&2
fi
cmake --build "$BUILD_DIR" -j "$(nproc)" >&2
# SystemC binaries wrap sc_start so that ASan knows the main stack again after it
# (testbench/sc_main/asan_main_stack.cpp; reproducer: .ci/asan/systemc_main_stack_repro.cpp).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
exec ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$(nproc)" -LE "slow|bench" "$@"
