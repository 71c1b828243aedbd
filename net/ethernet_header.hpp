// SPDX-License-Identifier: Apache-2.0
// Ethernet II header view: dst(6) src(6) ethertype(2).
#pragma once

#include <optional>

#include "net/header_view.hpp"
#include "net/mac_addr.hpp"

namespace flowsim::net {

class EthernetHeader : public HeaderView {
 public:
  static constexpr std::size_t kSize = 14;
  static std::optional<EthernetHeader> at(std::span<std::uint8_t> frame, std::size_t offset = 0) {
    if (!fits(frame, offset, kSize)) return std::nullopt;
    return EthernetHeader(frame.data() + offset);
  }
  MacAddr dst() const { return MacAddr::from_bytes(p_); }
  MacAddr src() const { return MacAddr::from_bytes(p_ + 6); }
  std::uint16_t ether_type() const { return be16(12); }
  void set_dst(const MacAddr& m) const { m.write_to(p_); }
  void set_src(const MacAddr& m) const { m.write_to(p_ + 6); }
  void set_ether_type(std::uint16_t v) const { set_be16(12, v); }

 private:
  using HeaderView::HeaderView;
};

}  // namespace flowsim::net
