// SPDX-License-Identifier: Apache-2.0
// 802.1Q tag view, placed after the 0x8100 TPID: TCI(2: PCP 3, DEI 1, VID 12) inner type(2).
#pragma once

#include <optional>

#include "net/header_view.hpp"

namespace flowsim::net {

class VlanTag : public HeaderView {
 public:
  static constexpr std::size_t kSize = 4;
  static std::optional<VlanTag> at(std::span<std::uint8_t> frame, std::size_t offset) {
    if (!fits(frame, offset, kSize)) return std::nullopt;
    return VlanTag(frame.data() + offset);
  }
  std::uint16_t tci() const { return be16(0); }
  std::uint16_t vid() const { return tci() & 0x0fff; }
  std::uint8_t pcp() const { return static_cast<std::uint8_t>(tci() >> 13); }
  std::uint16_t inner_type() const { return be16(2); }
  void set_tci(std::uint16_t v) const { set_be16(0, v); }
  void set_inner_type(std::uint16_t v) const { set_be16(2, v); }

 private:
  using HeaderView::HeaderView;
};

}  // namespace flowsim::net
