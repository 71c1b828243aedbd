// SPDX-License-Identifier: Apache-2.0
// ICMP (RFC 792) and ICMPv6 (RFC 4443) share this 8-byte layout: type(1) code(1)
// checksum(2) rest-of-header(4) (echo id/sequence, or unused/MTU for errors).
#pragma once

#include <optional>

#include "net/header_view.hpp"

namespace flowsim::net {

class IcmpHeader : public HeaderView {
 public:
  static constexpr std::size_t kSize = 8;
  static std::optional<IcmpHeader> at(std::span<std::uint8_t> frame, std::size_t offset) {
    if (!fits(frame, offset, kSize)) return std::nullopt;
    return IcmpHeader(frame.data() + offset);
  }
  std::uint8_t type() const { return p_[0]; }
  std::uint8_t code() const { return p_[1]; }
  std::uint16_t checksum() const { return be16(2); }
  std::uint16_t echo_id() const { return be16(4); }
  std::uint16_t echo_sequence() const { return be16(6); }
  std::uint32_t rest() const { return be32(4); }

  void set_type(std::uint8_t v) const { p_[0] = v; }
  void set_code(std::uint8_t v) const { p_[1] = v; }
  void set_checksum(std::uint16_t v) const { set_be16(2, v); }
  void set_rest(std::uint32_t v) const { set_be32(4, v); }

 private:
  using HeaderView::HeaderView;
};

}  // namespace flowsim::net
