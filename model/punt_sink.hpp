// SPDX-License-Identifier: Apache-2.0
// The interfaces between the datapath blocks: a frame punted to the CPU port with its
// reason, and a frame handed to an egress port. Blocks depend on these, not on each other.
#pragma once

#include <cstdint>
#include <systemc>

#include "hw/flowsim_hw.hpp"  // Generated.
#include "model/frame.hpp"

namespace flowsim::model {

struct PuntInfo {
  hw::PuntReason reason = hw::PuntReason::kNoFlow;
  std::uint32_t foe_index = 0x7fff;  // none
  std::uint32_t hash = 0;
};

class PuntSink {
 public:
  virtual ~PuntSink() = default;
  // Takes ownership of `frame`; it reaches the CPU port `delay` after now.
  virtual void punt(Frame* frame, const PuntInfo& info, const sc_core::sc_time& delay) = 0;
};

class EgressSink {
 public:
  virtual ~EgressSink() = default;
  // Takes ownership of `frame` (frame->port is the egress port); it reaches the egress
  // queue `delay` after now.
  virtual void enqueue(Frame* frame, const sc_core::sc_time& delay) = 0;
};

}  // namespace flowsim::model
