// SPDX-License-Identifier: Apache-2.0
// TEST ONLY: a minimal Ethernet/IPv4/UDP frame for model and driver benches, whose
// exact bytes matter only as "what went in must come out"; header correctness is
// tested in net/ against Scapy.
#pragma once

#include <cstdint>
#include <vector>

#include "net/checksum.hpp"
#include "net/ethernet_header.hpp"
#include "net/ipv4_header.hpp"
#include "net/tcp_header.hpp"
#include "net/udp_header.hpp"

namespace flowsim::testbench {

inline std::vector<std::uint8_t> udp4_frame(std::uint32_t src_ip, std::uint32_t dst_ip, std::uint16_t sport,
                                            std::uint16_t dport, std::size_t payload = 18, std::uint8_t ttl = 64) {
  std::vector<std::uint8_t> f(14 + 20 + 8 + payload);
  const std::span<std::uint8_t> s(f);
  auto eth = net::EthernetHeader::at(s).value();
  eth.set_dst(net::MacAddr({0x02, 0, 0, 0, 0x01, 0x01}));
  eth.set_src(net::MacAddr({0x02, 0, 0, 0, 0x01, 0x64}));
  eth.set_ether_type(0x0800);
  f[14] = 0x45;
  f[22] = ttl;
  f[23] = 17;
  auto ip = net::Ipv4Header::at(s, 14).value();
  ip.set_total_length(static_cast<std::uint16_t>(20 + 8 + payload));
  ip.set_src(net::Ipv4Addr(src_ip));
  ip.set_dst(net::Ipv4Addr(dst_ip));
  ip.set_checksum(net::internet_checksum(s.subspan(14, 20)));
  auto udp = net::UdpHeader::at(s, 34).value();
  udp.set_src_port(sport);
  udp.set_dst_port(dport);
  f[38] = 0;
  f[39] = static_cast<std::uint8_t>(8 + payload);
  for (std::size_t i = 0; i < payload; ++i) f[42 + i] = static_cast<std::uint8_t>(i);
  udp.set_checksum(net::udp_checksum_mangled(
      net::l4_checksum(net::Ipv4Addr(src_ip), net::Ipv4Addr(dst_ip), 17, s.subspan(34))));
  return f;
}

// The same for TCP (20-byte header, no options) with the given flags (net::TcpHeader::kFin...).
inline std::vector<std::uint8_t> tcp4_frame(std::uint32_t src_ip, std::uint32_t dst_ip, std::uint16_t sport,
                                            std::uint16_t dport, std::uint8_t flags = net::TcpHeader::kAck,
                                            std::size_t payload = 18, std::uint8_t ttl = 64) {
  std::vector<std::uint8_t> f(14 + 20 + 20 + payload);
  const std::span<std::uint8_t> s(f);
  auto eth = net::EthernetHeader::at(s).value();
  eth.set_dst(net::MacAddr({0x02, 0, 0, 0, 0x01, 0x01}));
  eth.set_src(net::MacAddr({0x02, 0, 0, 0, 0x01, 0x64}));
  eth.set_ether_type(0x0800);
  f[14] = 0x45;
  f[22] = ttl;
  f[23] = 6;
  auto ip = net::Ipv4Header::at(s, 14).value();
  ip.set_total_length(static_cast<std::uint16_t>(20 + 20 + payload));
  ip.set_src(net::Ipv4Addr(src_ip));
  ip.set_dst(net::Ipv4Addr(dst_ip));
  ip.set_checksum(net::internet_checksum(s.subspan(14, 20)));
  f[34 + 12] = 0x50;  // data offset 5
  f[34 + 13] = flags;
  f[34 + 14] = 0x01;  // window 256
  auto tcp = net::TcpHeader::at(s, 34).value();
  tcp.set_src_port(sport);
  tcp.set_dst_port(dport);
  for (std::size_t i = 0; i < payload; ++i) f[54 + i] = static_cast<std::uint8_t>(i);
  tcp.set_checksum(net::l4_checksum(net::Ipv4Addr(src_ip), net::Ipv4Addr(dst_ip), 6, s.subspan(34)));
  return f;
}

}  // namespace flowsim::testbench
