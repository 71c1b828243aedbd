// SPDX-License-Identifier: Apache-2.0
// TEST ONLY: offload requests as the engine would make them for a home router — a LAN host
// (port 2) behind masquerade on the WAN (port 1) — for the driver's tests and benchmark.
// Both directions are built the way nf_flow_table fills them (flowtable.md §1.1, §3).
#pragma once

#include <array>
#include <cstdint>

#include "net/flow_offload.hpp"
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
inline net::OffloadFlow ipv4_flow(std::uint64_t cookie, std::uint32_t lan_ip, std::uint16_t lan_port,
                                     std::uint32_t server_ip, std::uint16_t server_port, std::uint8_t proto = 6,
                                     bool nat = true) {
  using net::FiveTuple;
  using net::Ipv4Addr;
  const std::uint32_t outside_ip = nat ? kWanIp : lan_ip;
  net::OffloadFlow f;
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
inline net::OffloadFlow ipv6_flow(std::uint64_t cookie, const net::Ipv6Addr& lan, std::uint16_t lan_port,
                                     const net::Ipv6Addr& server, std::uint16_t server_port, std::uint8_t proto = 6) {
  using net::FiveTuple;
  net::OffloadFlow f = ipv4_flow(cookie, 0, lan_port, 0, server_port, proto, false);
  f.dir[0].match = f.dir[0].rewrite = FiveTuple::ipv6(lan, server, proto, lan_port, server_port);
  f.dir[1].match = f.dir[1].rewrite = FiveTuple::ipv6(server, lan, proto, server_port, lan_port);
  return f;
}

// The entry of ipv4_flow(c, 192.168.1.10, 51234, 93.184.216.34, 443)'s original direction
// (TCP, NAT), derived by hand from the FOE_ENTRY / FOE_IPV4 layout in rtl/spec/flowsim_hw.yaml.
inline std::array<std::uint32_t, 32> napt_original_words() {
  std::array<std::uint32_t, 32> w{};
  w[0] = 0x20180000;   // IB1: STATE=BIND (2 << 28), TTL_DEC (bit 20), MIB_EN (bit 19), TYPE=HNAPT (0), TCP
  w[1] = 0xc0a8010a;   // ORIG_SIP 192.168.1.10
  w[2] = 0x5db8d822;   // ORIG_DIP 93.184.216.34
  w[3] = 0xc82201bb;   // ORIG_PORTS sport 51234 (0xc822) << 16 | dport 443 (0x01bb)
  w[4] = 0xcb007105;   // NEW_SIP 203.0.113.5 (masquerade)
  w[5] = 0x5db8d822;   // NEW_DIP unchanged
  w[6] = 0xc82201bb;   // NEW_PORTS unchanged (port kept)
  w[15] = 0x00000001;  // IB2: DEST_PORT 1 (WAN)
  w[16] = 0x02000000;  // DMAC_HI 02:00:00:00 (gateway 02:00:00:00:02:fe)
  w[17] = 0x000002fe;  // DMAC_LO 02:fe
  w[18] = 0x02000000;  // SMAC_HI 02:00:00:00 (WAN interface 02:00:00:00:02:01)
  w[19] = 0x00000201;  // SMAC_LO 02:01
  w[22] = 0x00000012;  // MATCH: IN_PORT 2 (LAN), IN_PORT_VALID (bit 4)
  w[24] = 0x000005dc;  // MTU 1500
  return w;
}

}  // namespace flowsim::driver::testing
