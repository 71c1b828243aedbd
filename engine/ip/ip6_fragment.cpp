// SPDX-License-Identifier: Apache-2.0
#include "engine/ip/ip6_fragment.hpp"

#include <algorithm>
#include <cstring>

#include "net/ipv6_ext_headers.hpp"
#include "net/ipv6_header.hpp"

namespace flowsim::engine::ip {
namespace {

constexpr std::uint32_t kIpv6MinMtu = 1280;
constexpr std::size_t kFragHdr = net::Ipv6FragmentHeader::kSize;

// Writes one fragment: link-layer bytes, the unfragmentable part (its announcing field
// already set to 44), a Fragment header, then `data`.
void write_fragment(net::PacketBuffer& out, std::span<const std::uint8_t> link, std::span<const std::uint8_t> unfrag,
                    std::uint8_t next_header, std::uint32_t id, std::size_t offset, bool more,
                    std::span<const std::uint8_t> data) {
  out.resize(link.size() + unfrag.size() + kFragHdr + data.size());
  std::uint8_t* p = out.bytes().data();
  std::memcpy(p, link.data(), link.size());
  p += link.size();
  std::memcpy(p, unfrag.data(), unfrag.size());
  std::memcpy(p + unfrag.size() + kFragHdr, data.data(), data.size());
  const std::span<std::uint8_t> l3 = out.bytes().subspan(link.size());
  net::Ipv6FragmentHeader::at(l3, unfrag.size())
      ->set(next_header, static_cast<std::uint16_t>(offset | (more ? net::Ipv6FragmentHeader::kMf : 0)), id);
  net::Ipv6Header::at(l3, 0)->set_payload_length(static_cast<std::uint16_t>(l3.size() - net::Ipv6Header::kSize));
}

}  // namespace

std::optional<Unfragmentable> ipv6_unfragmentable(std::span<const std::uint8_t> d) {
  const auto ip = net::ConstIpv6Header::at(d, 0);
  if (!ip) return std::nullopt;
  Unfragmentable u{net::Ipv6Header::kSize, 6};
  bool routing_seen = false;
  while (u.length <= d.size()) {
    const std::uint8_t type = d[u.next_header_at];
    if (type == net::ip_proto::kRouting) {
      routing_seen = true;
    } else if (type == net::ip_proto::kDestOpts) {
      if (routing_seen) return u;  // destination options for the final destination
    } else if (type != net::ip_proto::kHopByHop) {
      return u;
    }
    const auto ext = net::ConstIpv6ExtHeader::at(d, u.length, type);
    if (!ext) return std::nullopt;
    u.next_header_at = u.length;
    u.length += ext->length();
    if (u.length > 65535) return std::nullopt;
  }
  return std::nullopt;
}

Fragment6Status fragment_ipv6(net::PacketBuffer& frame, std::size_t l3_offset, const Fragment6Request& request,
                              std::vector<net::PacketBuffer>& rest, std::vector<std::uint8_t>& scratch,
                              std::size_t& extra) {
  extra = 0;
  const std::span<const std::uint8_t> l3 = std::span<const std::uint8_t>(frame.bytes()).subspan(l3_offset);
  const std::optional<Unfragmentable> u = ipv6_unfragmentable(l3);
  if (!u || u->length > l3.size()) return Fragment6Status::kMalformed;
  const std::size_t hlen = u->length;
  std::uint32_t mtu = request.mtu;
  if (request.frag_max_size != 0) {
    if (request.frag_max_size > mtu) return Fragment6Status::kTooBig;
    mtu = std::max<std::uint32_t>(request.frag_max_size, kIpv6MinMtu);  // no larger than received
  }
  if (mtu < hlen + kFragHdr + 8) return Fragment6Status::kTooBig;
  const std::size_t space = mtu - hlen - kFragHdr;  // data per fragment

  scratch.assign(frame.bytes().begin(), frame.bytes().end());
  const std::span<const std::uint8_t> link(scratch.data(), l3_offset);
  const std::span<std::uint8_t> unfrag(scratch.data() + l3_offset, hlen);
  const std::span<const std::uint8_t> data(scratch.data() + l3_offset + hlen, l3.size() - hlen);
  const std::uint8_t next_header = unfrag[u->next_header_at];
  unfrag[u->next_header_at] = net::ip_proto::kFragment;

  // The frag_list fast path: the first piece is what followed the reassembled headers in
  // the first fragment, measured from this datagram's unfragmentable part.
  const std::span<const std::uint16_t> lengths = request.fragment_lengths;
  const std::size_t first_start = request.reassembled_unfragmentable;
  bool keep_boundaries = lengths.size() > 1 && first_start + lengths[0] >= hlen;
  auto piece = [&](std::size_t i) -> std::size_t { return i == 0 ? first_start + lengths[0] - hlen : lengths[i]; };
  if (keep_boundaries) {
    std::size_t sum = 0;
    for (std::size_t i = 0; i < lengths.size(); ++i) {
      const bool last = i + 1 == lengths.size();
      if (piece(i) > space || (!last && (piece(i) & 7) != 0)) keep_boundaries = false;
      sum += piece(i);
    }
    if (sum != data.size()) keep_boundaries = false;
  }

  std::size_t count = 0;
  auto emit = [&](std::size_t offset, std::size_t len, bool more) {
    net::PacketBuffer& out = count == 0 ? frame : (count - 1 < rest.size() ? rest[count - 1] : rest.emplace_back());
    write_fragment(out, link, unfrag, next_header, request.id, offset, more, data.subspan(offset, len));
    ++count;
  };
  if (keep_boundaries) {
    // ip6_fraglist_init / ip6_fraglist_prepare.
    std::size_t offset = 0;
    for (std::size_t i = 0; i < lengths.size(); ++i) {
      emit(offset, piece(i), i + 1 < lengths.size());
      offset += piece(i);
    }
  } else {
    // ip6_frag_init / ip6_frag_next.
    std::size_t offset = 0;
    std::size_t left = data.size();
    do {
      std::size_t len = std::min(left, space);
      if (len < left) len &= ~std::size_t{7};
      left -= len;
      emit(offset, len, left > 0);
      offset += len;
    } while (left > 0);
  }
  extra = count - 1;
  return Fragment6Status::kDone;
}

}  // namespace flowsim::engine::ip
