// SPDX-License-Identifier: Apache-2.0
// Ethernet II header view: dst(6) src(6) ethertype(2).
#pragma once

#include <optional>

#include "net/header_view.hpp"
#include "net/mac_addr.hpp"

namespace flowsim::net {

template <typename Byte>
class BasicEthernetHeader : public BasicHeaderView<Byte> {
  using Base = BasicHeaderView<Byte>;
  using Base::be16;
  using Base::fits;
  using Base::kWritable;
  using Base::p_;
  using Base::set_be16;

 public:
  static constexpr std::size_t kSize = 14;
  static std::optional<BasicEthernetHeader> at(std::span<Byte> frame, std::size_t offset = 0) {
    if (!fits(frame, offset, kSize)) return std::nullopt;
    return BasicEthernetHeader(frame.data() + offset);
  }
  MacAddr dst() const { return MacAddr::from_bytes(p_); }
  MacAddr src() const { return MacAddr::from_bytes(p_ + 6); }
  std::uint16_t ether_type() const { return be16(12); }
  void set_dst(const MacAddr& m) const
    requires kWritable
  {
    m.write_to(p_);
  }
  void set_src(const MacAddr& m) const
    requires kWritable
  {
    m.write_to(p_ + 6);
  }
  void set_ether_type(std::uint16_t v) const
    requires kWritable
  {
    set_be16(12, v);
  }

 private:
  using Base::Base;
};

using EthernetHeader = BasicEthernetHeader<std::uint8_t>;
using ConstEthernetHeader = BasicEthernetHeader<const std::uint8_t>;

}  // namespace flowsim::net
