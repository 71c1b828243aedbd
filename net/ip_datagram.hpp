// SPDX-License-Identifier: Apache-2.0
// Reading an IP datagram whose family is known only from its version nibble: its addresses
// as one type for both families (what route and neighbour lookups take). The header must
// have been checked (parse_frame, or the code that built it); a datagram that is neither a
// whole IPv4 nor a whole IPv6 header throws std::bad_optional_access — a caller's bug.
#pragma once

#include <cstdint>
#include <span>
#include <variant>

#include "net/ipv4_header.hpp"
#include "net/ipv6_header.hpp"

namespace flowsim::net {

using IpAddr = std::variant<Ipv4Addr, Ipv6Addr>;

inline bool is_ipv4_datagram(std::span<const std::uint8_t> d) { return !d.empty() && (d[0] >> 4) == 4; }

inline IpAddr datagram_src(std::span<const std::uint8_t> d) {
  if (is_ipv4_datagram(d)) return ConstIpv4Header::at(d, 0).value().src();
  return ConstIpv6Header::at(d, 0).value().src();
}

inline IpAddr datagram_dst(std::span<const std::uint8_t> d) {
  if (is_ipv4_datagram(d)) return ConstIpv4Header::at(d, 0).value().dst();
  return ConstIpv6Header::at(d, 0).value().dst();
}

}  // namespace flowsim::net
