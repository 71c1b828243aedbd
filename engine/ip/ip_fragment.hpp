// SPDX-License-Identifier: Apache-2.0
// IPv4 fragmentation on output, as Linux's ip_do_fragment (net/ipv4/ip_output.c) does it.
// Two ways, chosen as the kernel chooses them:
// - a datagram nf_defrag_ipv4 reassembled keeps the boundaries of the fragments it was
//   built from (the frag_list fast path) when each of them fits the MTU and all but the last
//   carry a multiple of 8 bytes: the router sends the sender's fragment sizes again;
// - otherwise (the slow path) the data is cut into pieces of the largest multiple of 8 that
//   fits the MTU, the last one taking the rest.
// Every fragment carries the datagram's header (after TTL decrement and NAT: fragmentation
// is the last step before the neighbour), its own total length, offset and MF, and a header
// checksum computed again; options without the "copied" flag become NOPs in all fragments
// but the first (ip_options_fragment). The slow path keeps DF only for a reassembled
// datagram whose largest fragment had DF (IPSKB_FRAG_PMTU); the fast path clears it, as the
// kernel does. A fragment being fragmented again keeps its offset and its MF.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "net/packet_buffer.hpp"

namespace flowsim::engine::ip {

struct FragmentRequest {
  std::uint32_t mtu = 1500;          // the route's MTU (ip_skb_dst_mtu)
  std::uint16_t frag_max_size = 0;   // IPCB(skb)->frag_max_size: the largest fragment reassembled, 0 if none
  bool keep_df = false;              // IPCB(skb)->flags & IPSKB_FRAG_PMTU
  // The data lengths of the fragments the datagram was reassembled from, in order (its
  // frag_list); empty for a datagram that was not reassembled.
  std::span<const std::uint16_t> fragment_lengths;
};

// Splits the IPv4 datagram at `l3_offset` in `frame` (everything before it, the link-layer
// header, is copied in front of every fragment). The first fragment replaces the frame's
// content; the others are written to `rest[0..n)` (buffers are reused, `rest` grows when
// needed) and n is returned; `scratch` holds a copy of the datagram meanwhile (kept to
// spare an allocation next time). Returns -1, leaving the frame unchanged, when the MTU leaves
// no room for 8 bytes of data behind the header (the kernel's EINVAL/EMSGSIZE).
int fragment_ipv4(net::PacketBuffer& frame, std::size_t l3_offset, const FragmentRequest& request,
                  std::vector<net::PacketBuffer>& rest, std::vector<std::uint8_t>& scratch);

// ip_options_fragment: options whose "copied" bit is clear become NOPs.
void strip_uncopied_options(std::span<std::uint8_t> options);

}  // namespace flowsim::engine::ip
