// SPDX-License-Identifier: Apache-2.0
// The ICMP errors a Linux router sends about a packet it cannot forward (net/ipv4/icmp.c
// __icmp_send, net/ipv6/icmp.c icmp6_send): time exceeded, fragmentation needed / packet too
// big, destination unreachable for `reject`. Built as an IP datagram quoting as much of the
// offending datagram as the kernel quotes (576-byte IPv4 errors, 1280-byte IPv6 errors).
//
// Linux sends IPv4 errors without DF and takes their ID from its per-destination generator
// (the caller passes it: engine/ip/ip_ident.hpp). The IPv6 flow label is 0 (Linux hashes one
// with a per-boot secret when auto flow labels are on).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "net/ipv4_addr.hpp"
#include "net/ipv6_addr.hpp"

namespace flowsim::engine::icmp {

// What icmp_send / icmp6_send check before answering at all: never about a non-first
// fragment (IPv4), an ICMP error (behind any IPv6 extension headers: is_ineligible), or a
// packet whose source does not name one host. Type and code numbers: net/icmp_header.hpp.
bool may_answer_ipv4(std::span<const std::uint8_t> offending);
bool may_answer_ipv6(std::span<const std::uint8_t> offending);

// Replaces `out` with the error datagram (IP header first). `info` fills the four bytes after
// the checksum (the next-hop MTU for "fragmentation needed" / "packet too big", else 0).
// IPv4: TOS = the offending TOS's bits 1-4 | 0xc0 (precedence "internetwork control"),
// TTL 64, no DF, ID `id`. IPv6: traffic class 0, hop limit 64.
void build_icmpv4_error(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> offending, net::Ipv4Addr src,
                        std::uint8_t type, std::uint8_t code, std::uint32_t info, std::uint16_t id);
void build_icmpv6_error(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> offending,
                        const net::Ipv6Addr& src, std::uint8_t type, std::uint8_t code, std::uint32_t info);

}  // namespace flowsim::engine::icmp
