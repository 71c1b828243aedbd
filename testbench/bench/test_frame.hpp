// SPDX-License-Identifier: Apache-2.0
// TEST ONLY: minimal Ethernet/IPv4/UDP and TCP frames for model, driver and e2e benches, whose
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

// Who sends the frame to whom on the wire; by default LAN host A to the router's LAN port.
struct FrameMacs {
  net::MacAddr src{{0x02, 0, 0, 0, 0x01, 0x64}};
  net::MacAddr dst{{0x02, 0, 0, 0, 0x01, 0x01}};
};

// Ethernet + IPv4 headers (checksummed) with room for an L4 header of `l4_header` bytes
// and `payload` bytes of a counting pattern after it; the caller writes the L4 header.
inline std::vector<std::uint8_t> ipv4_frame(std::uint32_t src_ip, std::uint32_t dst_ip, std::uint8_t proto,
                                            std::size_t l4_header, std::size_t payload, std::uint8_t ttl,
                                            const FrameMacs& macs) {
  std::vector<std::uint8_t> f(14 + 20 + l4_header + payload);
  const std::span<std::uint8_t> s(f);
  auto eth = net::EthernetHeader::at(s).value();
  eth.set_dst(macs.dst);
  eth.set_src(macs.src);
  eth.set_ether_type(0x0800);
  f[14] = 0x45;
  f[22] = ttl;
  f[23] = proto;
  auto ip = net::Ipv4Header::at(s, 14).value();
  ip.set_total_length(static_cast<std::uint16_t>(20 + l4_header + payload));
  ip.set_src(net::Ipv4Addr(src_ip));
  ip.set_dst(net::Ipv4Addr(dst_ip));
  ip.set_checksum(net::internet_checksum(s.subspan(14, 20)));
  for (std::size_t i = 0; i < payload; ++i) f[34 + l4_header + i] = static_cast<std::uint8_t>(i);
  return f;
}

inline std::vector<std::uint8_t> udp4_frame(std::uint32_t src_ip, std::uint32_t dst_ip, std::uint16_t sport,
                                            std::uint16_t dport, std::size_t payload = 18, std::uint8_t ttl = 64,
                                            const FrameMacs& macs = {}) {
  auto f = ipv4_frame(src_ip, dst_ip, 17, 8, payload, ttl, macs);
  const std::span<std::uint8_t> s(f);
  auto udp = net::UdpHeader::at(s, 34).value();
  udp.set_src_port(sport);
  udp.set_dst_port(dport);
  f[38] = static_cast<std::uint8_t>((8 + payload) >> 8);
  f[39] = static_cast<std::uint8_t>(8 + payload);
  udp.set_checksum(net::udp_checksum_mangled(
      net::l4_checksum(net::Ipv4Addr(src_ip), net::Ipv4Addr(dst_ip), 17, s.subspan(34))));
  return f;
}

// The same for TCP (20-byte header, no options) with the given flags (net::TcpHeader::kFin...).
inline std::vector<std::uint8_t> tcp4_frame(std::uint32_t src_ip, std::uint32_t dst_ip, std::uint16_t sport,
                                            std::uint16_t dport, std::uint8_t flags = net::TcpHeader::kAck,
                                            std::size_t payload = 18, std::uint8_t ttl = 64,
                                            const FrameMacs& macs = {}) {
  auto f = ipv4_frame(src_ip, dst_ip, 6, 20, payload, ttl, macs);
  const std::span<std::uint8_t> s(f);
  f[34 + 12] = 0x50;  // data offset 5
  f[34 + 13] = flags;
  f[34 + 14] = 0x01;  // window 256
  auto tcp = net::TcpHeader::at(s, 34).value();
  tcp.set_src_port(sport);
  tcp.set_dst_port(dport);
  tcp.set_checksum(net::l4_checksum(net::Ipv4Addr(src_ip), net::Ipv4Addr(dst_ip), 6, s.subspan(34)));
  return f;
}

}  // namespace flowsim::testbench
