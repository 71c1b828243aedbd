// SPDX-License-Identifier: Apache-2.0
// Packet counters of the software engine: what came in per interface, what went out per
// interface, and every drop by reason. received == forwarded + sum(drops) always holds.
#pragma once

#include <array>
#include <cstdint>
#include <numeric>
#include <vector>

#include "engine/drop_reason.hpp"

namespace flowsim::engine {

struct EngineStats {
  std::uint64_t received = 0;
  std::uint64_t forwarded = 0;
  std::array<std::uint64_t, kDropReasonCount> drops{};
  std::vector<std::uint64_t> received_by_ifindex;   // sized to the interface count
  std::vector<std::uint64_t> forwarded_by_ifindex;  // indexed by egress ifindex

  std::uint64_t dropped(DropReason r) const { return drops[static_cast<std::size_t>(r)]; }
  std::uint64_t dropped_total() const { return std::accumulate(drops.begin(), drops.end(), std::uint64_t{0}); }
};

}  // namespace flowsim::engine
