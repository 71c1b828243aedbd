// SPDX-License-Identifier: Apache-2.0
// PPPoE session header (RFC 2516) plus the 2-byte PPP protocol that follows it:
// ver/type(1) code(1) session id(2) length(2) | ppp protocol(2). `length` counts the PPP
// protocol field and the payload.
#pragma once

#include <optional>

#include "net/header_view.hpp"

namespace flowsim::net {

class PppoeHeader : public HeaderView {
 public:
  static constexpr std::size_t kSize = 8;
  static std::optional<PppoeHeader> at(std::span<std::uint8_t> frame, std::size_t offset) {
    if (!fits(frame, offset, kSize)) return std::nullopt;
    return PppoeHeader(frame.data() + offset);
  }
  std::uint8_t version() const { return p_[0] >> 4; }
  std::uint8_t type() const { return p_[0] & 0x0f; }
  std::uint8_t code() const { return p_[1]; }
  std::uint16_t session_id() const { return be16(2); }
  std::uint16_t length() const { return be16(4); }
  std::uint16_t ppp_protocol() const { return be16(6); }
  void set_length(std::uint16_t v) const { set_be16(4, v); }

 private:
  using HeaderView::HeaderView;
};

}  // namespace flowsim::net
