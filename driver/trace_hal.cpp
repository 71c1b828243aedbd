// SPDX-License-Identifier: Apache-2.0
#include "driver/trace_hal.hpp"

#include <cstdio>
#include <string>

#include "hw/flowsim_hw.hpp"  // Generated.

namespace flowsim::driver {

std::uint32_t TraceHal::read32(std::uint32_t offset) {
  const std::uint32_t v = inner_.read32(offset);
  record('R', offset, v);
  return v;
}

void TraceHal::write32(std::uint32_t offset, std::uint32_t value) {
  record('W', offset, value);
  inner_.write32(offset, value);
}

void TraceHal::write_block(std::uint32_t offset, std::span<const std::uint32_t> words) {
  for (std::size_t i = 0; i < words.size(); ++i) record('W', offset + static_cast<std::uint32_t>(4 * i), words[i]);
  inner_.write_block(offset, words);
}

void TraceHal::read_block(std::uint32_t offset, std::span<std::uint32_t> words) {
  inner_.read_block(offset, words);
  for (std::size_t i = 0; i < words.size(); ++i) record('R', offset + static_cast<std::uint32_t>(4 * i), words[i]);
}

DmaRegion TraceHal::alloc_dma(std::size_t size) {
  const DmaRegion r = inner_.alloc_dma(size);
  char line[96];
  std::snprintf(line, sizeof line, "%14.3f us  DMA  alloc %zu bytes at 0x%llx\n", inner_.now().count() / 1000.0, size,
                static_cast<unsigned long long>(r.bus_addr));
  out_ << line;
  return r;
}

void TraceHal::record(char dir, std::uint32_t offset, std::uint32_t value) {
  const auto info = hw::find_register(offset);
  const std::string name = info ? std::string(info->name) : "?";
  char line[128];
  std::snprintf(line, sizeof line, "%14.3f us  %c  0x%04x %-18s 0x%08x\n", inner_.now().count() / 1000.0, dir, offset,
                name.c_str(), value);
  out_ << line;
}

}  // namespace flowsim::driver
