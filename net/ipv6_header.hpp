// SPDX-License-Identifier: Apache-2.0
// IPv6 fixed header view (RFC 8200). The extension headers behind it are walked by
// net/ipv6_ext_headers.hpp.
#pragma once

#include <optional>

#include "net/header_view.hpp"
#include "net/ipv6_addr.hpp"

namespace flowsim::net {

template <typename Byte>
class BasicIpv6Header : public BasicHeaderView<Byte> {
  using Base = BasicHeaderView<Byte>;
  using Base::be16;
  using Base::be32;
  using Base::fits;
  using Base::kWritable;
  using Base::p_;
  using Base::set_be16;

 public:
  static constexpr std::size_t kSize = 40;
  static std::optional<BasicIpv6Header> at(std::span<Byte> frame, std::size_t offset) {
    if (!fits(frame, offset, kSize)) return std::nullopt;
    if ((frame[offset] >> 4) != 6) return std::nullopt;
    return BasicIpv6Header(frame.data() + offset);
  }
  std::uint8_t traffic_class() const { return static_cast<std::uint8_t>(be16(0) >> 4); }
  std::uint32_t flow_label() const { return be32(0) & 0xfffff; }
  std::uint16_t payload_length() const { return be16(4); }
  std::uint8_t next_header() const { return p_[6]; }
  std::uint8_t hop_limit() const { return p_[7]; }
  Ipv6Addr src() const { return Ipv6Addr::from_bytes(p_ + 8); }
  Ipv6Addr dst() const { return Ipv6Addr::from_bytes(p_ + 24); }

  void set_payload_length(std::uint16_t v) const
    requires kWritable
  {
    set_be16(4, v);
  }
  void set_next_header(std::uint8_t v) const
    requires kWritable
  {
    p_[6] = v;
  }
  void set_hop_limit(std::uint8_t v) const
    requires kWritable
  {
    p_[7] = v;
  }
  void set_src(const Ipv6Addr& a) const
    requires kWritable
  {
    a.write_to(p_ + 8);
  }
  void set_dst(const Ipv6Addr& a) const
    requires kWritable
  {
    a.write_to(p_ + 24);
  }

 private:
  using Base::Base;
};

using Ipv6Header = BasicIpv6Header<std::uint8_t>;
using ConstIpv6Header = BasicIpv6Header<const std::uint8_t>;

}  // namespace flowsim::net
