// SPDX-License-Identifier: Apache-2.0
// The TCP RST that `reject with tcp reset` sends (net/ipv4/netfilter/nf_reject_ipv4.c
// nf_send_reset, net/ipv6/netfilter/nf_reject_ipv6.c nf_send_reset6) and the one the
// router's own TCP sends for a segment to a closed port (tcp_v4_send_reset /
// tcp_v6_send_reset): addressed back to the sender from the address it wrote to, with the
// ports swapped, the sequence number it acknowledged (or an ACK of everything it sent), IPv4
// ID 0 with DF, TTL / hop limit 64. They differ only in the TOS / traffic class: 0 for
// netfilter's, the segment's own without its ECN bits for TCP's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace flowsim::engine::reject {

// Replaces `out` with the RST datagram answering the TCP segment in `offending` (an IP
// datagram whose transport header starts at `l4_offset`). False, leaving `out` unspecified,
// when the kernel sends nothing: not TCP, a non-first fragment, a cut-off header, an RST, or
// a bad TCP checksum.
bool build_tcp_reset(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> offending, std::uint8_t family,
                     std::size_t l4_offset, std::uint8_t tos = 0);

}  // namespace flowsim::engine::reject
