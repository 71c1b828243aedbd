// SPDX-License-Identifier: Apache-2.0
// Parses one Ethernet frame down to L4: up to two 802.1Q tags, a PPPoE session header,
// IPv4/IPv6 and the TCP/UDP/ICMP header, recording offsets and the properties that decide
// whether a packet can take a fast path (fragment, IPv4 options, IPv6 extension header,
// TTL). It never reads outside the frame; a malformed frame yields a ParseError.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "net/five_tuple.hpp"
#include "net/ip_proto.hpp"

namespace flowsim::net {

enum class L3Kind : std::uint8_t { kNone, kIpv4, kIpv6, kOther };

enum class ParseError : std::uint8_t {
  kNone,
  kRunt,             // shorter than an Ethernet header
  kTruncatedVlan,    // 802.1Q tag cut off
  kTooManyVlans,     // more than two tags
  kTruncatedPppoe,   // PPPoE session header cut off
  kBadPppoe,         // PPPoE version/type not 1/1
  kBadIpv4,          // IPv4 header cut off, version/IHL wrong, or total length inconsistent
  kBadIpv6,          // IPv6 header cut off or payload length inconsistent
};

std::string_view to_string(ParseError e);

struct ParsedFrame {
  ParseError error = ParseError::kNone;
  std::uint8_t vlan_count = 0;
  std::array<std::uint16_t, 2> vlan_ids{};
  bool has_pppoe = false;
  std::uint16_t pppoe_session = 0;
  std::uint16_t ether_type = 0;  // innermost; a PPP protocol is mapped to the IP ethertype
  L3Kind l3 = L3Kind::kNone;
  std::uint16_t l3_offset = 0;
  std::uint16_t l3_length = 0;  // IPv4 total length, or 40 + IPv6 payload length
  std::uint8_t ttl = 0;         // TTL or hop limit
  std::uint8_t l4_proto = 0;    // IPv4 protocol or the IPv6 fixed header's next header
  std::uint16_t l4_offset = 0;
  bool l4_complete = false;     // the TCP/UDP/ICMP header is wholly inside the frame
  bool ipv4_options = false;
  bool ip_fragment = false;     // IPv4 MF/offset, or an IPv6 Fragment header
  bool ipv6_ext_header = false;
  std::uint8_t tcp_flags = 0;
  FiveTuple tuple;              // valid when l4_complete and l4_proto is TCP or UDP

  bool is_tcp_or_udp() const { return l4_complete && (l4_proto == ip_proto::kTcp || l4_proto == ip_proto::kUdp); }
};

ParsedFrame parse_frame(std::span<const std::uint8_t> frame);

}  // namespace flowsim::net
