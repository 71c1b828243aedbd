// SPDX-License-Identifier: Apache-2.0
// Short or full mode for flowsim's benchmarks. Short (the default, and what CTest's `bench`
// label runs) takes seconds and keeps the benchmarks from rotting; full is what the README's
// table and the committed baseline were measured with (benchmarks/run_benchmarks.sh --full
// sets FLOWSIM_BENCH=full).
#pragma once

#include <cstdlib>
#include <string_view>

namespace flowsim::bench {

inline bool full_mode() {
  const char* v = std::getenv("FLOWSIM_BENCH");
  return v != nullptr && std::string_view(v) == "full";
}

// `full` in full mode, `short_value` otherwise.
template <class T>
T by_mode(T short_value, T full) {
  return full_mode() ? full : short_value;
}

}  // namespace flowsim::bench
