// SPDX-License-Identifier: Apache-2.0
// A hash of what a router leaves alone in an IP packet, so that a frame leaving the router
// can be matched to the captured packet it came from: the IPv4 identification, lengths and
// fragment fields, the protocol, TCP sequence and acknowledgement numbers, flags and window,
// the ICMP echo sequence, and the start of the payload. Left out is everything forwarding,
// NAT and the flowtable change: MACs, VLAN/PPPoE headers, addresses, ports, the ICMP echo
// identifier, TTL/hop limit, DSCP, checksums, TCP options (MSS clamping). Two packets with
// the same fingerprint (an IPv6 retransmission) are told apart by order.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace flowsim::capture {

// nullopt for a frame that is not an IP packet.
std::optional<std::uint64_t> packet_fingerprint(std::span<const std::uint8_t> frame);

}  // namespace flowsim::capture
