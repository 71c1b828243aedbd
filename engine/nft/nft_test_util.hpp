// SPDX-License-Identifier: Apache-2.0
// TEST ONLY: packets for Ruleset::evaluate written as one line each (designated
// initializers), and a one-line text form of an EvalResult ("accept dnat 192.168.1.100:80",
// "reject tcp-reset") so that table-driven tests state exact expectations readably.
// Interface indexes: lo 1, lan/br-lan 2, wan 3.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "engine/nft/ruleset.hpp"
#include "net/ipv4_addr.hpp"
#include "net/ipv6_addr.hpp"

namespace flowsim::engine::nft::testing {

struct Pkt {
  std::string_view in = {};   // "" = locally generated
  std::string_view out = {};  // "" = not routed yet (prerouting, input)
  std::uint8_t proto = 6;
  std::string_view src = "192.168.1.100";
  std::string_view dst = "192.0.2.10";
  std::uint16_t sport = 40000;
  std::uint16_t dport = 443;
  std::uint8_t ct = kCtNew;
  std::uint64_t ct_packets = 1;
  std::uint32_t length = 60;
  bool eligible = true;
  std::uint8_t tcp_flags = 0;
  std::uint8_t icmp_type = 0;
  std::uint8_t icmp_code = 0;
  std::uint32_t ct_status = 0;
  std::uint64_t now_ns = 0;
  std::uint64_t wall_ns = 0;
  std::uint32_t mark = 0;
  std::uint8_t dscp = 0;
};

inline unsigned ifindex_of(std::string_view name) {
  if (name == "lo") return 1;
  if (name == "lan" || name == "br-lan") return 2;
  if (name == "wan") return 3;
  return 0;
}

inline std::array<std::uint8_t, 16> address(std::string_view text) {
  std::array<std::uint8_t, 16> out{};
  if (auto v4 = net::Ipv4Addr::parse(text)) {
    for (int i = 0; i < 4; ++i) {
      out[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v4->value() >> (24 - 8 * i));
    }
    return out;
  }
  return net::Ipv6Addr::parse(text).value().bytes();
}

inline PacketInfo packet(const Pkt& p) {
  PacketInfo info;
  info.nfproto = p.src.find(':') != std::string_view::npos ? 10 : 2;
  info.iif = ifindex_of(p.in);
  info.iifname = p.in;
  if (!p.out.empty()) {
    info.oif = ifindex_of(p.out);
    info.oifname = p.out;
  }
  info.l4proto = p.proto;
  info.saddr = address(p.src);
  info.daddr = address(p.dst);
  info.sport = p.sport;
  info.dport = p.dport;
  info.ct_state = p.ct;
  info.ct_original_packets = p.ct_packets;
  info.length = p.length;
  info.flow_add_eligible = p.eligible;
  info.tcp_flags = p.tcp_flags;
  info.icmp_type = p.icmp_type;
  info.icmp_code = p.icmp_code;
  info.ct_status = p.ct_status;
  info.now_ns = p.now_ns;
  info.wall_ns = p.wall_ns;
  info.mark = p.mark;
  info.dscp = p.dscp;
  return info;
}

inline std::string nat_address(const std::array<std::uint8_t, 16>& a, std::uint8_t family) {
  if (family == 4) {
    return net::Ipv4Addr((std::uint32_t{a[0]} << 24) | (std::uint32_t{a[1]} << 16) | (std::uint32_t{a[2]} << 8) | a[3])
        .to_string();
  }
  return net::Ipv6Addr(a).to_string();
}

// "accept", "drop", "reject icmp 3", "reject tcp-reset", then " flow <ft>", then
// " masquerade/4", " dnat 192.168.1.100:80", " snat 1.2.3.4-1.2.3.8:100-200 persistent".
inline std::string describe(const EvalResult& r) {
  std::string s;
  switch (r.verdict) {
    case Verdict::kAccept: s = "accept"; break;
    case Verdict::kDrop: s = "drop"; break;
    case Verdict::kReject:
      switch (r.reject.kind) {
        case RejectKind::kTcpReset: s = "reject tcp-reset"; break;
        case RejectKind::kIcmp: s = fmt::format("reject icmp {}", r.reject.code); break;
        case RejectKind::kIcmpv6: s = fmt::format("reject icmpv6 {}", r.reject.code); break;
        case RejectKind::kIcmpx: s = fmt::format("reject icmpx {}", r.reject.code); break;
      }
      break;
  }
  if (r.flow_add != nullptr) {
    s += " flow " + r.flow_add->name;
  }
  const NatAction& n = r.nat;
  if (n.kind != NatKind::kNone) {
    s += n.kind == NatKind::kMasquerade ? " masquerade"
         : n.kind == NatKind::kRedirect ? " redirect"
         : n.kind == NatKind::kSnat     ? " snat"
                                        : " dnat";
    if (n.kind == NatKind::kMasquerade || n.kind == NatKind::kRedirect) {
      s += fmt::format("/{}", n.family);
    }
    std::string to;
    if (n.addr_min) {
      to = nat_address(*n.addr_min, n.family);
      if (n.addr_max && *n.addr_max != *n.addr_min) {
        to += "-" + nat_address(*n.addr_max, n.family);
      }
    }
    if (n.port_min) {
      to += fmt::format(":{}", *n.port_min);
      if (n.port_max && *n.port_max != *n.port_min) {
        to += fmt::format("-{}", *n.port_max);
      }
    }
    if (!to.empty()) {
      s += " " + to;
    }
    if (n.random) s += " random";
    if (n.fully_random) s += " fully-random";
    if (n.persistent) s += " persistent";
  }
  return s;
}

inline std::filesystem::path testdata(std::string_view name) {
  return std::filesystem::path(FLOWSIM_SOURCE_DIR) / "engine/nft/testdata" / name;
}

inline std::string read_testdata(std::string_view name) {
  std::ifstream in(testdata(name));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace flowsim::engine::nft::testing
