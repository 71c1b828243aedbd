// SPDX-License-Identifier: Apache-2.0
// The parser block's interface: a batch of frames in, for each what the parser hands on to the
// hash unit, the lookup and the rewrite unit (ParsedHeaders). Two implementations exist
// (model/rtl_twin): the C++ twin over net::parse_frame and the Verilated rtl/foe_parser.sv;
// they are bit-identical, and the model runs whichever the scenario asks for.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "hw/flowsim_hw.hpp"  // Generated.

namespace flowsim::model {

// The parser's result, shaped as the hardware's bus to the next blocks. When `exception` is set
// the frame goes to the CPU with `reason` and every other field is 0; otherwise it is an IPv4 or
// IPv6 TCP/UDP packet without options, fragmentation or extension headers, `reason` is 0, and
// the fields describe it.
struct ParsedHeaders {
  bool exception = false;
  hw::PuntReason reason{};
  bool ipv6 = false;
  bool udp = false;              // else TCP
  std::uint8_t tcp_flags = 0;    // 0 for UDP
  std::uint8_t ttl = 0;          // TTL or hop limit
  std::uint8_t vlan_count = 0;   // 802.1Q / 802.1ad tags, 0..2
  bool pppoe = false;            // a PPPoE session header carries the IP packet
  std::uint16_t vid = 0;         // VID of the outer tag (0 without tags)
  std::uint16_t pppoe_sid = 0;
  std::uint16_t l3_offset = 0;   // first byte of the IP header
  std::uint16_t l4_offset = 0;   // first byte of the TCP/UDP header
  std::uint16_t l3_length = 0;   // IPv4 total length, or 40 + IPv6 payload length (mod 2^16)
  // The lookup key as flow-entry words 1..9: IPv4 source, destination, ports (sport << 16 |
  // dport) in key[0..2] and 0 after; IPv6 source words 0..3, destination words 0..3, ports.
  std::array<std::uint32_t, 9> key{};

  friend bool operator==(const ParsedHeaders&, const ParsedHeaders&) = default;
};

class ParserEngine {
 public:
  virtual ~ParserEngine() = default;

  // out[i] = the parse of frames[i] for every i; out.size() must equal frames.size(). Only the
  // first hw::datapath::kParserWindowBytes of a frame are read, and its length. A batch is one
  // burst into the parser's pipeline: one call per packet batch, not per packet.
  virtual void parse(std::span<const std::span<const std::uint8_t>> frames, std::span<ParsedHeaders> out) = 0;
  // A short name for reports ("cpp", "rtl").
  virtual std::string_view name() const = 0;
};

}  // namespace flowsim::model
