// SPDX-License-Identifier: Apache-2.0
// The flow table's indirect access window (ENTRY_CTRL + ENTRY_DATA[0..31], Airoha's
// REG_PPE_RAM_CTRL style): write, read and invalidate one entry. Each operation is one
// ENTRY_CTRL command followed by a bounded ACK poll; nothing coming back is trusted.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>

#include "driver/device_fault.hpp"
#include "driver/flow_entry.hpp"
#include "driver/hal.hpp"

namespace flowsim::driver {

class EntryWindow {
 public:
  // `timeout`: longest wait for ACK; `poll_interval`: the sleep between two polls.
  EntryWindow(Hal& hal, std::chrono::nanoseconds timeout, std::chrono::nanoseconds poll_interval)
      : hal_(hal), timeout_(timeout), poll_interval_(poll_interval) {}

  // ENTRY_DATA[0..31] := entry, then OP=WRITE. The device applies the image atomically at
  // the command, so the order of the data writes does not matter (no "IB1 last" as with
  // MediaTek's DMA table).
  DeviceFault write(unsigned index, const FlowEntry& entry);
  // OP=READ, then reads only the listed words into `out` (each read is a non-posted MMIO
  // access: reading 6 words instead of 32 is what makes stats cheap). Others are untouched.
  DeviceFault read(unsigned index, std::span<const unsigned> words, FlowEntry& out);
  DeviceFault read_all(unsigned index, FlowEntry& out);
  // OP=INVALIDATE: the entry becomes free; its ENTRY_DATA is left alone.
  DeviceFault invalidate(unsigned index);

 private:
  DeviceFault command(std::uint32_t op, unsigned index);

  Hal& hal_;
  std::chrono::nanoseconds timeout_;
  std::chrono::nanoseconds poll_interval_;
};

}  // namespace flowsim::driver
