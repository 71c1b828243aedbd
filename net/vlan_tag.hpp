// SPDX-License-Identifier: Apache-2.0
// 802.1Q tag view, placed after the 0x8100 TPID: TCI(2: PCP 3, DEI 1, VID 12) inner type(2).
#pragma once

#include <optional>

#include "net/header_view.hpp"

namespace flowsim::net {

template <typename Byte>
class BasicVlanTag : public BasicHeaderView<Byte> {
  using Base = BasicHeaderView<Byte>;
  using Base::be16;
  using Base::fits;
  using Base::kWritable;
  using Base::set_be16;

 public:
  static constexpr std::size_t kSize = 4;
  static constexpr std::uint16_t kVidMask = 0x0fff;
  static std::optional<BasicVlanTag> at(std::span<Byte> frame, std::size_t offset) {
    if (!fits(frame, offset, kSize)) return std::nullopt;
    return BasicVlanTag(frame.data() + offset);
  }
  std::uint16_t tci() const { return be16(0); }
  std::uint16_t vid() const { return tci() & kVidMask; }
  std::uint8_t pcp() const { return static_cast<std::uint8_t>(tci() >> 13); }
  std::uint16_t inner_type() const { return be16(2); }
  void set_tci(std::uint16_t v) const
    requires kWritable
  {
    set_be16(0, v);
  }
  void set_inner_type(std::uint16_t v) const
    requires kWritable
  {
    set_be16(2, v);
  }

 private:
  using Base::Base;
};

using VlanTag = BasicVlanTag<std::uint8_t>;
using ConstVlanTag = BasicVlanTag<const std::uint8_t>;

}  // namespace flowsim::net
