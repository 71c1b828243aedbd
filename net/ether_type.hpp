// SPDX-License-Identifier: Apache-2.0
// EtherType and PPP protocol numbers the datapath understands (Linux
// include/uapi/linux/if_ether.h ETH_P_*, include/uapi/linux/ppp_defs.h PPP_IP/PPP_IPV6), as
// the 16-bit value of the big-endian field.
#pragma once

#include <cstdint>

namespace flowsim::net {

namespace ether_type {
inline constexpr std::uint16_t kIpv4 = 0x0800;
inline constexpr std::uint16_t kArp = 0x0806;
inline constexpr std::uint16_t kVlan = 0x8100;  // 802.1Q
inline constexpr std::uint16_t kQinQ = 0x88a8;  // 802.1ad
inline constexpr std::uint16_t kIpv6 = 0x86dd;
inline constexpr std::uint16_t kPppoeDiscovery = 0x8863;
inline constexpr std::uint16_t kPppoeSession = 0x8864;
}  // namespace ether_type

namespace ppp_proto {
inline constexpr std::uint16_t kIpv4 = 0x0021;
inline constexpr std::uint16_t kIpv6 = 0x0057;
}  // namespace ppp_proto

}  // namespace flowsim::net
