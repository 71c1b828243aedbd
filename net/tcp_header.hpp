// SPDX-License-Identifier: Apache-2.0
// TCP header view (RFC 9293). `at()` checks data offset >= 5 and that the options fit.
#pragma once

#include <optional>

#include "net/header_view.hpp"

namespace flowsim::net {

class TcpHeader : public HeaderView {
 public:
  static constexpr std::size_t kMinSize = 20;
  static constexpr std::uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10;

  static std::optional<TcpHeader> at(std::span<std::uint8_t> frame, std::size_t offset) {
    if (!fits(frame, offset, kMinSize)) return std::nullopt;
    const std::size_t data_offset = static_cast<std::size_t>(frame[offset + 12] >> 4) * 4;
    if (data_offset < kMinSize || !fits(frame, offset, data_offset)) return std::nullopt;
    return TcpHeader(frame.data() + offset);
  }
  std::uint16_t src_port() const { return be16(0); }
  std::uint16_t dst_port() const { return be16(2); }
  std::uint32_t seq() const { return be32(4); }
  std::uint32_t ack() const { return be32(8); }
  std::size_t header_length() const { return static_cast<std::size_t>(p_[12] >> 4) * 4; }
  std::uint8_t flags() const { return p_[13]; }
  std::uint16_t window() const { return be16(14); }
  std::uint16_t checksum() const { return be16(16); }

  void set_src_port(std::uint16_t v) const { set_be16(0, v); }
  void set_dst_port(std::uint16_t v) const { set_be16(2, v); }
  void set_checksum(std::uint16_t v) const { set_be16(16, v); }

 private:
  using HeaderView::HeaderView;
};

}  // namespace flowsim::net
