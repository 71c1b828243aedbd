// SPDX-License-Identifier: Apache-2.0
// The 5-tuple of a TCP/UDP flow, for IPv4 or IPv6. IPv4 addresses occupy the first four
// bytes of the 16-byte fields (network order), the rest is zero, so that comparison and
// hashing take one span for both families.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <cstring>
#include <string>

#include "net/ipv4_addr.hpp"
#include "net/ipv6_addr.hpp"

namespace flowsim::net {

struct FiveTuple {
  std::array<std::uint8_t, 16> src{};
  std::array<std::uint8_t, 16> dst{};
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint8_t proto = 0;
  std::uint8_t family = 4;  // 4 or 6

  static FiveTuple ipv4(Ipv4Addr s, Ipv4Addr d, std::uint8_t proto, std::uint16_t sp, std::uint16_t dp);
  static FiveTuple ipv6(const Ipv6Addr& s, const Ipv6Addr& d, std::uint8_t proto, std::uint16_t sp,
                        std::uint16_t dp);

  Ipv4Addr src_v4() const;
  Ipv4Addr dst_v4() const;
  Ipv6Addr src_v6() const { return Ipv6Addr(src); }
  Ipv6Addr dst_v6() const { return Ipv6Addr(dst); }
  FiveTuple reversed() const;
  std::string to_string() const;

  friend bool operator==(const FiveTuple&, const FiveTuple&) = default;
  friend auto operator<=>(const FiveTuple&, const FiveTuple&) = default;
};

}  // namespace flowsim::net
