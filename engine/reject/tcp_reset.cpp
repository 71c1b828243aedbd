// SPDX-License-Identifier: Apache-2.0
#include "engine/reject/tcp_reset.hpp"

#include <algorithm>

#include "net/byte_order.hpp"
#include "net/checksum.hpp"
#include "net/ip_proto.hpp"
#include "net/ipv4_header.hpp"
#include "net/ipv6_header.hpp"
#include "net/tcp_header.hpp"

namespace flowsim::engine::reject {
namespace {

using net::tcp_flag::kAck;
using net::tcp_flag::kFin;
using net::tcp_flag::kRst;
using net::tcp_flag::kSyn;
constexpr std::uint8_t kTcp = net::ip_proto::kTcp;
constexpr std::uint8_t kHopLimit = 64;

}  // namespace

bool build_tcp_reset(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> d, std::uint8_t family,
                     std::size_t l4_offset, std::uint8_t tos) {
  const bool v4 = family == 4;
  if (v4) {
    const auto ip = net::ConstIpv4Header::at(d, 0);
    if (!ip || ip->protocol() != kTcp || ip->fragment_offset() != 0) return false;
  } else if (!net::ConstIpv6Header::at(d, 0)) {
    return false;
  }
  // Only the fixed 20 bytes must be there (nf_reject_ip_tcphdr_get), whatever the data offset says.
  if (l4_offset > d.size() || d.size() - l4_offset < net::TcpHeader::kMinSize) return false;
  const std::span<const std::uint8_t> oth = d.subspan(l4_offset);
  const std::uint8_t flags = oth[13];
  if (flags & kRst) return false;  // no RST for an RST
  const std::uint16_t check = v4 ? net::l4_checksum(net::ConstIpv4Header::at(d, 0)->src(),
                                                    net::ConstIpv4Header::at(d, 0)->dst(), kTcp, oth)
                                 : net::l4_checksum(net::ConstIpv6Header::at(d, 0)->src(),
                                                    net::ConstIpv6Header::at(d, 0)->dst(), kTcp, oth);
  if (check != 0) return false;

  const std::size_t iphdr = v4 ? net::Ipv4Header::kMinSize : net::Ipv6Header::kSize;
  out.assign(iphdr + net::TcpHeader::kMinSize, 0);
  const std::span<std::uint8_t> o(out);
  if (v4) {
    // nf_reject_iphdr_put: ID 0, DF, from the address the sender wrote to.
    const auto in = net::ConstIpv4Header::at(d, 0).value();
    o[0] = 0x45;
    const auto ip = net::Ipv4Header::at(o, 0).value();
    ip.set_tos(tos);
    ip.set_total_length(static_cast<std::uint16_t>(out.size()));
    ip.set_frag_off(net::Ipv4Header::kDf);
    ip.set_ttl(kHopLimit);
    ip.set_protocol(kTcp);
    ip.set_src(in.dst());
    ip.set_dst(in.src());
    ip.set_checksum(net::internet_checksum(ip.header()));
  } else {
    const auto in = net::ConstIpv6Header::at(d, 0).value();
    o[0] = static_cast<std::uint8_t>(0x60 | (tos >> 4));  // version, traffic class, flow label 0
    o[1] = static_cast<std::uint8_t>(tos << 4);
    const auto ip = net::Ipv6Header::at(o, 0).value();
    ip.set_payload_length(static_cast<std::uint16_t>(net::TcpHeader::kMinSize));
    ip.set_next_header(kTcp);
    ip.set_hop_limit(kHopLimit);
    ip.set_src(in.dst());
    ip.set_dst(in.src());
  }
  std::uint8_t* tcp = o.data() + iphdr;
  std::copy_n(oth.data() + 2, 2, tcp);      // source port := their destination port
  std::copy_n(oth.data(), 2, tcp + 2);      // destination port := their source port
  tcp[12] = 5 << 4;
  if (flags & kAck) {
    std::copy_n(oth.data() + 8, 4, tcp + 4);  // seq := what they acknowledged
    tcp[13] = kRst;
  } else {
    const std::size_t doff = static_cast<std::size_t>(oth[12] >> 4) * 4;
    const std::uint32_t payload = static_cast<std::uint32_t>(oth.size() - std::min(doff, oth.size()));
    const std::uint32_t ack =
        net::load_be32(oth.data() + 4) + ((flags & kSyn) ? 1 : 0) + ((flags & kFin) ? 1 : 0) + payload;
    net::store_be32(tcp + 8, ack);
    tcp[13] = kRst | kAck;
  }
  const std::span<const std::uint8_t> seg(tcp, net::TcpHeader::kMinSize);
  const auto rst = net::TcpHeader::at(o, iphdr).value();
  rst.set_checksum(v4 ? net::l4_checksum(net::ConstIpv4Header::at(o, 0)->src(), net::ConstIpv4Header::at(o, 0)->dst(),
                                         kTcp, seg)
                      : net::l4_checksum(net::ConstIpv6Header::at(o, 0)->src(), net::ConstIpv6Header::at(o, 0)->dst(),
                                         kTcp, seg));
  return true;
}

}  // namespace flowsim::engine::reject
