// SPDX-License-Identifier: Apache-2.0
#include "engine/reject/tcp_reset.hpp"

#include <algorithm>

#include "net/byte_order.hpp"
#include "net/checksum.hpp"

namespace flowsim::engine::reject {
namespace {

constexpr std::uint8_t kTcp = 6;
constexpr std::uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kAck = 0x10;
constexpr std::uint8_t kHopLimit = 64;

}  // namespace

bool build_tcp_reset(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> d, std::uint8_t family,
                     std::size_t l4_offset) {
  const bool v4 = family == 4;
  if (v4) {
    if (d.size() < 20 || d[9] != kTcp || (net::load_be16(d.data() + 6) & 0x1fff) != 0) return false;
  } else if (d.size() < 40) {
    return false;
  }
  if (l4_offset + 20 > d.size()) return false;
  const std::span<const std::uint8_t> oth = d.subspan(l4_offset);
  if (oth[13] & kRst) return false;  // no RST for an RST
  const std::uint16_t check =
      v4 ? net::l4_checksum(net::Ipv4Addr(net::load_be32(d.data() + 12)), net::Ipv4Addr(net::load_be32(d.data() + 16)),
                            kTcp, oth)
         : net::l4_checksum(net::Ipv6Addr::from_bytes(d.data() + 8), net::Ipv6Addr::from_bytes(d.data() + 24), kTcp,
                            oth);
  if (check != 0) return false;

  const std::size_t iphdr = v4 ? 20 : 40;
  out.assign(iphdr + 20, 0);
  std::uint8_t* ip = out.data();
  if (v4) {
    ip[0] = 0x45;
    net::store_be16(ip + 2, static_cast<std::uint16_t>(out.size()));
    net::store_be16(ip + 6, 0x4000);  // DF
    ip[8] = kHopLimit;
    ip[9] = kTcp;
    std::copy_n(d.data() + 16, 4, ip + 12);  // from the address the sender wrote to
    std::copy_n(d.data() + 12, 4, ip + 16);
    net::store_be16(ip + 10, net::internet_checksum(std::span<const std::uint8_t>(ip, 20)));
  } else {
    ip[0] = 0x60;
    net::store_be16(ip + 4, 20);
    ip[6] = kTcp;
    ip[7] = kHopLimit;
    std::copy_n(d.data() + 24, 16, ip + 8);
    std::copy_n(d.data() + 8, 16, ip + 24);
  }
  std::uint8_t* tcp = ip + iphdr;
  std::copy_n(oth.data() + 2, 2, tcp);      // source port := their destination port
  std::copy_n(oth.data(), 2, tcp + 2);      // destination port := their source port
  tcp[12] = 5 << 4;
  if (oth[13] & kAck) {
    std::copy_n(oth.data() + 8, 4, tcp + 4);  // seq := what they acknowledged
    tcp[13] = kRst;
  } else {
    const std::size_t doff = static_cast<std::size_t>(oth[12] >> 4) * 4;
    const std::uint32_t payload = static_cast<std::uint32_t>(oth.size() - std::min(doff, oth.size()));
    const std::uint32_t ack = net::load_be32(oth.data() + 4) + ((oth[13] & kSyn) ? 1 : 0) +
                              ((oth[13] & kFin) ? 1 : 0) + payload;
    net::store_be32(tcp + 8, ack);
    tcp[13] = kRst | kAck;
  }
  const std::span<const std::uint8_t> seg(tcp, 20);
  net::store_be16(tcp + 16,
                  v4 ? net::l4_checksum(net::Ipv4Addr(net::load_be32(ip + 12)), net::Ipv4Addr(net::load_be32(ip + 16)),
                                        kTcp, seg)
                     : net::l4_checksum(net::Ipv6Addr::from_bytes(ip + 8), net::Ipv6Addr::from_bytes(ip + 24), kTcp,
                                        seg));
  return true;
}

}  // namespace flowsim::engine::reject
