// SPDX-License-Identifier: Apache-2.0
// Packet counters of the software engine: what came in per interface, what went out per
// interface (and how much of it the software flowtable fast path forwarded), every drop by
// reason, why packets took the slow path, and the packets the router generated itself.
// received == forwarded + sum(drops) + stolen always holds (stolen: IPv4 fragments held for
// reassembly, see defrag); generated packets and the extra fragments of fragmented ones are
// extra.
#pragma once

#include <array>
#include <cstdint>
#include <numeric>
#include <vector>

#include "engine/drop_reason.hpp"
#include "engine/slow_path_reason.hpp"

namespace flowsim::engine {

struct EngineStats {
  std::uint64_t received = 0;
  std::uint64_t forwarded = 0;
  std::uint64_t fast_path = 0;  // of `forwarded`: by the software flowtable
  std::array<std::uint64_t, kDropReasonCount> drops{};
  // Packets that reached the flowtable hook (IP, for us) and continued on the slow path.
  std::array<std::uint64_t, kSlowPathReasonCount> slow_path{};
  std::uint64_t generated = 0;                      // packets the router sent itself (ICMP, RST)
  std::uint64_t stolen = 0;           // IPv4 fragments taken into a reassembly queue
  std::uint64_t fragmented = 0;       // forwarded packets sent as fragments (ip_do_fragment)
  std::uint64_t fragments_extra = 0;  // their fragments beyond the first
  std::vector<std::uint64_t> received_by_ifindex;   // sized to the interface count
  std::vector<std::uint64_t> forwarded_by_ifindex;  // indexed by egress ifindex
  std::vector<std::uint64_t> generated_by_ifindex;  // indexed by egress ifindex

  std::uint64_t dropped(DropReason r) const { return drops[static_cast<std::size_t>(r)]; }
  std::uint64_t dropped_total() const { return std::accumulate(drops.begin(), drops.end(), std::uint64_t{0}); }
  std::uint64_t slow(SlowPathReason r) const { return slow_path[static_cast<std::size_t>(r)]; }
};

}  // namespace flowsim::engine
