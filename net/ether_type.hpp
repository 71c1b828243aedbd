// SPDX-License-Identifier: Apache-2.0
// EtherType, IP protocol and PPP protocol numbers the datapath understands.
#pragma once

#include <cstdint>

namespace flowsim::net {

enum class EtherType : std::uint16_t {
  kIpv4 = 0x0800,
  kArp = 0x0806,
  kVlan = 0x8100,
  kQinQ = 0x88a8,
  kIpv6 = 0x86dd,
  kPppoeDiscovery = 0x8863,
  kPppoeSession = 0x8864,
};

enum class IpProto : std::uint8_t {
  kHopByHop = 0,
  kIcmp = 1,
  kTcp = 6,
  kUdp = 17,
  kRouting = 43,
  kFragment = 44,
  kEsp = 50,
  kAuth = 51,
  kIcmpv6 = 58,
  kNoNext = 59,
  kDestOpts = 60,
};

enum class PppProto : std::uint16_t {
  kIpv4 = 0x0021,
  kIpv6 = 0x0057,
};

}  // namespace flowsim::net
