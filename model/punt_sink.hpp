// SPDX-License-Identifier: Apache-2.0
// The interfaces between the datapath blocks: a frame punted to the CPU port with its
// reason, a frame handed to an egress port, and an interrupt cause raised by a block that
// does not own the interrupt line. Blocks depend on these, not on each other.
#pragma once

#include <cstdint>

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
  // Takes ownership of `frame`; it reaches the CPU port at `at_ps` (absolute, picoseconds,
  // not before the model's present).
  virtual void punt(Frame* frame, const PuntInfo& info, std::uint64_t at_ps) = 0;
};

class InterruptSink {
 public:
  virtual ~InterruptSink() = default;
  // Sets `status_bits` in IRQ_STATUS and updates the interrupt line.
  virtual void raise_irq(std::uint32_t status_bits) = 0;
};

class EgressSink {
 public:
  virtual ~EgressSink() = default;
  // Takes ownership of `frame` (frame->port is the egress port); it reaches the egress
  // block at `at_ps` (absolute, picoseconds, not before the model's present).
  virtual void enqueue(Frame* frame, std::uint64_t at_ps) = 0;
};

}  // namespace flowsim::model
