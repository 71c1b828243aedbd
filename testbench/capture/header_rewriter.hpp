// SPDX-License-Identifier: Apache-2.0
// Re-addresses a captured packet the way a NAT would: new addresses and ports (or ICMP echo
// identifier), every checksum that covers them updated incrementally (RFC 1624, as Linux's
// csum_replace), so that a checksum that was wrong in the capture stays exactly as wrong. An
// ICMP error is re-addressed together with the packet it quotes.
#pragma once

#include <cstdint>
#include <span>

#include "net/five_tuple.hpp"
#include "testbench/capture/packet_inspector.hpp"

namespace flowsim::capture {

// Gives the packet `p` (inspected from `frame`) the addresses and ports of `to` (same family
// and protocol). Ports are left alone where the frame has no transport header.
void readdress(std::span<std::uint8_t> frame, const InspectedPacket& p, const net::FiveTuple& to);

// For an ICMP error (`p.kind == kIcmpError`): the outer source and destination addresses
// become those of `outer` (its ports are ignored) and the quoted packet's tuple becomes `quoted`.
void readdress_icmp_error(std::span<std::uint8_t> frame, const InspectedPacket& p, const net::FiveTuple& outer,
                          const net::FiveTuple& quoted);

}  // namespace flowsim::capture
