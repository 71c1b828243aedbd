// SPDX-License-Identifier: Apache-2.0
// One flow table entry as the driver builds, writes and reads it: the 128-byte image of
// hw::desc::FoeEntry (with FoeIpv4 / FoeIpv6 for words 1..9), as 32 host-order words in
// ENTRY_DATA order. A plain value so that the shadow table can keep what it wrote.
#pragma once

#include <array>
#include <cstdint>

namespace flowsim::driver {

struct FlowEntry {
  static constexpr unsigned kWords = 32;
  std::array<std::uint32_t, kWords> words{};

  friend bool operator==(const FlowEntry&, const FlowEntry&) = default;
};

}  // namespace flowsim::driver
