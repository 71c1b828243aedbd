// SPDX-License-Identifier: Apache-2.0
#include "model/parser.hpp"

namespace flowsim::model {

Parser::Result Parser::parse(std::span<const std::uint8_t> frame) const {
  Result r;
  r.frame = net::parse_frame(frame);
  const net::ParsedFrame& p = r.frame;
  auto punt = [&r](hw::PuntReason reason) {
    r.exception = true;
    r.reason = reason;
  };
  if (p.error != net::ParseError::kNone) {
    punt(hw::PuntReason::kParseError);
  } else if (p.l3 != net::L3Kind::kIpv4 && p.l3 != net::L3Kind::kIpv6) {
    punt(hw::PuntReason::kPpeBypass);
  } else if (p.ipv4_options) {
    punt(hw::PuntReason::kOptionHeader);
  } else if (p.ip_fragment && p.l3 == net::L3Kind::kIpv4) {
    punt(hw::PuntReason::kIpv4Frag);
  } else if (p.ipv6_ext_header) {
    punt(hw::PuntReason::kIpv6ExtHeader);
  } else if (!p.is_tcp_or_udp()) {
    punt(hw::PuntReason::kNotTcpUdp);
  }
  return r;
}

}  // namespace flowsim::model
