// SPDX-License-Identifier: Apache-2.0
#include "net/ipv6_ext_headers.hpp"

#include "net/ipv6_header.hpp"

namespace flowsim::net {
namespace {

enum class Stop : std::uint8_t { kTransport, kLaterFragment, kNone, kCutOff };

// The shared loop: the position of the first header that is not walked over, and why the
// walk stopped there.
Stop walk(std::span<const std::uint8_t> d, Ipv6Transport& at) {
  const auto ip = ConstIpv6Header::at(d, 0);
  if (!ip) return Stop::kCutOff;
  at.next_header = ip->next_header();
  at.offset = Ipv6Header::kSize;
  while (is_ipv6_ext_header(at.next_header)) {
    if (at.next_header == ip_proto::kNoNext) return Stop::kNone;
    if (at.next_header == ip_proto::kFragment) {
      // Only the flags/offset field has to be readable (skb_header_pointer of 2 bytes at +2).
      if (at.offset > d.size() || d.size() - at.offset < 4) return Stop::kCutOff;
      at.fragment_header = true;
      at.frag_off = load_be16(d.data() + at.offset + 2);
      if (at.later_fragment()) return Stop::kLaterFragment;
      at.next_header = d[at.offset];
      at.offset += Ipv6FragmentHeader::kSize;
      continue;
    }
    const auto ext = ConstIpv6ExtHeader::at(d, at.offset, at.next_header);
    if (!ext) return Stop::kCutOff;
    at.next_header = ext->next_header();
    at.offset += ext->length();
  }
  return Stop::kTransport;
}

}  // namespace

std::optional<Ipv6Transport> ipv6_skip_exthdr(std::span<const std::uint8_t> datagram) {
  Ipv6Transport at;
  switch (walk(datagram, at)) {
    case Stop::kTransport:
    case Stop::kLaterFragment: return at;
    case Stop::kNone:
    case Stop::kCutOff: break;
  }
  return std::nullopt;
}

std::optional<Ipv6Transport> ipv6_find_transport(std::span<const std::uint8_t> datagram) {
  Ipv6Transport at;
  switch (walk(datagram, at)) {
    case Stop::kTransport:
    case Stop::kNone: return at;
    case Stop::kLaterFragment: {
      // The protocol behind a non-first fragment is known only if it is not another
      // extension header (ipv6_find_hdr's -ENOENT); NONE is reported as such.
      const std::uint8_t inner = datagram[at.offset];
      if (is_ipv6_ext_header(inner) && inner != ip_proto::kNoNext) return std::nullopt;
      at.next_header = inner;
      at.offset = datagram.size();
      return at;
    }
    case Stop::kCutOff: break;
  }
  return std::nullopt;
}

}  // namespace flowsim::net
