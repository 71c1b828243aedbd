// SPDX-License-Identifier: Apache-2.0
#include "testbench/capture/packet_inspector.hpp"

#include <algorithm>

#include "net/byte_order.hpp"

namespace flowsim::capture {
namespace {

constexpr std::uint16_t kIpv4 = 0x0800;
constexpr std::uint16_t kIpv6 = 0x86dd;
constexpr std::uint16_t kArpType = 0x0806;
constexpr std::uint16_t kPppoeSession = 0x8864;
constexpr std::uint8_t kTcp = 6;
constexpr std::uint8_t kUdp = 17;
constexpr std::uint8_t kIcmp = 1;
constexpr std::uint8_t kIcmpv6 = 58;

bool is_vlan(std::uint16_t t) { return t == 0x8100 || t == 0x88a8 || t == 0x9100; }

// The source, destination and protocol of the IP packet at `ip` (its header must be there),
// and where its transport header is (0: none, as in a later fragment).
struct L3 {
  bool ok = false;
  std::uint8_t family = 4;
  std::uint8_t proto = 0;
  std::size_t header = 0;  // bytes to the transport header
  std::uint16_t length = 0;
  bool later_fragment = false;
  bool fragmented = false;
  std::uint32_t fragment_id = 0;
  net::FiveTuple tuple;
};

L3 parse_l3(std::span<const std::uint8_t> ip) {
  L3 r;
  if (ip.empty()) return r;
  if ((ip[0] >> 4) == 4) {
    const std::size_t ihl = std::size_t{ip[0] & 0x0fu} * 4;
    if (ihl < 20 || ip.size() < ihl) return r;
    r.family = 4;
    r.length = net::load_be16(ip.data() + 2);
    if (r.length < ihl) return r;
    r.proto = ip[9];
    r.header = ihl;
    const std::uint16_t frag = net::load_be16(ip.data() + 6);
    r.fragmented = (frag & 0x3fff) != 0;
    r.later_fragment = (frag & 0x1fff) != 0;
    r.fragment_id = net::load_be16(ip.data() + 4);
    r.tuple = net::FiveTuple::ipv4(net::Ipv4Addr(net::load_be32(ip.data() + 12)),
                                   net::Ipv4Addr(net::load_be32(ip.data() + 16)), r.proto, 0, 0);
    r.ok = true;
    return r;
  }
  if ((ip[0] >> 4) == 6 && ip.size() >= 40) {
    r.family = 6;
    r.length = static_cast<std::uint16_t>(std::min<std::uint32_t>(40u + net::load_be16(ip.data() + 4), 0xffff));
    const Ipv6Transport t = ipv6_transport(ip);
    r.proto = t.proto;
    r.header = t.offset;
    r.fragmented = t.fragmented;
    r.later_fragment = t.later_fragment;
    r.fragment_id = t.fragment_id;
    r.tuple = net::FiveTuple::ipv6(net::Ipv6Addr::from_bytes(ip.data() + 8), net::Ipv6Addr::from_bytes(ip.data() + 24),
                                   r.proto, 0, 0);
    r.ok = t.complete;
    return r;
  }
  return r;
}

bool icmp_is_error(std::uint8_t family, std::uint8_t type) {
  if (family == 4) return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
  return type >= 1 && type <= 4;
}

}  // namespace

Ipv6Transport ipv6_transport(std::span<const std::uint8_t> ip) {
  Ipv6Transport t;
  if (ip.size() < 40) {
    t.complete = false;
    return t;
  }
  std::uint8_t nh = ip[6];
  std::size_t off = 40;
  // Hop-by-hop, routing, destination options, fragment, AH, mobility and HIP/shim6 headers.
  for (int guard = 0; guard < 16; ++guard) {
    if (nh != 0 && nh != 43 && nh != 60 && nh != 44 && nh != 51 && nh != 135 && nh != 139 && nh != 140) break;
    if (off + 8 > ip.size()) {
      t.complete = false;
      break;
    }
    const std::uint8_t next = ip[off];
    if (nh == 44) {
      t.fragmented = true;
      t.fragment_id = net::load_be32(ip.data() + off + 4);
      t.later_fragment = (net::load_be16(ip.data() + off + 2) & 0xfff8) != 0;
      off += 8;
      nh = next;
      if (t.later_fragment) break;
      continue;
    }
    off += nh == 51 ? (std::size_t{ip[off + 1]} + 2) * 4 : (std::size_t{ip[off + 1]} + 1) * 8;
    nh = next;
  }
  t.proto = nh;
  t.offset = off;
  return t;
}

InspectedPacket inspect(std::span<const std::uint8_t> frame) {
  InspectedPacket p;
  if (frame.size() < 14) {
    p.kind = PacketKind::kMalformed;
    return p;
  }
  std::size_t off = 12;
  std::uint16_t type = net::load_be16(frame.data() + off);
  for (int tags = 0; is_vlan(type) && tags < 3; ++tags) {
    if (frame.size() < off + 6) {
      p.kind = PacketKind::kMalformed;
      return p;
    }
    off += 4;
    type = net::load_be16(frame.data() + off);
  }
  off += 2;
  if (type == kPppoeSession) {
    if (frame.size() < off + 8) {
      p.kind = PacketKind::kMalformed;
      return p;
    }
    const std::uint16_t ppp = net::load_be16(frame.data() + off + 6);
    type = ppp == 0x0021 ? kIpv4 : ppp == 0x0057 ? kIpv6 : 0;
    off += 8;
  }
  p.ether_type = type;
  if (type == kArpType) {
    p.kind = PacketKind::kArp;
    return p;
  }
  if (type != kIpv4 && type != kIpv6) return p;
  const std::span<const std::uint8_t> ip = frame.subspan(off);
  const L3 l3 = parse_l3(ip);
  if (!l3.ok || (type == kIpv4) != (l3.family == 4)) {
    p.kind = PacketKind::kMalformed;
    return p;
  }
  p.l3_offset = static_cast<std::uint16_t>(off);
  p.l3_length = l3.length;
  p.tuple = l3.tuple;
  p.fragment = l3.later_fragment;
  if (l3.fragmented) p.fragment_id = l3.fragment_id;
  p.kind = PacketKind::kOtherIp;
  if (l3.later_fragment) return p;
  const std::span<const std::uint8_t> l4 = ip.subspan(std::min(l3.header, ip.size()));
  p.l4_offset = static_cast<std::uint16_t>(off + l3.header);
  if ((l3.proto == kTcp && l4.size() >= 14) || (l3.proto == kUdp && l4.size() >= 4)) {
    p.kind = l3.proto == kTcp ? PacketKind::kTcp : PacketKind::kUdp;
    p.tuple.src_port = net::load_be16(l4.data());
    p.tuple.dst_port = net::load_be16(l4.data() + 2);
    if (l3.proto == kTcp) p.tcp_flags = l4[13];
    return p;
  }
  const bool icmp = (l3.family == 4 && l3.proto == kIcmp) || (l3.family == 6 && l3.proto == kIcmpv6);
  if (!icmp || l4.size() < 8) return p;
  const std::uint8_t icmp_type = l4[0];
  const bool request = l3.family == 4 ? icmp_type == 8 : icmp_type == 128;
  const bool reply = l3.family == 4 ? icmp_type == 0 : icmp_type == 129;
  if (request || reply) {
    p.kind = PacketKind::kIcmpEcho;
    p.icmp_request = request;
    p.tuple.src_port = p.tuple.dst_port = net::load_be16(l4.data() + 4);
    return p;
  }
  if (l3.family == 6 && icmp_type >= 133 && icmp_type <= 137) {
    p.kind = PacketKind::kNeighbourDiscovery;
    return p;
  }
  if (!icmp_is_error(l3.family, icmp_type)) return p;
  // The quoted packet: its IP header and at least the first 8 bytes of its transport header.
  const std::span<const std::uint8_t> inner = l4.subspan(8);
  const L3 q = parse_l3(inner);
  if (!q.ok || q.family != l3.family || q.later_fragment || inner.size() < q.header + 8) return p;
  p.kind = PacketKind::kIcmpError;
  p.quoted = q.tuple;
  p.quoted_offset = static_cast<std::uint16_t>(p.l4_offset + 8);
  const std::span<const std::uint8_t> ql4 = inner.subspan(q.header);
  if (q.proto == kTcp || q.proto == kUdp) {
    p.quoted.src_port = net::load_be16(ql4.data());
    p.quoted.dst_port = net::load_be16(ql4.data() + 2);
  } else if ((q.family == 4 && q.proto == kIcmp && (ql4[0] == 8 || ql4[0] == 0)) ||
             (q.family == 6 && q.proto == kIcmpv6 && (ql4[0] == 128 || ql4[0] == 129))) {
    p.quoted.src_port = p.quoted.dst_port = net::load_be16(ql4.data() + 4);
  }
  return p;
}

}  // namespace flowsim::capture
