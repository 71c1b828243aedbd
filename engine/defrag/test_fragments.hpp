// SPDX-License-Identifier: Apache-2.0
// TEST ONLY: cutting a fragment out of a whole datagram, as a sender fragments it, for the
// reassembly and fragmentation tests (one helper per IP version instead of one per test file).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "net/byte_order.hpp"
#include "net/checksum.hpp"
#include "net/ipv4_header.hpp"

namespace flowsim::engine::testing {

struct Ipv4Piece {
  std::size_t offset = 0;  // data bytes [offset, offset + len) of the whole datagram
  std::size_t len = 0;
  bool mf = false;
  bool df = false;
  std::optional<std::uint8_t> tos;  // the whole datagram's unless given
  std::optional<std::uint8_t> ttl;
};

// The fragment of the IPv4 datagram at `l3` in `whole` (20-byte header; the bytes before
// `l3`, a link-layer header, are kept): total length, MF/DF/offset, and the header checksum
// computed again.
inline std::vector<std::uint8_t> ipv4_fragment_of(std::span<const std::uint8_t> whole, std::size_t l3,
                                                  const Ipv4Piece& piece) {
  const std::size_t head = l3 + 20;
  std::vector<std::uint8_t> f(head + piece.len);
  std::copy_n(whole.begin(), head, f.begin());
  std::copy_n(whole.begin() + static_cast<std::ptrdiff_t>(head + piece.offset), piece.len,
              f.begin() + static_cast<std::ptrdiff_t>(head));
  auto ip = net::Ipv4Header::at(f, l3).value();
  ip.set_total_length(static_cast<std::uint16_t>(20 + piece.len));
  ip.set_frag_off(static_cast<std::uint16_t>(piece.offset / 8 | (piece.mf ? net::Ipv4Header::kMf : 0) |
                                             (piece.df ? net::Ipv4Header::kDf : 0)));
  if (piece.tos) ip.set_tos(*piece.tos);
  if (piece.ttl) ip.set_ttl(*piece.ttl);
  ip.set_checksum(0);
  ip.set_checksum(net::internet_checksum(ip.header()));
  return f;
}

struct Ipv6Piece {
  std::size_t offset = 0;  // data bytes [offset, offset + len) after the unfragmentable part
  std::size_t len = 0;
  bool mf = false;
  std::uint32_t id = 0x0f0f0f0f;
  std::optional<std::uint8_t> traffic_class;
};

// The fragment of the IPv6 datagram at `l3` in `whole` whose first `unfragmentable` bytes
// (40 + extension headers; the last next-header field of them at `next_header_at`) go in
// front of a Fragment header.
inline std::vector<std::uint8_t> ipv6_fragment_of(std::span<const std::uint8_t> whole, std::size_t l3,
                                                  std::size_t unfragmentable, std::size_t next_header_at,
                                                  const Ipv6Piece& piece) {
  const std::size_t head = l3 + unfragmentable;
  std::vector<std::uint8_t> f(head + 8 + piece.len);
  std::copy_n(whole.begin(), head, f.begin());
  std::copy_n(whole.begin() + static_cast<std::ptrdiff_t>(head + piece.offset), piece.len,
              f.begin() + static_cast<std::ptrdiff_t>(head + 8));
  std::uint8_t* ip = f.data() + l3;
  std::uint8_t* fh = f.data() + head;
  fh[0] = ip[next_header_at];
  fh[1] = 0;
  net::store_be16(fh + 2, static_cast<std::uint16_t>(piece.offset | (piece.mf ? 1 : 0)));
  net::store_be32(fh + 4, piece.id);
  ip[next_header_at] = 44;
  net::store_be16(ip + 4, static_cast<std::uint16_t>(f.size() - l3 - 40));
  if (piece.traffic_class) {
    ip[0] = static_cast<std::uint8_t>((ip[0] & 0xf0) | (*piece.traffic_class >> 4));
    ip[1] = static_cast<std::uint8_t>((ip[1] & 0x0f) | (*piece.traffic_class << 4));
  }
  return f;
}

}  // namespace flowsim::engine::testing
