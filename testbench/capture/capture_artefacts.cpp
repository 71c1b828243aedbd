// SPDX-License-Identifier: Apache-2.0
#include "testbench/capture/capture_artefacts.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "net/byte_order.hpp"
#include "net/checksum.hpp"

namespace flowsim::capture {
namespace {

// Where the transport checksum is, and whether the pseudo-header covers it (0: none known).
struct L4Sum {
  std::size_t offset = 0;
  bool pseudo = false;
  bool udp = false;
};

L4Sum l4_sum(const InspectedPacket& p) {
  if (p.l4_offset == 0 || p.fragment || p.fragment_id != 0) return {};
  switch (p.tuple.proto) {
    case 6: return {p.l4_offset + 16u, true, false};
    case 17: return {p.l4_offset + 6u, true, true};
    case 1: return p.tuple.family == 4 ? L4Sum{p.l4_offset + 2u, false, false} : L4Sum{};
    case 58: return p.tuple.family == 6 ? L4Sum{p.l4_offset + 2u, true, false} : L4Sum{};
    default: return {};
  }
}

std::uint32_t pseudo(const InspectedPacket& p, std::uint32_t l4_length) {
  if (p.tuple.family == 4) return net::pseudo_header_sum(p.tuple.src_v4(), p.tuple.dst_v4(), p.tuple.proto, l4_length);
  return net::pseudo_header_sum(p.tuple.src_v6(), p.tuple.dst_v6(), p.tuple.proto, l4_length);
}

// The bytes from the transport header to the end of the IP packet, if the frame has them all.
std::span<const std::uint8_t> l4_bytes(std::span<const std::uint8_t> frame, const InspectedPacket& p) {
  const std::size_t end = std::size_t{p.l3_offset} + p.l3_length;
  if (p.l4_offset == 0 || end > frame.size() || p.l4_offset > end) return {};
  return frame.subspan(p.l4_offset, end - p.l4_offset);
}

}  // namespace

std::string ArtefactTally::describe() const {
  std::string s = fmt::format("{}", count);
  if (first.empty()) return s;
  s += " (";
  for (std::size_t i = 0; i < first.size(); ++i) s += fmt::format("{}#{}", i == 0 ? "" : ", ", first[i]);
  return s + (count > first.size() ? ", ...)" : ")");
}

void CaptureArtefacts::add(std::uint64_t packet, const Artefacts& a, std::uint32_t ip_length) {
  if (a.bad_ip_checksum) bad_ip_checksum.add(packet);
  if (a.bad_l4_checksum) bad_l4_checksum.add(packet);
  if (a.oversize) oversize.add(packet);
  largest_ip = std::max(largest_ip, ip_length);
}

Artefacts find_artefacts(std::span<const std::uint8_t> frame, const InspectedPacket& p, std::uint32_t mtu) {
  Artefacts a;
  if (!p.is_ip()) return a;
  a.oversize = p.l3_length > mtu;
  if (p.tuple.family == 4 && frame.size() >= p.l3_offset + 20u) {
    const std::size_t ihl = std::size_t{frame[p.l3_offset] & 0x0fu} * 4;
    if (frame.size() >= p.l3_offset + ihl) a.bad_ip_checksum = net::internet_checksum(frame.subspan(p.l3_offset, ihl)) != 0;
  }
  const L4Sum s = l4_sum(p);
  const auto l4 = l4_bytes(frame, p);
  if (s.offset == 0 || l4.size() < s.offset - p.l4_offset + 2) return a;
  if (s.udp && p.tuple.family == 4 && net::load_be16(frame.data() + s.offset) == 0) return a;  // no checksum
  const std::uint32_t sum = net::checksum_add(l4, s.pseudo ? pseudo(p, static_cast<std::uint32_t>(l4.size())) : 0);
  a.bad_l4_checksum = net::checksum_fold(sum) != 0;
  return a;
}

void fix_checksums(std::span<std::uint8_t> frame, const InspectedPacket& p) {
  if (!p.is_ip()) return;
  if (p.tuple.family == 4 && frame.size() >= p.l3_offset + 20u) {
    const std::size_t ihl = std::size_t{frame[p.l3_offset] & 0x0fu} * 4;
    if (frame.size() >= p.l3_offset + ihl) {
      net::store_be16(frame.data() + p.l3_offset + 10, 0);
      net::store_be16(frame.data() + p.l3_offset + 10, net::internet_checksum(frame.subspan(p.l3_offset, ihl)));
    }
  }
  const L4Sum s = l4_sum(p);
  const auto l4 = l4_bytes(frame, p);
  if (s.offset == 0 || l4.size() < s.offset - p.l4_offset + 2) return;
  if (s.udp && p.tuple.family == 4 && net::load_be16(frame.data() + s.offset) == 0) return;
  net::store_be16(frame.data() + s.offset, 0);
  std::uint16_t c =
      net::checksum_fold(net::checksum_add(l4, s.pseudo ? pseudo(p, static_cast<std::uint32_t>(l4.size())) : 0));
  if (s.udp && c == 0) c = 0xffff;
  net::store_be16(frame.data() + s.offset, c);
}

}  // namespace flowsim::capture
