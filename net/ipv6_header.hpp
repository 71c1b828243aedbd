// SPDX-License-Identifier: Apache-2.0
// IPv6 fixed header view (RFC 8200). Extension headers are not walked here.
#pragma once

#include <optional>

#include "net/header_view.hpp"
#include "net/ipv6_addr.hpp"

namespace flowsim::net {

class Ipv6Header : public HeaderView {
 public:
  static constexpr std::size_t kSize = 40;
  static std::optional<Ipv6Header> at(std::span<std::uint8_t> frame, std::size_t offset) {
    if (!fits(frame, offset, kSize)) return std::nullopt;
    if ((frame[offset] >> 4) != 6) return std::nullopt;
    return Ipv6Header(frame.data() + offset);
  }
  std::uint8_t traffic_class() const { return static_cast<std::uint8_t>(be16(0) >> 4); }
  std::uint32_t flow_label() const { return be32(0) & 0xfffff; }
  std::uint16_t payload_length() const { return be16(4); }
  std::uint8_t next_header() const { return p_[6]; }
  std::uint8_t hop_limit() const { return p_[7]; }
  Ipv6Addr src() const { return Ipv6Addr::from_bytes(p_ + 8); }
  Ipv6Addr dst() const { return Ipv6Addr::from_bytes(p_ + 24); }

  void set_hop_limit(std::uint8_t v) const { p_[7] = v; }
  void set_src(const Ipv6Addr& a) const { a.write_to(p_ + 8); }
  void set_dst(const Ipv6Addr& a) const { a.write_to(p_ + 24); }

 private:
  using HeaderView::HeaderView;
};

}  // namespace flowsim::net
