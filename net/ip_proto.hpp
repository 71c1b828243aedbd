// SPDX-License-Identifier: Apache-2.0
// IP protocol / IPv6 next-header numbers (IANA; Linux include/uapi/linux/in.h IPPROTO_* and
// include/net/ipv6.h NEXTHDR_*), as the byte the header holds.
#pragma once

#include <cstdint>

namespace flowsim::net::ip_proto {

inline constexpr std::uint8_t kHopByHop = 0;
inline constexpr std::uint8_t kIcmp = 1;
inline constexpr std::uint8_t kTcp = 6;
inline constexpr std::uint8_t kUdp = 17;
inline constexpr std::uint8_t kRouting = 43;
inline constexpr std::uint8_t kFragment = 44;
inline constexpr std::uint8_t kGre = 47;
inline constexpr std::uint8_t kEsp = 50;
inline constexpr std::uint8_t kAuth = 51;
inline constexpr std::uint8_t kIcmpv6 = 58;
inline constexpr std::uint8_t kNoNext = 59;
inline constexpr std::uint8_t kDestOpts = 60;
inline constexpr std::uint8_t kSctp = 132;
inline constexpr std::uint8_t kUdpLite = 136;
inline constexpr std::uint8_t kDccp = 33;

}  // namespace flowsim::net::ip_proto
