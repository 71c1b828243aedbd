// SPDX-License-Identifier: Apache-2.0
// Per-entry MIB counters through MIB_SER_CR / MIB_SER_R0..R3 (mtk_mib_entry_read): latch one
// entry's 64-bit packet and byte counters, then read them. With MIB_CFG.RD_CLR the latch also
// clears them, so every read is a delta.
#pragma once

#include <chrono>
#include <cstdint>

#include "driver/device_fault.hpp"
#include "driver/hal.hpp"

namespace flowsim::driver {

struct MibCounters {
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;  // frames as received, without FCS
};

class MibWindow {
 public:
  MibWindow(Hal& hal, std::chrono::nanoseconds timeout, std::chrono::nanoseconds poll_interval)
      : hal_(hal), timeout_(timeout), poll_interval_(poll_interval) {}

  DeviceFault read(unsigned index, MibCounters& out);

 private:
  Hal& hal_;
  std::chrono::nanoseconds timeout_;
  std::chrono::nanoseconds poll_interval_;
};

}  // namespace flowsim::driver
