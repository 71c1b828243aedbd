// SPDX-License-Identifier: Apache-2.0
// The router's own stack (see local_stack.hpp).
#include "engine/local/local_stack.hpp"

#include <algorithm>
#include <cstring>
#include <variant>

#include "engine/reject/tcp_reset.hpp"
#include "net/byte_order.hpp"
#include "net/checksum.hpp"
#include "net/icmp_header.hpp"
#include "net/ip_datagram.hpp"
#include "net/ip_proto.hpp"
#include "net/ipv6_ext_headers.hpp"
#include "net/tcp_header.hpp"

namespace flowsim::engine::local {
namespace {

using namespace net::ip_proto;

constexpr std::uint8_t kIgmp = 2;
constexpr std::uint8_t kDefaultTtl = 64;
constexpr std::uint8_t kInetEcnMask = 0x03;

std::uint16_t transport_checksum(std::span<const std::uint8_t> d, std::uint8_t proto, std::span<const std::uint8_t> l4) {
  return std::visit([&](const auto& src) {
    using Addr = std::decay_t<decltype(src)>;
    return net::l4_checksum(src, std::get<Addr>(net::datagram_dst(d)), proto, l4);
  }, net::datagram_src(d));
}

// Where the Next Header field naming `l4_offset`'s protocol is (what ICMPv6 "unrecognized
// next header" points at): 6 without extension headers, else the last extension header's
// first byte.
std::uint32_t next_header_pointer(std::span<const std::uint8_t> d, std::size_t l4_offset) {
  std::uint8_t nh = net::ConstIpv6Header::at(d, 0)->next_header();
  std::size_t field = 6;
  std::size_t off = net::Ipv6Header::kSize;
  while (off < l4_offset) {
    const auto ext = net::ConstIpv6ExtHeader::at(d, off, nh);
    if (!ext) break;
    field = off;
    nh = ext->next_header();
    off += nh == kFragment ? 8 : ext->length();
  }
  return static_cast<std::uint32_t>(field);
}

}  // namespace

LocalStack::LocalStack(std::vector<ServiceConfig> services) : services_(std::move(services)) {}

bool LocalStack::listening(std::uint8_t proto, std::uint16_t port) const {
  return std::any_of(services_.begin(), services_.end(),
                     [&](const ServiceConfig& s) { return s.proto == proto && s.port == port; });
}

LocalAnswer LocalStack::receive(std::span<const std::uint8_t> d, std::uint8_t family, std::uint8_t l4proto,
                                std::size_t l4_offset, LocalDest dest, const std::array<std::uint8_t, 16>& anycast_src,
                                std::vector<std::uint8_t>& out) const {
  const bool v4 = family == 4;
  if (l4_offset > d.size()) return {};
  const std::span<const std::uint8_t> l4 = d.subspan(l4_offset);
  const std::uint8_t echo_request = v4 ? net::icmp_type::kEchoRequest : net::icmpv6_type::kEchoRequest;
  if (l4proto == (v4 ? kIcmp : kIcmpv6)) {
    // icmp_rcv / icmpv6_rcv: a checksum error or a cut-off header is discarded.
    if (l4.size() < 8) return {};
    if ((v4 ? net::internet_checksum(l4) : transport_checksum(d, kIcmpv6, l4)) != 0) return {};
    if (v4 && l4[0] > net::icmp_type::kMax) return {};
    if (l4[0] != echo_request || dest == LocalDest::kBroadcast) return {};
    const std::uint8_t* src = dest == LocalDest::kAnycast ? anycast_src.data() : d.data() + (v4 ? 16 : 24);
    build_echo_reply(out, d, family, l4_offset, src);
    return LocalAnswer{LocalAction::kEchoReply};
  }
  if (l4proto == kTcp) {
    // tcp_v4_rcv / tcp_v6_rcv: header and checksum first; no socket -> RST, but only for a
    // destination that is one of ours (never a broadcast, never an anycast address).
    if (l4.size() < 20) return {};
    const std::size_t doff = static_cast<std::size_t>(l4[12] >> 4) * 4;
    if (doff < 20 || doff > l4.size()) return {};
    if (transport_checksum(d, kTcp, l4) != 0) return {};
    if (listening(kTcp, net::load_be16(l4.data() + 2))) return {};
    if (dest != LocalDest::kUnicast || (l4[13] & net::tcp_flag::kRst)) return {};
    const std::uint8_t tos = v4 ? d[1] : static_cast<std::uint8_t>((d[0] << 4) | (d[1] >> 4));
    if (!reject::build_tcp_reset(out, d, family, l4_offset, static_cast<std::uint8_t>(tos & ~kInetEcnMask))) return {};
    return LocalAnswer{LocalAction::kReset};
  }
  if (l4proto == kUdp) {
    // __udp4_lib_rcv / __udp6_lib_rcv: the length field, then (no socket) the checksum, then
    // "port unreachable" unless the datagram went to a broadcast address.
    if (l4.size() < 8) return {};
    const std::uint16_t ulen = net::load_be16(l4.data() + 4);
    if (ulen < 8 || ulen > l4.size()) return {};
    if (listening(kUdp, net::load_be16(l4.data() + 2))) return {};
    if (dest == LocalDest::kBroadcast) return {};
    const bool unchecked = v4 && net::load_be16(l4.data() + 6) == 0;
    if (!unchecked && transport_checksum(d, kUdp, l4.first(ulen)) != 0) return {};
    return v4 ? LocalAnswer{LocalAction::kIcmpError, net::icmp_type::kDestUnreachable, net::icmp_code::kPortUnreachable, 0}
              : LocalAnswer{LocalAction::kIcmpError, net::icmpv6_type::kDestUnreachable, 4, 0};  // port unreachable
  }
  if ((v4 && l4proto == kIgmp) || (!v4 && l4proto == kNoNext)) return {};
  if (dest == LocalDest::kBroadcast) return {};
  // No handler: ip_local_deliver_finish sends "protocol unreachable"; ip6_input_finish a
  // parameter problem, code "unrecognized next header", pointing at the field.
  if (v4) return LocalAnswer{LocalAction::kIcmpError, net::icmp_type::kDestUnreachable, 2, 0};  // protocol unreachable
  return LocalAnswer{LocalAction::kIcmpError, net::icmpv6_type::kParameterProblem, 1, next_header_pointer(d, l4_offset)};
}

void build_echo_reply(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> request, std::uint8_t family,
                      std::size_t l4_offset, const std::uint8_t* src) {
  const std::span<const std::uint8_t> message = request.subspan(l4_offset);
  if (family == 4) {
    out.resize(20 + message.size());
    std::uint8_t* ip = out.data();
    std::fill(ip, ip + 20, 0);
    ip[0] = 0x45;
    ip[1] = request[1];
    net::store_be16(ip + 2, static_cast<std::uint16_t>(out.size()));
    ip[8] = kDefaultTtl;
    ip[9] = kIcmp;
    std::memcpy(ip + 12, src, 4);
    std::memcpy(ip + 16, request.data() + 12, 4);
    net::store_be16(ip + 10, net::internet_checksum(std::span<const std::uint8_t>(ip, 20)));
    std::uint8_t* icmp = ip + 20;
    std::memcpy(icmp, message.data(), message.size());
    icmp[0] = net::icmp_type::kEchoReply;
    net::store_be16(icmp + 2, 0);
    net::store_be16(icmp + 2, net::internet_checksum(std::span<const std::uint8_t>(icmp, message.size())));
    return;
  }
  out.resize(40 + message.size());
  std::uint8_t* ip = out.data();
  std::fill(ip, ip + 40, 0);
  ip[0] = static_cast<std::uint8_t>(0x60 | (request[0] & 0x0f));  // traffic class kept,
  ip[1] = static_cast<std::uint8_t>(request[1] & 0xf0);           // flow label 0
  net::store_be16(ip + 4, static_cast<std::uint16_t>(message.size()));
  ip[6] = kIcmpv6;
  ip[7] = kDefaultTtl;
  std::memcpy(ip + 8, src, 16);
  std::memcpy(ip + 24, request.data() + 8, 16);
  std::uint8_t* icmp = ip + 40;
  std::memcpy(icmp, message.data(), message.size());
  icmp[0] = net::icmpv6_type::kEchoReply;
  net::store_be16(icmp + 2, 0);
  net::store_be16(icmp + 2, net::l4_checksum(net::Ipv6Addr::from_bytes(ip + 8), net::Ipv6Addr::from_bytes(ip + 24),
                                             kIcmpv6, std::span<const std::uint8_t>(icmp, message.size())));
}

}  // namespace flowsim::engine::local
