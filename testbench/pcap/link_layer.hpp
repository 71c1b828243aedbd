// SPDX-License-Identifier: Apache-2.0
// The link types a capture can come in and how a record of each becomes the Ethernet frame
// the router's ports take: Ethernet as it is, Linux cooked captures (SLL, SLL2) with their
// source MAC and protocol, raw IP and BSD loopback with an Ethernet header made up for them.
// What a capture does not hold (a destination MAC in a cooked capture, any MAC for raw IP) is
// zero, and the record says its MACs are made up, so that endpoint emulation invents them.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace flowsim::pcap {

// LINKTYPE_* values of the pcap and pcapng file formats (tcpdump.org/linktypes.html).
enum class LinkType : std::uint16_t {
  kNull = 0,       // BSD loopback: 4-byte address family in the writer's byte order
  kEthernet = 1,
  kRawOld12 = 12,  // raw IP as some systems numbered DLT_RAW in old files
  kRawOld14 = 14,
  kRaw = 101,      // raw IPv4 or IPv6, the version nibble says which
  kLoop = 108,     // OpenBSD loopback: the address family in network byte order
  kLinuxSll = 113,
  kIpv4 = 228,
  kIpv6 = 229,
  kLinuxSll2 = 276,
};

// Whether records of this link type can be turned into Ethernet frames.
bool link_type_supported(std::uint16_t link_type);
// "LINUX_SLL (113)": libpcap's name of the link type and its number.
std::string link_type_name(std::uint16_t link_type);

struct LinkConversion {
  // Empty if the frame was made; otherwise why not, as a reason name ("link_header_cut").
  std::string_view error;
  bool synthetic_macs = false;  // some MAC address was not in the capture
  // Bytes the frame is longer (positive) or shorter than the record: the record's link
  // header replaced by Ethernet's. The frame's wire length changes by as much.
  int length_change = 0;
};

// Writes into `frame` the Ethernet frame (no FCS) for the captured bytes `data` of a record of
// `link_type`, which must be supported. Reuses `frame`'s storage.
LinkConversion to_ethernet(std::uint16_t link_type, std::span<const std::uint8_t> data,
                           std::vector<std::uint8_t>& frame);

}  // namespace flowsim::pcap
