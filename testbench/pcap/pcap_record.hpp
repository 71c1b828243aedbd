// SPDX-License-Identifier: Apache-2.0
// One packet record of a capture file as the testbench sees it: its number in the file (the
// packet number Wireshark shows), its timestamp in nanoseconds whatever the file's
// precision, the pcapng interface it was captured on, and the Ethernet frame it is (records of
// other link types converted, see link_layer.hpp), which may be shorter than the frame was
// on the wire when the capture used a snaplen.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace flowsim::pcap {

struct PcapRecord {
  std::uint64_t index = 0;          // 1-based packet number in its file
  std::uint64_t timestamp_ns = 0;   // since the Unix epoch
  std::uint32_t wire_length = 0;    // length of the frame on the wire (as Ethernet, no FCS)
  std::vector<std::uint8_t> bytes;  // the captured bytes (caplen of them), as Ethernet
  std::uint32_t interface = 0;      // pcapng interface, numbered through the file from 0; 0 in a pcap
  std::uint16_t link_type = 1;      // LINKTYPE_* the record was captured with
  bool synthetic_macs = false;      // a MAC address is not from the capture (cooked, raw IP)
  // Empty if `bytes` is a frame; otherwise why the record cannot be one, as a reason name
  // ("unsupported_link_type", "link_header_cut"); `bytes` is then empty.
  std::string_view unusable;

  bool truncated() const { return bytes.size() < wire_length; }
};

}  // namespace flowsim::pcap
