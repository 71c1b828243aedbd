// SPDX-License-Identifier: Apache-2.0
// --resegment: a TCP segment that a host's stack handed to its NIC for segmentation offload
// (TSO/GSO) is captured as one IP packet above the link's MTU; the wire carried it as
// segments of at most the MTU. This cuts it the way the kernel's software GSO
// (tcp_gso_segment) and TSO NICs do: every segment keeps the IP and TCP headers (options
// included), its sequence number advances by the payload before it, CWR stays on the first
// only, FIN and PSH on the last only; IPv4 IDs count up from the captured one; lengths and
// every checksum are computed afresh (the captured TCP checksum of such a packet is only the
// offload's partial sum).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "testbench/capture/packet_inspector.hpp"

namespace flowsim::capture {

// `frame` holds a TCP packet (`p`, inspected from it) whose IP length exceeds `mtu`; the
// frame's bytes before the IP header (link header) are repeated on every segment. Appends the
// segments to `out` and returns how many; 0 (and nothing appended) if the packet cannot be
// cut: not TCP, a fragment, not all of it in the frame, no payload, or headers leaving no
// room for payload within `mtu`.
std::size_t resegment_tcp(std::span<const std::uint8_t> frame, const InspectedPacket& p, std::uint32_t mtu,
                          std::vector<std::vector<std::uint8_t>>& out);

}  // namespace flowsim::capture
