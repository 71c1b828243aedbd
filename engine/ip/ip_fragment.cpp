// SPDX-License-Identifier: Apache-2.0
#include "engine/ip/ip_fragment.hpp"

#include <algorithm>
#include <cstring>

#include "net/checksum.hpp"
#include "net/ipv4_header.hpp"
#include "net/ipv4_options.hpp"

namespace flowsim::engine::ip {
namespace {

// The option type's top bit: copied into every fragment (RFC 791 §3.1).
constexpr std::uint8_t kCopied = 0x80;

// Writes one fragment: link-layer bytes, `header` (with its total length, flags/offset
// and checksum set), then `data`.
void write_fragment(net::PacketBuffer& out, std::span<const std::uint8_t> link, std::span<const std::uint8_t> header,
                    std::span<const std::uint8_t> data, std::uint16_t frag_off) {
  out.resize(link.size() + header.size() + data.size());
  std::uint8_t* p = out.bytes().data();
  std::memcpy(p, link.data(), link.size());
  std::memcpy(p + link.size(), header.data(), header.size());
  std::memcpy(p + link.size() + header.size(), data.data(), data.size());
  auto ip = net::Ipv4Header::at(out.bytes(), link.size()).value();
  ip.set_total_length(static_cast<std::uint16_t>(header.size() + data.size()));
  ip.set_frag_off(frag_off);
  ip.set_checksum(0);
  ip.set_checksum(net::internet_checksum(ip.header()));
}

}  // namespace

void strip_uncopied_options(std::span<std::uint8_t> options) {
  std::size_t i = 0;
  while (i < options.size()) {
    const std::uint8_t type = options[i];
    if (type == net::ipv4_option::kEnd) return;
    if (type == net::ipv4_option::kNop) {
      ++i;
      continue;
    }
    if (i + 1 >= options.size()) return;
    const std::size_t len = options[i + 1];
    if (len < 2 || len > options.size() - i) return;
    if (!(type & kCopied)) std::fill_n(options.begin() + static_cast<std::ptrdiff_t>(i), len, net::ipv4_option::kNop);
    i += len;
  }
}

int fragment_ipv4(net::PacketBuffer& frame, std::size_t l3_offset, const FragmentRequest& request,
                  std::vector<net::PacketBuffer>& rest, std::vector<std::uint8_t>& scratch) {
  const auto ip = net::ConstIpv4Header::at(std::span<const std::uint8_t>(frame.bytes()), l3_offset);
  if (!ip) return -1;
  const std::size_t hlen = ip->header_length();
  std::uint32_t mtu = request.mtu;
  if (request.frag_max_size != 0 && request.frag_max_size < mtu) mtu = request.frag_max_size;
  if (mtu < hlen + 8) return -1;
  const std::size_t space = mtu - hlen;  // data per fragment
  const std::size_t total = std::min<std::size_t>(ip->total_length(), frame.size() - l3_offset);
  if (total < hlen) return -1;

  // The source is copied aside: the first fragment is written over the frame.
  std::vector<std::uint8_t>& source = scratch;
  source.assign(frame.bytes().begin(), frame.bytes().begin() + static_cast<std::ptrdiff_t>(l3_offset + total));
  const std::span<const std::uint8_t> link(source.data(), l3_offset);
  const std::span<std::uint8_t> header(source.data() + l3_offset, hlen);
  const std::span<const std::uint8_t> data(source.data() + l3_offset + hlen, total - hlen);
  const std::uint16_t orig_frag_off = ip->frag_off();

  // The frag_list fast path: the reassembled fragments' boundaries, if they fit.
  const std::span<const std::uint16_t> lengths = request.fragment_lengths;
  bool keep_boundaries = !lengths.empty() && (orig_frag_off & (net::Ipv4Header::kMf | net::Ipv4Header::kOffsetMask)) == 0;
  std::size_t sum = 0;
  for (std::size_t i = 0; keep_boundaries && i < lengths.size(); ++i) {
    const bool last = i + 1 == lengths.size();
    if (lengths[i] > space || (!last && (lengths[i] & 7) != 0)) keep_boundaries = false;
    sum += lengths[i];
  }
  if (keep_boundaries && sum != data.size()) keep_boundaries = false;

  std::size_t count = 0;
  // ip_frag_ipcb / the fast path: after the fragment at offset 0, the others carry only the
  // options marked "copied".
  auto emit = [&](std::span<const std::uint8_t> piece, std::uint16_t frag_off, bool strip_after) {
    net::PacketBuffer& out = count == 0 ? frame : (count - 1 < rest.size() ? rest[count - 1] : rest.emplace_back());
    write_fragment(out, link, header, piece, frag_off);
    if (count == 0 && strip_after && hlen > net::Ipv4Header::kMinSize) {
      strip_uncopied_options(header.subspan(net::Ipv4Header::kMinSize));
    }
    ++count;
  };

  if (keep_boundaries) {
    // ip_fraglist_init / ip_fraglist_prepare: MF on all but the last, no DF.
    std::size_t offset = 0;
    for (std::size_t i = 0; i < lengths.size(); ++i) {
      std::uint16_t frag_off = static_cast<std::uint16_t>(offset >> 3);
      if (i + 1 < lengths.size()) frag_off |= net::Ipv4Header::kMf;
      emit(data.subspan(offset, lengths[i]), frag_off, true);
      offset += lengths[i];
    }
  } else {
    // ip_frag_init / ip_frag_next: a fragment fragmented again keeps its offset and MF.
    std::size_t offset = static_cast<std::size_t>(orig_frag_off & net::Ipv4Header::kOffsetMask) * 8;
    const bool not_last = (orig_frag_off & net::Ipv4Header::kMf) != 0;
    const bool at_start = offset == 0;
    std::size_t ptr = 0;
    std::size_t left = data.size();
    do {
      std::size_t len = std::min(left, space);
      if (len < left) len &= ~std::size_t{7};
      left -= len;
      std::uint16_t frag_off = static_cast<std::uint16_t>(offset >> 3);
      if (request.keep_df) frag_off |= net::Ipv4Header::kDf;
      if (left > 0 || not_last) frag_off |= net::Ipv4Header::kMf;
      emit(data.subspan(ptr, len), frag_off, at_start);
      ptr += len;
      offset += len;
    } while (left > 0);
  }
  return static_cast<int>(count) - 1;
}

}  // namespace flowsim::engine::ip
