// SPDX-License-Identifier: Apache-2.0
// TEST ONLY: offload requests as the engine would make them for a home router — a LAN host
// (port 2) behind masquerade on the WAN (port 1) — for the driver's tests and benchmark.
// Both directions are built the way nf_flow_table fills them (flowtable.md §1.1, §3).
#pragma once

#include <cstdint>

#include "engine/flow_offload.hpp"
#include "net/ipv4_addr.hpp"
#include "net/ipv6_addr.hpp"
#include "net/mac_addr.hpp"

namespace flowsim::driver::testing {

inline constexpr unsigned kLanPort = 2;
inline constexpr unsigned kWanPort = 1;
inline const net::MacAddr kLanHostMac({0x02, 0, 0, 0, 0x01, 0x64});
inline const net::MacAddr kLanIfMac({0x02, 0, 0, 0, 0x01, 0x01});
inline const net::MacAddr kWanIfMac({0x02, 0, 0, 0, 0x02, 0x01});
inline const net::MacAddr kWanGatewayMac({0x02, 0, 0, 0, 0x02, 0xfe});
inline constexpr std::uint32_t kWanIp = 0xcb007105;  // 203.0.113.5

// LAN lan_ip:lan_port -> server_ip:server_port, source NAT to kWanIp (port kept). With
// `nat` false the same flow is routed unchanged.
inline engine::OffloadFlow ipv4_flow(std::uint64_t cookie, std::uint32_t lan_ip, std::uint16_t lan_port,
                                     std::uint32_t server_ip, std::uint16_t server_port, std::uint8_t proto = 6,
                                     bool nat = true) {
  using net::FiveTuple;
  using net::Ipv4Addr;
  const std::uint32_t outside_ip = nat ? kWanIp : lan_ip;
  engine::OffloadFlow f;
  f.cookie = cookie;
  f.snat = nat;
  auto& o = f.dir[0];
  o.match = FiveTuple::ipv4(Ipv4Addr(lan_ip), Ipv4Addr(server_ip), proto, lan_port, server_port);
  o.rewrite = FiveTuple::ipv4(Ipv4Addr(outside_ip), Ipv4Addr(server_ip), proto, lan_port, server_port);
  o.ingress_port = kLanPort;
  o.egress_port = kWanPort;
  o.src_mac = kWanIfMac;
  o.dst_mac = kWanGatewayMac;
  auto& r = f.dir[1];
  r.match = FiveTuple::ipv4(Ipv4Addr(server_ip), Ipv4Addr(outside_ip), proto, server_port, lan_port);
  r.rewrite = FiveTuple::ipv4(Ipv4Addr(server_ip), Ipv4Addr(lan_ip), proto, server_port, lan_port);
  r.ingress_port = kWanPort;
  r.egress_port = kLanPort;
  r.src_mac = kLanIfMac;
  r.dst_mac = kLanHostMac;
  return f;
}

// The IPv6 equivalent, routed (no NAT): what an MT7621-class PPE can offload.
inline engine::OffloadFlow ipv6_flow(std::uint64_t cookie, const net::Ipv6Addr& lan, std::uint16_t lan_port,
                                     const net::Ipv6Addr& server, std::uint16_t server_port, std::uint8_t proto = 6) {
  using net::FiveTuple;
  engine::OffloadFlow f = ipv4_flow(cookie, 0, lan_port, 0, server_port, proto, false);
  f.dir[0].match = f.dir[0].rewrite = FiveTuple::ipv6(lan, server, proto, lan_port, server_port);
  f.dir[1].match = f.dir[1].rewrite = FiveTuple::ipv6(server, lan, proto, server_port, lan_port);
  return f;
}

}  // namespace flowsim::driver::testing
