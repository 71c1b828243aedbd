// SPDX-License-Identifier: Apache-2.0
#include "testbench/capture/tcp_resegmenter.hpp"

#include <algorithm>

#include "net/byte_order.hpp"
#include "testbench/capture/capture_artefacts.hpp"

namespace flowsim::capture {
namespace {

constexpr std::uint8_t kFin = 0x01;
constexpr std::uint8_t kPsh = 0x08;
constexpr std::uint8_t kCwr = 0x80;

}  // namespace

std::size_t resegment_tcp(std::span<const std::uint8_t> frame, const InspectedPacket& p, std::uint32_t mtu,
                          std::vector<std::vector<std::uint8_t>>& out) {
  if (p.kind != PacketKind::kTcp || p.fragment || p.fragment_id != 0 || p.l4_offset == 0) return 0;
  const std::size_t ip_end = std::size_t{p.l3_offset} + p.l3_length;
  if (ip_end > frame.size() || p.l4_offset + 20u > ip_end) return 0;
  const std::size_t tcp_header = std::size_t{frame[p.l4_offset + 12u]} / 16 * 4;
  const std::size_t headers_end = p.l4_offset + tcp_header;  // in the frame
  if (tcp_header < 20 || headers_end >= ip_end) return 0;
  const std::size_t ip_headers = headers_end - p.l3_offset;  // IP (with extensions) + TCP
  if (mtu <= ip_headers) return 0;
  const std::size_t mss = mtu - ip_headers;
  const std::size_t payload = ip_end - headers_end;
  const std::size_t segments = (payload + mss - 1) / mss;
  if (segments < 2) return 0;

  const std::uint32_t seq = net::load_be32(frame.data() + p.l4_offset + 4);
  const std::uint8_t flags = frame[p.l4_offset + 13u];
  const bool v4 = p.tuple.family == 4;
  const std::uint16_t ip_id = v4 ? net::load_be16(frame.data() + p.l3_offset + 4) : 0;
  for (std::size_t i = 0; i < segments; ++i) {
    const std::size_t from = headers_end + i * mss;
    const std::size_t len = std::min(mss, ip_end - from);
    std::vector<std::uint8_t>& seg = out.emplace_back();
    seg.reserve(headers_end + len);
    seg.assign(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(headers_end));
    seg.insert(seg.end(), frame.begin() + static_cast<std::ptrdiff_t>(from),
               frame.begin() + static_cast<std::ptrdiff_t>(from + len));
    std::uint8_t* ip = seg.data() + p.l3_offset;
    const std::size_t ip_length = ip_headers + len;
    if (v4) {
      net::store_be16(ip + 2, static_cast<std::uint16_t>(ip_length));
      net::store_be16(ip + 4, static_cast<std::uint16_t>(ip_id + i));
    } else {
      net::store_be16(ip + 4, static_cast<std::uint16_t>(ip_length - 40));
    }
    std::uint8_t* tcp = seg.data() + p.l4_offset;
    net::store_be32(tcp + 4, seq + static_cast<std::uint32_t>(i * mss));
    std::uint8_t f = flags;
    if (i != 0) f &= static_cast<std::uint8_t>(~kCwr);
    if (i + 1 != segments) f &= static_cast<std::uint8_t>(~(kFin | kPsh));
    tcp[13] = f;
    InspectedPacket sp = p;
    sp.l3_length = static_cast<std::uint16_t>(ip_length);
    fix_checksums(seg, sp);
  }
  return segments;
}

}  // namespace flowsim::capture
