// SPDX-License-Identifier: Apache-2.0
// Compares two replays' outputs conversation by conversation: typically the merged shards
// of a capture against the same capture replayed whole (`flowsim compare`), or the C++
// blocks against the RTL. For every conversation leaving every port: are the frames the
// same bytes in the same order (what sharding keeps exact), at the same times, and was it
// punted to the CPU as often (which depends on shared resources: the flow table's occupancy
// and bucket contention, the CPU port's load)? The IPv4 ID of ICMP errors and echo replies
// is not compared: the router's own come from counters shared by all its traffic.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace flowsim::shard {

struct OutputComparison {
  std::uint64_t conversations = 0;         // egress conversations seen in either output
  std::uint64_t only_in_a = 0;
  std::uint64_t only_in_b = 0;
  std::uint64_t same_frames = 0;           // same bytes, same order (of those in both)
  std::uint64_t same_times = 0;            // ... and the same timestamps
  std::uint64_t punted_conversations = 0;  // conversations in either cpu.pcap
  std::uint64_t same_punts = 0;            // punted as often in both
  std::uint64_t frames_a = 0;
  std::uint64_t frames_b = 0;
  std::vector<std::string> first_differences;  // a few, for a person to look at

  bool frames_identical() const { return only_in_a == 0 && only_in_b == 0 && same_frames == conversations; }
  std::string to_json() const;
  std::string to_text() const;
};

// `a` and `b` are replay output folders (or merged shard groups): every *.pcap in them but
// cpu.pcap is an egress port; cpu.pcap's punts are counted per conversation. Throws
// net::InputError for unreadable files or ports missing in one of them.
OutputComparison compare_outputs(const std::filesystem::path& a, const std::filesystem::path& b);

}  // namespace flowsim::shard
