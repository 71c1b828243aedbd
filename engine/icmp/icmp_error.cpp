// SPDX-License-Identifier: Apache-2.0
#include "engine/icmp/icmp_error.hpp"

#include <algorithm>
#include <optional>

#include "net/byte_order.hpp"
#include "net/checksum.hpp"
#include "net/icmp_header.hpp"
#include "net/ip_proto.hpp"
#include "net/ipv4_header.hpp"
#include "net/ipv6_ext_headers.hpp"
#include "net/ipv6_header.hpp"

namespace flowsim::engine::icmp {
namespace {

constexpr std::size_t kIpv4ErrorMax = 576;   // icmp_send's `room` limit
constexpr std::size_t kIpv6ErrorMax = 1280;  // IPV6_MIN_MTU
constexpr std::uint8_t kDefaultTtl = 64;

}  // namespace

bool may_answer_ipv4(std::span<const std::uint8_t> d) {
  const auto ip = net::ConstIpv4Header::at(d, 0);
  if (!ip || ip->fragment_offset() != 0) return false;  // only fragment 0
  const net::Ipv4Addr src = ip->src();
  if (src.value() == 0 || (src.value() >> 28) == 0xe || src.value() == 0xffffffff) return false;
  if (ip->protocol() == net::ip_proto::kIcmp) {
    if (d.size() < ip->header_length() + 1) return false;
    const std::uint8_t type = d[ip->header_length()];
    if (type > net::icmp_type::kMax || net::icmp_is_error(type)) return false;
  }
  return true;
}

bool may_answer_ipv6(std::span<const std::uint8_t> d) {
  const auto ip = net::ConstIpv6Header::at(d, 0);
  if (!ip) return false;
  const net::Ipv6Addr src = ip->src();
  const auto& s = src.bytes();
  if (s[0] == 0xff || std::all_of(s.begin(), s.end(), [](std::uint8_t b) { return b == 0; })) return false;
  // is_ineligible: an ICMPv6 error behind any extension headers. A chain that cannot be
  // walked, or a non-first fragment, is answered.
  const std::optional<net::Ipv6Transport> t = net::ipv6_skip_exthdr(d);
  if (!t || t->next_header != net::ip_proto::kIcmpv6) return true;
  // A fragment too short to hold the ICMPv6 type (RFC 8200 §4.5) is answered; anything else
  // that short is not.
  if (t->offset >= d.size()) return t->frag_off != 0;
  return !net::icmpv6_is_error(d[t->offset]);
}

void build_icmpv4_error(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> offending, net::Ipv4Addr src,
                        std::uint8_t type, std::uint8_t code, std::uint32_t info, std::uint16_t id) {
  const auto in = net::ConstIpv4Header::at(offending, 0).value();
  const std::size_t quoted = std::min(offending.size(), kIpv4ErrorMax - 28);
  out.resize(28 + quoted);
  std::fill(out.begin(), out.begin() + 28, 0);
  out[0] = 0x45;
  const auto ip = net::Ipv4Header::at(out, 0).value();
  ip.set_tos(static_cast<std::uint8_t>((in.tos() & 0x1e) | 0xc0));
  ip.set_total_length(static_cast<std::uint16_t>(out.size()));
  ip.set_id(id);
  ip.set_ttl(kDefaultTtl);
  ip.set_protocol(net::ip_proto::kIcmp);
  ip.set_src(src);
  ip.set_dst(in.src());  // back to the offending packet's source
  ip.set_checksum(net::internet_checksum(ip.header()));
  std::uint8_t* icmp = out.data() + 20;
  icmp[0] = type;
  icmp[1] = code;
  net::store_be32(icmp + 4, info);
  std::copy_n(offending.data(), quoted, icmp + 8);
  net::store_be16(icmp + 2, net::internet_checksum(std::span<const std::uint8_t>(icmp, 8 + quoted)));
}

void build_icmpv6_error(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> offending,
                        const net::Ipv6Addr& src, std::uint8_t type, std::uint8_t code, std::uint32_t info) {
  const std::size_t quoted = std::min(offending.size(), kIpv6ErrorMax - 48);
  out.resize(48 + quoted);
  std::uint8_t* ip = out.data();
  std::fill(ip, ip + 48, 0);
  ip[0] = 0x60;
  net::store_be16(ip + 4, static_cast<std::uint16_t>(8 + quoted));
  ip[6] = 58;
  ip[7] = kDefaultTtl;
  src.write_to(ip + 8);
  std::copy_n(offending.data() + 8, 16, ip + 24);
  std::uint8_t* icmp = ip + 40;
  icmp[0] = type;
  icmp[1] = code;
  net::store_be32(icmp + 4, info);
  std::copy_n(offending.data(), quoted, icmp + 8);
  net::store_be16(icmp + 2, net::l4_checksum(src, net::Ipv6Addr::from_bytes(ip + 24), 58,
                                             std::span<const std::uint8_t>(icmp, 8 + quoted)));
}

}  // namespace flowsim::engine::icmp
