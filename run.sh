#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# flowsim's two commands (README "Quick start"); each installs what is missing, builds what
# is stale, then does its job:
#   ./run.sh demo   replay the bundled default trace through the default scenario, print the report
#   ./run.sh test   run the whole test suite through CTest
# Extra arguments after `test` go to ctest (e.g. ./run.sh test -L model).
set -euo pipefail
export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
cd "$(dirname "$0")"

# Debian 12 packages. --no-install-recommends keeps python3-scapy from pulling ~390 MB.
PACKAGES=(cmake g++ make pkg-config ccache verilator libsystemc-dev libpcap-dev zlib1g-dev
          googletest libgtest-dev libbenchmark-dev libyaml-cpp-dev nlohmann-json3-dev libcli11-dev
          libfmt-dev python3 python3-yaml python3-scapy tshark
          slurm-wlm munge gnuplot-nox
          # the instruction-count gate of .ci/run (benchmarks/instruction_gate.py)
          valgrind
          # the libFuzzer targets of .ci/run (fuzz/run.sh): clang and its libFuzzer runtime
          clang-14 libclang-rt-14-dev
          # the kernel differential (testbench/kernel): namespaces, veths, nft, offloads, conntrack
          iproute2 nftables ethtool conntrack)
BUILD_DIR=${FLOWSIM_BUILD_DIR:-build}

install_missing() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  echo "installing: ${missing[*]}" >&2
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  # tshark asks whether non-root users may capture; answer it non-interactively.
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

build() {
  local launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
    cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" >&2
  fi
  cmake --build "$BUILD_DIR" -j "$(nproc)" >&2
}

cmd=${1:-}
shift || true
case "$cmd" in
  demo)
    install_missing
    build
    exec "$BUILD_DIR/tools/flowsim" replay scenarios/home_router.yaml --out out/home_router "$@"
    ;;
  test)
    install_missing
    build
    exec ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$(nproc)" "$@"
    ;;
  *)
    echo "usage: ./run.sh demo | ./run.sh test [ctest args]" >&2
    exit 1
    ;;
esac
