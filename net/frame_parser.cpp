// SPDX-License-Identifier: Apache-2.0
#include "net/frame_parser.hpp"

#include "net/ether_type.hpp"
#include "net/ethernet_header.hpp"
#include "net/icmp_header.hpp"
#include "net/ip_proto.hpp"
#include "net/ipv4_header.hpp"
#include "net/ipv6_header.hpp"
#include "net/pppoe_header.hpp"
#include "net/tcp_header.hpp"
#include "net/udp_header.hpp"
#include "net/vlan_tag.hpp"

namespace flowsim::net {
namespace {

// What the hardware parser treats as "an extension header follows" (and punts): every
// IPv6 extension header of RFC 8200 §4 and the IANA registry, ESP included.
bool is_ipv6_extension(std::uint8_t nh) {
  switch (nh) {
    case ip_proto::kHopByHop:
    case ip_proto::kRouting:
    case ip_proto::kFragment:
    case ip_proto::kDestOpts:
    case ip_proto::kAuth:
    case ip_proto::kEsp:
      return true;
    default:
      return nh == 135 || nh == 139 || nh == 140;  // mobility, HIP, shim6
  }
}

void parse_l4(std::span<std::uint8_t> f, ParsedFrame& out) {
  const std::size_t off = out.l4_offset;
  switch (out.l4_proto) {
    case ip_proto::kTcp:
      if (auto tcp = TcpHeader::at(f, off)) {
        out.l4_complete = true;
        out.tcp_flags = tcp->flags();
        out.tuple.src_port = tcp->src_port();
        out.tuple.dst_port = tcp->dst_port();
      }
      break;
    case ip_proto::kUdp:
      if (auto udp = UdpHeader::at(f, off)) {
        out.l4_complete = true;
        out.tuple.src_port = udp->src_port();
        out.tuple.dst_port = udp->dst_port();
      }
      break;
    case ip_proto::kIcmp:
    case ip_proto::kIcmpv6:
      out.l4_complete = IcmpHeader::at(f, off).has_value();
      break;
    default:
      break;
  }
}

}  // namespace

std::string_view to_string(ParseError e) {
  switch (e) {
    case ParseError::kNone: return "none";
    case ParseError::kRunt: return "runt frame";
    case ParseError::kTruncatedVlan: return "truncated 802.1Q tag";
    case ParseError::kTooManyVlans: return "more than two 802.1Q tags";
    case ParseError::kTruncatedPppoe: return "truncated PPPoE header";
    case ParseError::kBadPppoe: return "bad PPPoE version/type";
    case ParseError::kBadIpv4: return "malformed IPv4 header";
    case ParseError::kBadIpv6: return "malformed IPv6 header";
  }
  return "unknown";
}

ParsedFrame parse_frame(std::span<const std::uint8_t> frame) {
  // The views are mutable by design (the rewrite path uses them); parsing only reads.
  std::span<std::uint8_t> f(const_cast<std::uint8_t*>(frame.data()), frame.size());
  ParsedFrame out;
  auto eth = EthernetHeader::at(f);
  if (!eth) {
    out.error = ParseError::kRunt;
    return out;
  }
  std::size_t off = EthernetHeader::kSize;
  std::uint16_t type = eth->ether_type();
  while (type == ether_type::kVlan || type == ether_type::kQinQ) {
    auto tag = VlanTag::at(f, off);
    if (!tag) {
      out.error = ParseError::kTruncatedVlan;
      return out;
    }
    if (out.vlan_count == out.vlan_ids.size()) {
      out.error = ParseError::kTooManyVlans;
      return out;
    }
    out.vlan_ids[out.vlan_count++] = tag->vid();
    type = tag->inner_type();
    off += VlanTag::kSize;
  }
  if (type == ether_type::kPppoeSession) {
    auto pppoe = PppoeHeader::at(f, off);
    if (!pppoe) {
      out.error = ParseError::kTruncatedPppoe;
      return out;
    }
    if (pppoe->version() != 1 || pppoe->type() != 1) {
      out.error = ParseError::kBadPppoe;
      return out;
    }
    out.has_pppoe = true;
    out.pppoe_session = pppoe->session_id();
    off += PppoeHeader::kSize;
    const std::uint16_t ppp = pppoe->ppp_protocol();
    type = ppp == ppp_proto::kIpv4 ? ether_type::kIpv4 : ppp == ppp_proto::kIpv6 ? ether_type::kIpv6 : 0;
  }
  out.ether_type = type;
  out.l3_offset = static_cast<std::uint16_t>(off);

  if (type == ether_type::kIpv4) {
    auto ip = Ipv4Header::at(f, off);
    if (!ip || ip->total_length() < ip->header_length() || off + ip->total_length() > f.size()) {
      out.error = ParseError::kBadIpv4;
      return out;
    }
    out.l3 = L3Kind::kIpv4;
    out.l3_length = ip->total_length();
    out.ttl = ip->ttl();
    out.l4_proto = ip->protocol();
    out.ipv4_options = ip->has_options();
    out.ip_fragment = ip->is_fragment();
    out.l4_offset = static_cast<std::uint16_t>(off + ip->header_length());
    out.tuple = FiveTuple::ipv4(ip->src(), ip->dst(), ip->protocol(), 0, 0);
    // A non-first fragment has no L4 header, whatever its first bytes look like.
    if (ip->fragment_offset() == 0) parse_l4(f.first(off + ip->total_length()), out);
  } else if (type == ether_type::kIpv6) {
    auto ip = Ipv6Header::at(f, off);
    if (!ip || off + Ipv6Header::kSize + ip->payload_length() > f.size()) {
      out.error = ParseError::kBadIpv6;
      return out;
    }
    out.l3 = L3Kind::kIpv6;
    out.l3_length = static_cast<std::uint16_t>(Ipv6Header::kSize + ip->payload_length());
    out.ttl = ip->hop_limit();
    out.l4_proto = ip->next_header();
    out.ipv6_ext_header = is_ipv6_extension(ip->next_header());
    out.ip_fragment = ip->next_header() == ip_proto::kFragment;
    out.l4_offset = static_cast<std::uint16_t>(off + Ipv6Header::kSize);
    out.tuple = FiveTuple::ipv6(ip->src(), ip->dst(), ip->next_header(), 0, 0);
    if (!out.ipv6_ext_header) parse_l4(f.first(off + out.l3_length), out);
  } else {
    out.l3 = L3Kind::kOther;
  }
  return out;
}

}  // namespace flowsim::net
