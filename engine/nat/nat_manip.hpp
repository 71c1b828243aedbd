// SPDX-License-Identifier: Apache-2.0
// Packet rewriting for NAT on the slow path (net/netfilter/nf_nat_proto.c): address and
// port of one side of the packet, with incremental checksum updates in the kernel's order
// (transport checksum for address then port, then the IPv4 header checksum), UDP's "zero
// means none" and CSUM_MANGLED_0 rules, ICMP/ICMPv6 echo ids, and the translation of ICMP
// errors whose quoted packet belongs to a NATed connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "engine/conntrack/connection.hpp"
#include "engine/conntrack/ct_status.hpp"
#include "engine/nat/nat_range.hpp"
#include "net/five_tuple.hpp"

namespace flowsim::engine::nat {

// nf_nat_ipv4_manip_pkt / nf_nat_ipv6_manip_pkt: rewrites the source (kSrc) or destination
// (kDst) address and port of the IP header at `ip_offset` in `packet` (which ends where the
// outermost datagram ends) to those of `target`. Returns false if the headers it must write
// are cut off (the kernel drops such a packet).
bool manip_packet(std::span<std::uint8_t> packet, std::size_t ip_offset, std::uint8_t family,
                  const net::FiveTuple& target, ManipType type);

// nf_nat_packet: applies the binding of `ct` for this manip type to a packet travelling in
// `dir` (SNAT on the original direction's source / the reply's destination, DNAT the other
// way round). `datagram` starts at the IP header.
bool nat_packet(std::span<std::uint8_t> datagram, std::uint8_t family, const conntrack::Connection& ct,
                conntrack::CtDir dir, ManipType type);

// nf_nat_icmp_reply_translation / nf_nat_icmpv6_reply_translation for an ICMP error RELATED
// to `ct`: the quoted packet is translated back, the ICMP checksum recomputed, then the outer
// header translated like a reply. Returns false if the kernel would drop the packet (bad ICMP
// checksum, cut-off quote, redirect about a NATed connection).
bool icmp_reply_translation(std::span<std::uint8_t> datagram, std::uint8_t family, const conntrack::Connection& ct,
                            conntrack::CtDir dir, ManipType type);

}  // namespace flowsim::engine::nat
