// SPDX-License-Identifier: Apache-2.0
// IPv4 header view (RFC 791). `at()` checks version 4, IHL >= 5 and that the whole header,
// options included, is inside the frame; it does not check the checksum or total length.
#pragma once

#include <optional>

#include "net/header_view.hpp"
#include "net/ipv4_addr.hpp"

namespace flowsim::net {

class Ipv4Header : public HeaderView {
 public:
  static constexpr std::size_t kMinSize = 20;
  static std::optional<Ipv4Header> at(std::span<std::uint8_t> frame, std::size_t offset) {
    if (!fits(frame, offset, kMinSize)) return std::nullopt;
    const std::uint8_t* p = frame.data() + offset;
    if ((p[0] >> 4) != 4 || (p[0] & 0x0f) < 5) return std::nullopt;
    if (!fits(frame, offset, std::size_t{p[0] & 0x0fu} * 4)) return std::nullopt;
    return Ipv4Header(frame.data() + offset);
  }
  std::size_t header_length() const { return std::size_t{p_[0] & 0x0fu} * 4; }
  bool has_options() const { return header_length() > kMinSize; }
  std::uint8_t tos() const { return p_[1]; }
  std::uint16_t total_length() const { return be16(2); }
  std::uint16_t id() const { return be16(4); }
  bool dont_fragment() const { return (be16(6) & 0x4000) != 0; }
  bool more_fragments() const { return (be16(6) & 0x2000) != 0; }
  std::uint16_t fragment_offset() const { return be16(6) & 0x1fff; }
  bool is_fragment() const { return more_fragments() || fragment_offset() != 0; }
  std::uint8_t ttl() const { return p_[8]; }
  std::uint8_t protocol() const { return p_[9]; }
  std::uint16_t checksum() const { return be16(10); }
  Ipv4Addr src() const { return Ipv4Addr(be32(12)); }
  Ipv4Addr dst() const { return Ipv4Addr(be32(16)); }

  void set_ttl(std::uint8_t v) const { p_[8] = v; }
  void set_checksum(std::uint16_t v) const { set_be16(10, v); }
  void set_total_length(std::uint16_t v) const { set_be16(2, v); }
  void set_src(Ipv4Addr a) const { set_be32(12, a.value()); }
  void set_dst(Ipv4Addr a) const { set_be32(16, a.value()); }

 private:
  using HeaderView::HeaderView;
};

}  // namespace flowsim::net
