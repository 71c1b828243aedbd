// SPDX-License-Identifier: Apache-2.0
// 802.1Q VLAN sub-interfaces (net/8021q): `ip link add link eth0 name eth0.10 type vlan id 10`.
// A VLAN device has its own addresses, routes, neighbours and MTU, and no wire of its own:
// what it sends leaves its lower device with a tag carrying its VID (PCP 0: the default
// egress priority map), and a tagged frame arriving on the lower device with that VID is its
// (vlan_do_receive: the tag is removed before IP sees the packet). A tagged frame whose VID
// has no device is not for this host.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "net/packet_buffer.hpp"

namespace flowsim::engine::device {

struct VlanLink {
  unsigned lower = 0;     // ifindex of the device it is stacked on
  std::uint16_t id = 0;   // VID, 1..4094

  friend bool operator==(const VlanLink&, const VlanLink&) = default;
};

// The VID of an 802.1Q-tagged Ethernet frame (TPID 0x8100 after the MACs); nullopt if untagged.
std::optional<std::uint16_t> frame_vid(std::span<const std::uint8_t> frame);

// vlan_remove_tag: the frame without its outer 802.1Q tag (the inner type becomes the
// Ethernet type). The frame must be tagged.
void pop_vlan(net::PacketBuffer& frame);

// vlan_insert_tag: an 802.1Q tag with `vid` (PCP 0, DEI 0) after the MACs.
void push_vlan(net::PacketBuffer& frame, std::uint16_t vid);

}  // namespace flowsim::engine::device
