// SPDX-License-Identifier: Apache-2.0
// A HAL backend that records every register access of the backend it wraps — time,
// direction, offset, register name from the generated map, value — one line each, so a
// driver developer can read exactly what the driver did to the device.
#pragma once

#include <ostream>

#include "driver/hal.hpp"

namespace flowsim::driver {

class TraceHal : public Hal {
 public:
  TraceHal(Hal& inner, std::ostream& out) : inner_(inner), out_(out) {}

  std::uint32_t read32(std::uint32_t offset) override;
  void write32(std::uint32_t offset, std::uint32_t value) override;
  // Bursts are recorded word by word: the trace shows the same accesses either way.
  void write_block(std::uint32_t offset, std::span<const std::uint32_t> words) override;
  void read_block(std::uint32_t offset, std::span<std::uint32_t> words) override;
  void sync_for_cpu() override { inner_.sync_for_cpu(); }
  void sync() override { inner_.sync(); }
  DmaRegion alloc_dma(std::size_t size) override;
  void sleep(std::chrono::nanoseconds duration) override { inner_.sleep(duration); }
  std::chrono::nanoseconds now() const override { return inner_.now(); }

 private:
  void record(char dir, std::uint32_t offset, std::uint32_t value);

  Hal& inner_;
  std::ostream& out_;
};

}  // namespace flowsim::driver
