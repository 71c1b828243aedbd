// SPDX-License-Identifier: Apache-2.0
// A frame the hardware punted to the CPU, as the driver hands it up: the bytes (valid until
// the handler returns) and what the RX descriptor says about it.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "hw/flowsim_hw.hpp"  // Generated.

namespace flowsim::driver {

// Why the driver refused a descriptor the device wrote: the device is not trusted, and a
// value no device may produce means its other fields cannot be believed either.
enum class RxDescriptorError : std::uint8_t {
  kNone,
  kSrcPort,  // INFO.SRC_PORT names a port the device does not have (CAPS.NUM_PORTS)
  kReason,   // INFO.REASON is not a punt reason code
  kLength,   // LEN.PKT_LEN is 0 or beyond the buffer
};

constexpr std::string_view to_string(RxDescriptorError e) {
  switch (e) {
    case RxDescriptorError::kNone: return "none";
    case RxDescriptorError::kSrcPort: return "src_port";
    case RxDescriptorError::kReason: return "reason";
    case RxDescriptorError::kLength: return "length";
  }
  return "unknown";
}

struct RxPacket {
  std::span<const std::uint8_t> bytes;
  unsigned src_port = 0;
  hw::PuntReason reason = hw::PuntReason::kNoFlow;
  std::uint32_t foe_index = 0x7fff;
  std::uint32_t hash = 0;
  bool truncated = false;  // the frame was longer than the RX buffer
  // Not kNone: the descriptor failed the driver's checks; `bytes` must not be used and the
  // frame counts as dropped (rx_bad_descriptor).
  RxDescriptorError error = RxDescriptorError::kNone;
};

}  // namespace flowsim::driver
