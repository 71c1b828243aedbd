// SPDX-License-Identifier: Apache-2.0
#include "engine/icmp/icmp_error.hpp"

#include <algorithm>

#include "net/byte_order.hpp"
#include "net/checksum.hpp"

namespace flowsim::engine::icmp {
namespace {

constexpr std::size_t kIpv4ErrorMax = 576;   // icmp_send's `room` limit
constexpr std::size_t kIpv6ErrorMax = 1280;  // IPV6_MIN_MTU
constexpr std::uint8_t kDefaultTtl = 64;
constexpr std::uint8_t kMaxIcmpType = 18;

bool icmp_type_is_error(std::uint8_t type) {
  return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

}  // namespace

bool may_answer_ipv4(std::span<const std::uint8_t> d) {
  if (d.size() < 20) return false;
  if ((net::load_be16(d.data() + 6) & 0x1fff) != 0) return false;  // only fragment 0
  const net::Ipv4Addr src(net::load_be32(d.data() + 12));
  if (src.value() == 0 || (src.value() >> 28) == 0xe || src.value() == 0xffffffff) return false;
  if (d[9] == 1) {
    const std::size_t ihl = std::size_t{d[0] & 0x0fu} * 4;
    if (d.size() < ihl + 1) return false;
    const std::uint8_t type = d[ihl];
    if (type > kMaxIcmpType || icmp_type_is_error(type)) return false;
  }
  return true;
}

bool may_answer_ipv6(std::span<const std::uint8_t> d) {
  if (d.size() < 40) return false;
  const std::uint8_t* src = d.data() + 8;
  if (src[0] == 0xff || std::all_of(src, src + 16, [](std::uint8_t b) { return b == 0; })) return false;
  // is_ineligible: an ICMPv6 error (or redirect) behind any extension headers.
  std::uint8_t nh = d[6];
  std::size_t off = 40;
  while (nh == 0 || nh == 43 || nh == 60 || nh == 44) {
    if (off + 8 > d.size()) return true;
    if (nh == 44) {
      if ((net::load_be16(d.data() + off + 2) & 0xfff8) != 0) return true;  // not the first fragment
      nh = d[off];
      off += 8;
    } else {
      nh = d[off];
      off += (std::size_t{d[off + 1]} + 1) * 8;
    }
  }
  if (nh == 58) {
    if (off >= d.size()) return false;
    const std::uint8_t type = d[off];
    if ((type & 0x80) == 0 || type == 137) return false;
  }
  return true;
}

void build_icmpv4_error(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> offending, net::Ipv4Addr src,
                        std::uint8_t type, std::uint8_t code, std::uint32_t info) {
  const std::size_t quoted = std::min(offending.size(), kIpv4ErrorMax - 28);
  out.resize(28 + quoted);
  std::uint8_t* ip = out.data();
  std::fill(ip, ip + 28, 0);
  ip[0] = 0x45;
  ip[1] = static_cast<std::uint8_t>((offending[1] & 0x1e) | 0xc0);
  net::store_be16(ip + 2, static_cast<std::uint16_t>(out.size()));
  ip[8] = kDefaultTtl;
  ip[9] = 1;
  net::store_be32(ip + 12, src.value());
  std::copy_n(offending.data() + 12, 4, ip + 16);  // back to the offending packet's source
  net::store_be16(ip + 10, net::internet_checksum(std::span<const std::uint8_t>(ip, 20)));
  std::uint8_t* icmp = ip + 20;
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
