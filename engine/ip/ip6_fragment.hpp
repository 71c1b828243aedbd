// SPDX-License-Identifier: Apache-2.0
// IPv6 fragmentation on output, as Linux's ip6_fragment (net/ipv6/ip6_output.c) does it. A
// router never fragments a packet it forwards (too big: ICMPv6 Packet Too Big, ip6_forward),
// except one nf_defrag_ipv6 reassembled: that one leaves in fragments no larger than the
// largest it came in (frag_max_size, at least 1280) and the route's MTU allows.
// - The unfragmentable part (ip6_find_1stfragopt: hop-by-hop, routing, destination options
//   before a routing header, and destination options with no routing header at all) is
//   copied in front of every fragment, followed by a new Fragment header whose
//   identification is the caller's (ipv6_select_ident: random, nonzero) and whose next
//   header is the one the unfragmentable part announced; that field becomes 44.
// - The fragments' boundaries are those the datagram was reassembled from when each fits and
//   all but the last carry a multiple of 8 bytes (the frag_list fast path); otherwise the
//   data is cut into pieces of the largest multiple of 8 that fits (the slow path).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "net/packet_buffer.hpp"

namespace flowsim::engine::ip {

struct Fragment6Request {
  std::uint32_t mtu = 1500;         // the route's MTU (ip6_skb_dst_mtu)
  std::uint16_t frag_max_size = 0;  // IP6CB(skb)->frag_max_size
  std::uint32_t id = 0;             // the Fragment header's identification
  // The data lengths of the fragments the datagram was reassembled from, in order, and the
  // size of the unfragmentable part it was reassembled with (the first fragment's headers).
  std::span<const std::uint16_t> fragment_lengths;
  std::size_t reassembled_unfragmentable = 0;
};

// ip6_find_1stfragopt: the length of the unfragmentable part of the IPv6 datagram `d`, and
// the offset of the next-header field that announces the fragmentable part; nullopt when the
// headers run out or exceed 65535 bytes (-EINVAL).
struct Unfragmentable {
  std::size_t length = 0;
  std::size_t next_header_at = 0;
};
std::optional<Unfragmentable> ipv6_unfragmentable(std::span<const std::uint8_t> d);

// The IPv6 outcome of fragmenting: fragments written, or why not.
enum class Fragment6Status : std::uint8_t { kDone, kMalformed, kTooBig };

// Splits the IPv6 datagram at `l3_offset` in `frame` (the link-layer header before it is
// copied in front of every fragment): the first fragment replaces the frame's content, the
// others go to `rest[0..*extra)` (buffers reused, `rest` grows when needed); `scratch` holds a
// copy of the datagram meanwhile. kTooBig (ip6_fragment's fail_toobig): the MTU leaves no room
// for the headers and 8 bytes of data.
Fragment6Status fragment_ipv6(net::PacketBuffer& frame, std::size_t l3_offset, const Fragment6Request& request,
                              std::vector<net::PacketBuffer>& rest, std::vector<std::uint8_t>& scratch,
                              std::size_t& extra);

}  // namespace flowsim::engine::ip
