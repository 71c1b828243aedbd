// SPDX-License-Identifier: Apache-2.0
#include "model/rtl_twin/parser_cpp.hpp"

#include <optional>
#include <stdexcept>

#include "net/byte_order.hpp"
#include "net/frame_parser.hpp"
#include "net/ip_proto.hpp"

namespace flowsim::model {
namespace {

// Why a parsed frame cannot be looked up, in the hardware's order of precedence; nullopt if
// it can (an IPv4/IPv6 TCP or UDP packet with its L4 header complete).
std::optional<hw::PuntReason> exception_of(const net::ParsedFrame& p) {
  if (p.error != net::ParseError::kNone) return hw::PuntReason::kParseError;
  if (p.l3 != net::L3Kind::kIpv4 && p.l3 != net::L3Kind::kIpv6) return hw::PuntReason::kPpeBypass;
  if (p.ipv4_options) return hw::PuntReason::kOptionHeader;
  if (p.ip_fragment && p.l3 == net::L3Kind::kIpv4) return hw::PuntReason::kIpv4Frag;
  if (p.ipv6_ext_header) return hw::PuntReason::kIpv6ExtHeader;
  if (!p.is_tcp_or_udp()) return hw::PuntReason::kNotTcpUdp;
  return std::nullopt;
}

}  // namespace

ParsedHeaders ParserCpp::parse_one(std::span<const std::uint8_t> frame) {
  const net::ParsedFrame p = net::parse_frame(frame);
  ParsedHeaders h;
  if (const auto reason = exception_of(p)) {
    h.exception = true;
    h.reason = *reason;
    return h;
  }
  h.ipv6 = p.l3 == net::L3Kind::kIpv6;
  h.udp = p.l4_proto == net::ip_proto::kUdp;
  h.tcp_flags = p.tcp_flags;
  h.ttl = p.ttl;
  h.vlan_count = p.vlan_count;
  h.vid = p.vlan_ids[0];
  h.pppoe = p.has_pppoe;
  h.pppoe_sid = p.pppoe_session;
  h.l3_offset = p.l3_offset;
  h.l4_offset = p.l4_offset;
  h.l3_length = p.l3_length;
  const std::uint32_t ports = (std::uint32_t{p.tuple.src_port} << 16) | p.tuple.dst_port;
  if (h.ipv6) {
    for (unsigned i = 0; i < 4; ++i) {
      h.key[i] = net::load_be32(p.tuple.src.data() + 4 * i);
      h.key[4 + i] = net::load_be32(p.tuple.dst.data() + 4 * i);
    }
    h.key[8] = ports;
  } else {
    h.key[0] = net::load_be32(p.tuple.src.data());
    h.key[1] = net::load_be32(p.tuple.dst.data());
    h.key[2] = ports;
  }
  return h;
}

void ParserCpp::parse(std::span<const std::span<const std::uint8_t>> frames, std::span<ParsedHeaders> out) {
  if (out.size() != frames.size()) throw std::invalid_argument("ParserCpp::parse: out.size() != frames.size()");
  for (std::size_t i = 0; i < frames.size(); ++i) out[i] = parse_one(frames[i]);
}

}  // namespace flowsim::model
