// SPDX-License-Identifier: Apache-2.0
// The parser block: reads the first bytes of a frame and classifies it for the lookup
// (L2 encapsulation, L3/L4 offsets, the exception flags that force a punt). Only headers
// are read; the frame length comes from the MAC.
#pragma once

#include <cstddef>
#include <span>

#include "hw/flowsim_hw.hpp"  // Generated.
#include "net/frame_parser.hpp"

namespace flowsim::model {

class Parser {
 public:
  struct Result {
    net::ParsedFrame frame;
    // Set when the frame cannot be looked up at all and must go to the CPU.
    bool exception = false;
    hw::PuntReason reason = hw::PuntReason::kNoFlow;
  };

  Result parse(std::span<const std::uint8_t> frame) const;
};

}  // namespace flowsim::model
