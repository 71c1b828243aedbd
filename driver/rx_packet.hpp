// SPDX-License-Identifier: Apache-2.0
// A frame the hardware punted to the CPU, as the driver hands it up: the bytes (valid until
// the handler returns) and what the RX descriptor says about it.
#pragma once

#include <cstdint>
#include <span>

#include "hw/flowsim_hw.hpp"  // Generated.

namespace flowsim::driver {

struct RxPacket {
  std::span<const std::uint8_t> bytes;
  unsigned src_port = 0;
  hw::PuntReason reason = hw::PuntReason::kNoFlow;
  std::uint32_t foe_index = 0x7fff;
  std::uint32_t hash = 0;
  bool truncated = false;  // the frame was longer than the RX buffer
};

}  // namespace flowsim::driver
