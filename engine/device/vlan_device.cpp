// SPDX-License-Identifier: Apache-2.0
#include "engine/device/vlan_device.hpp"

#include "net/byte_order.hpp"
#include "net/ether_type.hpp"
#include "net/vlan_tag.hpp"

namespace flowsim::engine::device {
namespace {
constexpr std::size_t kMacs = 12;  // destination and source MAC: the tag goes right behind them
}  // namespace

std::optional<std::uint16_t> frame_vid(std::span<const std::uint8_t> frame) {
  if (frame.size() < kMacs + 2 + net::VlanTag::kSize || net::load_be16(frame.data() + kMacs) != net::ether_type::kVlan) {
    return std::nullopt;
  }
  return net::ConstVlanTag::at(frame, kMacs + 2)->vid();
}

void pop_vlan(net::PacketBuffer& frame) { frame.erase(kMacs, net::VlanTag::kSize); }

void push_vlan(net::PacketBuffer& frame, std::uint16_t vid) {
  frame.insert(kMacs, net::VlanTag::kSize);
  std::uint8_t* p = frame.bytes().data() + kMacs;
  net::store_be16(p, net::ether_type::kVlan);
  net::store_be16(p + 2, vid);
}

}  // namespace flowsim::engine::device
