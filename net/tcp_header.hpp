// SPDX-License-Identifier: Apache-2.0
// TCP header view (RFC 9293). `at()` checks data offset >= 5 and that the options fit.
#pragma once

#include <optional>

#include "net/header_view.hpp"

namespace flowsim::net {

// The TCP flag bits of byte 13 (Linux TCPHDR_*).
namespace tcp_flag {
inline constexpr std::uint8_t kFin = 0x01;
inline constexpr std::uint8_t kSyn = 0x02;
inline constexpr std::uint8_t kRst = 0x04;
inline constexpr std::uint8_t kPsh = 0x08;
inline constexpr std::uint8_t kAck = 0x10;
inline constexpr std::uint8_t kUrg = 0x20;
inline constexpr std::uint8_t kEce = 0x40;
inline constexpr std::uint8_t kCwr = 0x80;
}  // namespace tcp_flag

template <typename Byte>
class BasicTcpHeader : public BasicHeaderView<Byte> {
  using Base = BasicHeaderView<Byte>;
  using Base::be16;
  using Base::be32;
  using Base::fits;
  using Base::kWritable;
  using Base::p_;
  using Base::set_be16;
  using Base::set_be32;

 public:
  static constexpr std::size_t kMinSize = 20;
  static constexpr std::uint8_t kFin = tcp_flag::kFin, kSyn = tcp_flag::kSyn, kRst = tcp_flag::kRst,
                                kPsh = tcp_flag::kPsh, kAck = tcp_flag::kAck;

  static std::optional<BasicTcpHeader> at(std::span<Byte> frame, std::size_t offset) {
    if (!fits(frame, offset, kMinSize)) return std::nullopt;
    const std::size_t data_offset = static_cast<std::size_t>(frame[offset + 12] >> 4) * 4;
    if (data_offset < kMinSize || !fits(frame, offset, data_offset)) return std::nullopt;
    return BasicTcpHeader(frame.data() + offset);
  }
  std::uint16_t src_port() const { return be16(0); }
  std::uint16_t dst_port() const { return be16(2); }
  std::uint32_t seq() const { return be32(4); }
  std::uint32_t ack() const { return be32(8); }
  std::size_t header_length() const { return static_cast<std::size_t>(p_[12] >> 4) * 4; }
  std::span<Byte> options() const { return {p_ + kMinSize, header_length() - kMinSize}; }
  std::uint8_t flags() const { return p_[13]; }
  std::uint16_t window() const { return be16(14); }
  std::uint16_t checksum() const { return be16(16); }

  void set_src_port(std::uint16_t v) const
    requires kWritable
  {
    set_be16(0, v);
  }
  void set_dst_port(std::uint16_t v) const
    requires kWritable
  {
    set_be16(2, v);
  }
  void set_checksum(std::uint16_t v) const
    requires kWritable
  {
    set_be16(16, v);
  }

 private:
  using Base::Base;
};

using TcpHeader = BasicTcpHeader<std::uint8_t>;
using ConstTcpHeader = BasicTcpHeader<const std::uint8_t>;

}  // namespace flowsim::net
