// SPDX-License-Identifier: Apache-2.0
// IPv4 header view (RFC 791). `at()` checks version 4, IHL >= 5 and that the whole header,
// options included, is inside the frame; it does not check the checksum or total length.
#pragma once

#include <optional>

#include "net/header_view.hpp"
#include "net/ipv4_addr.hpp"

namespace flowsim::net {

template <typename Byte>
class BasicIpv4Header : public BasicHeaderView<Byte> {
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
  static constexpr std::size_t kMaxSize = 60;
  // The flags/fragment-offset field (Linux IP_DF, IP_MF, IP_OFFSET); the offset counts
  // 8-byte units.
  static constexpr std::uint16_t kDf = 0x4000;
  static constexpr std::uint16_t kMf = 0x2000;
  static constexpr std::uint16_t kOffsetMask = 0x1fff;

  static std::optional<BasicIpv4Header> at(std::span<Byte> frame, std::size_t offset) {
    if (!fits(frame, offset, kMinSize)) return std::nullopt;
    const Byte* p = frame.data() + offset;
    if ((p[0] >> 4) != 4 || (p[0] & 0x0f) < 5) return std::nullopt;
    if (!fits(frame, offset, std::size_t{p[0] & 0x0fu} * 4)) return std::nullopt;
    return BasicIpv4Header(frame.data() + offset);
  }
  std::size_t header_length() const { return std::size_t{p_[0] & 0x0fu} * 4; }
  bool has_options() const { return header_length() > kMinSize; }
  std::span<Byte> options() const { return {p_ + kMinSize, header_length() - kMinSize}; }
  std::span<Byte> header() const { return {p_, header_length()}; }
  std::uint8_t tos() const { return p_[1]; }
  std::uint16_t total_length() const { return be16(2); }
  std::uint16_t id() const { return be16(4); }
  std::uint16_t frag_off() const { return be16(6); }  // flags and offset, as on the wire
  bool dont_fragment() const { return (frag_off() & kDf) != 0; }
  bool more_fragments() const { return (frag_off() & kMf) != 0; }
  std::uint16_t fragment_offset() const { return frag_off() & kOffsetMask; }  // 8-byte units
  std::size_t fragment_offset_bytes() const { return std::size_t{fragment_offset()} * 8; }
  bool is_fragment() const { return (frag_off() & (kMf | kOffsetMask)) != 0; }  // ip_is_fragment
  std::uint8_t ttl() const { return p_[8]; }
  std::uint8_t protocol() const { return p_[9]; }
  std::uint16_t checksum() const { return be16(10); }
  Ipv4Addr src() const { return Ipv4Addr(be32(12)); }
  Ipv4Addr dst() const { return Ipv4Addr(be32(16)); }

  void set_tos(std::uint8_t v) const
    requires kWritable
  {
    p_[1] = v;
  }
  void set_total_length(std::uint16_t v) const
    requires kWritable
  {
    set_be16(2, v);
  }
  void set_id(std::uint16_t v) const
    requires kWritable
  {
    set_be16(4, v);
  }
  void set_frag_off(std::uint16_t v) const
    requires kWritable
  {
    set_be16(6, v);
  }
  void set_ttl(std::uint8_t v) const
    requires kWritable
  {
    p_[8] = v;
  }
  void set_protocol(std::uint8_t v) const
    requires kWritable
  {
    p_[9] = v;
  }
  void set_checksum(std::uint16_t v) const
    requires kWritable
  {
    set_be16(10, v);
  }
  void set_src(Ipv4Addr a) const
    requires kWritable
  {
    set_be32(12, a.value());
  }
  void set_dst(Ipv4Addr a) const
    requires kWritable
  {
    set_be32(16, a.value());
  }

 private:
  using Base::Base;
};

using Ipv4Header = BasicIpv4Header<std::uint8_t>;
using ConstIpv4Header = BasicIpv4Header<const std::uint8_t>;

}  // namespace flowsim::net
