// SPDX-License-Identifier: Apache-2.0
// What a run asks of the RTL beyond its results: an FST waveform for a window of traffic time
// (flowsim replay --wave FILE --wave-window T0:T1) and Verilator line and toggle coverage
// (--rtl-coverage FILE). Either one builds the blocks that run as RTL from their instrumented
// Verilation (see RtlInstruments); with neither, the plain one runs and nothing here costs
// anything. Header-only, so that configuration code can fill it in without the Verilated models.
#pragma once

#include <cstdint>
#include <limits>
#include <string>

namespace flowsim::model {

struct RtlInstrumentRequest {
  std::string wave_path;  // empty: no waveform
  // The window, in picoseconds of traffic time (since the traffic started, as scenario events
  // count it), both ends included.
  std::uint64_t wave_from_ps = 0;
  std::uint64_t wave_to_ps = std::numeric_limits<std::uint64_t>::max();
  std::string coverage_path;  // empty: no coverage

  bool any() const { return !wave_path.empty() || !coverage_path.empty(); }
};

}  // namespace flowsim::model
