// SPDX-License-Identifier: Apache-2.0
// PPPoE sessions (drivers/net/ppp/pppoe.c + ppp_generic.c), the WAN most OpenWrt routers have:
// `pppoe-wan`, a point-to-point PPP device whose frames travel over an Ethernet port in a
// PPPoE session (RFC 2516) with the access concentrator, `peer`. What it sends leaves its
// lower device addressed to the peer from the port's MAC, with the session header (version 1,
// type 1, code 0, the session id, the length of what follows it) and the PPP protocol (IPv4
// 0x0021, IPv6 0x0057); no neighbour is involved (PPP has no link-layer addresses). A session
// frame arriving on the lower device from the peer with the session id is the device's
// (pppoe_rcv looks the session up by id, remote MAC and device); its length field trims it.
// Its MTU is 1492 by default (1500 less the 8 bytes of PPPoE and PPP).
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "net/mac_addr.hpp"
#include "net/packet_buffer.hpp"

namespace flowsim::engine::device {

struct PppoeLink {
  unsigned lower = 0;         // ifindex of the port the session runs over
  std::uint16_t session = 0;  // 1..65534
  net::MacAddr peer;          // the access concentrator's MAC
};

inline constexpr std::uint32_t kPppoeOverhead = 8;  // PPPoE session header + PPP protocol

struct PppoeFrame {
  std::uint16_t session = 0;
  std::uint16_t ether_type = 0;  // of the PPP payload: IPv4/IPv6, 0 for anything else (LCP, IPCP...)
  std::size_t payload = 0;       // bytes of PPP payload the length field announces
};

// The session header of a PPPoE session frame (0x8864) with code 0; nullopt otherwise or when
// the length field claims more than the frame holds.
std::optional<PppoeFrame> frame_pppoe(std::span<const std::uint8_t> frame);

// The frame with its PPPoE session header and PPP protocol replaced by the Ethernet type
// `ether_type` (and trimmed to the announced length).
void pop_pppoe(net::PacketBuffer& frame, const PppoeFrame& pppoe);

// The PPPoE session header with `session` in front of the frame's IPv4/IPv6 packet.
void push_pppoe(net::PacketBuffer& frame, std::uint16_t session);

}  // namespace flowsim::engine::device
