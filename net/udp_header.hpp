// SPDX-License-Identifier: Apache-2.0
// UDP header view (RFC 768). A checksum of 0 means "none" over IPv4.
#pragma once

#include <optional>

#include "net/header_view.hpp"

namespace flowsim::net {

template <typename Byte>
class BasicUdpHeader : public BasicHeaderView<Byte> {
  using Base = BasicHeaderView<Byte>;
  using Base::be16;
  using Base::fits;
  using Base::kWritable;
  using Base::set_be16;

 public:
  static constexpr std::size_t kSize = 8;
  static std::optional<BasicUdpHeader> at(std::span<Byte> frame, std::size_t offset) {
    if (!fits(frame, offset, kSize)) return std::nullopt;
    return BasicUdpHeader(frame.data() + offset);
  }
  std::uint16_t src_port() const { return be16(0); }
  std::uint16_t dst_port() const { return be16(2); }
  std::uint16_t length() const { return be16(4); }
  std::uint16_t checksum() const { return be16(6); }

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
  void set_length(std::uint16_t v) const
    requires kWritable
  {
    set_be16(4, v);
  }
  void set_checksum(std::uint16_t v) const
    requires kWritable
  {
    set_be16(6, v);
  }

 private:
  using Base::Base;
};

using UdpHeader = BasicUdpHeader<std::uint8_t>;
using ConstUdpHeader = BasicUdpHeader<const std::uint8_t>;

}  // namespace flowsim::net
