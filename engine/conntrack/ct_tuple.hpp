// SPDX-License-Identifier: Apache-2.0
// Conntrack tuples are net::FiveTuple with the kernel's conventions for what fills the port
// fields: TCP/UDP ports; for ICMP/ICMPv6 the echo id in src_port and type << 8 | code in
// dst_port (src.u.icmp.id, dst.u.icmp.type/code); zero for protocols without ports. These
// helpers invert a tuple as nf_ct_invert_tuple does and print it as /proc does.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "net/five_tuple.hpp"
#include "net/ip_proto.hpp"

namespace flowsim::engine::conntrack {

constexpr std::uint8_t icmp_type_of(const net::FiveTuple& t) { return static_cast<std::uint8_t>(t.dst_port >> 8); }
constexpr std::uint8_t icmp_code_of(const net::FiveTuple& t) { return static_cast<std::uint8_t>(t.dst_port); }

// The tuple of packets in the other direction; nullopt for an ICMP type without an answer
// type (only queries such as echo have one), which conntrack cannot track.
std::optional<net::FiveTuple> invert_tuple(const net::FiveTuple& t);

// One tuple as ct_seq_show prints it: "src=A dst=B sport=P dport=Q " (trailing space
// included; IPv6 addresses in the full %pI6 form, ICMP as "type=T code=C id=I ").
std::string tuple_text(const net::FiveTuple& t);

// l4proto_name in nf_conntrack_standalone.c.
const char* l4proto_name(std::uint8_t proto);

}  // namespace flowsim::engine::conntrack
