// SPDX-License-Identifier: Apache-2.0
// One packet record of a capture file as the testbench sees it: its position in the file,
// its timestamp in nanoseconds whatever the file's precision, and the captured bytes, which
// may be fewer than the frame had on the wire when the capture used a snaplen.
#pragma once

#include <cstdint>
#include <vector>

namespace flowsim::pcap {

struct PcapRecord {
  std::uint64_t index = 0;         // 1-based packet number in its file
  std::uint64_t timestamp_ns = 0;  // since the Unix epoch
  std::uint32_t wire_length = 0;   // length of the frame on the wire
  std::vector<std::uint8_t> bytes; // the captured bytes (caplen of them)

  bool truncated() const { return bytes.size() < wire_length; }
};

}  // namespace flowsim::pcap
