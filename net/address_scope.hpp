// SPDX-License-Identifier: Apache-2.0
// What kind of address an IP address is, as Linux's ipv4_is_* helpers and ipv6_addr_type()
// classify them: link-local (169.254/16, fe80::/10), private (RFC 1918, RFC 4193 unique
// local), loopback, multicast, unspecified; and the EUI-64 link-local address Linux's
// addrconf gives an Ethernet interface (RFC 4291 appendix A).
#pragma once

#include <array>
#include <cstdint>

#include "net/ipv4_addr.hpp"
#include "net/ipv6_addr.hpp"
#include "net/mac_addr.hpp"

namespace flowsim::net {

constexpr bool is_link_local(Ipv4Addr a) { return (a.value() & 0xffff0000u) == 0xa9fe0000u; }
constexpr bool is_loopback(Ipv4Addr a) { return (a.value() >> 24) == 127; }
constexpr bool is_multicast(Ipv4Addr a) { return (a.value() >> 28) == 0xe; }
constexpr bool is_limited_broadcast(Ipv4Addr a) { return a.value() == 0xffffffffu; }
constexpr bool is_zeronet(Ipv4Addr a) { return (a.value() >> 24) == 0; }
constexpr bool is_private(Ipv4Addr a) {
  const std::uint32_t v = a.value();
  return (v >> 24) == 10 || (v & 0xfff00000u) == 0xac100000u || (v & 0xffff0000u) == 0xc0a80000u;
}
// RFC 6598 shared address space (carrier-grade NAT), private to an ISP's access network.
constexpr bool is_shared(Ipv4Addr a) { return (a.value() & 0xffc00000u) == 0x64400000u; }

inline bool is_link_local(const Ipv6Addr& a) { return a.bytes()[0] == 0xfe && (a.bytes()[1] & 0xc0) == 0x80; }
inline bool is_multicast(const Ipv6Addr& a) { return a.bytes()[0] == 0xff; }
inline bool is_private(const Ipv6Addr& a) { return (a.bytes()[0] & 0xfe) == 0xfc; }
inline bool is_unspecified(const Ipv6Addr& a) { return a == Ipv6Addr{}; }
inline bool is_loopback(const Ipv6Addr& a) {
  std::array<std::uint8_t, 16> one{};
  one[15] = 1;
  return a.bytes() == one;
}

// fe80::/64 with the interface identifier made from the MAC (EUI-64, universal/local bit
// flipped), as addrconf_ifid_eui48 does.
inline Ipv6Addr eui64_link_local(const MacAddr& mac) {
  const auto& m = mac.bytes();
  return Ipv6Addr(std::array<std::uint8_t, 16>{0xfe, 0x80, 0, 0, 0, 0, 0, 0, static_cast<std::uint8_t>(m[0] ^ 0x02),
                                               m[1], m[2], 0xff, 0xfe, m[3], m[4], m[5]});
}

}  // namespace flowsim::net
