// SPDX-License-Identifier: Apache-2.0
// `tcp option maxseg size set`: the MSS option of a TCP segment lowered in place, never
// raised (nft_exthdr_tcp_set_eval), with the TCP checksum updated incrementally; and the
// value `rt mtu` stands for (nft_rt's get_tcpmss).
#pragma once

#include <cstdint>
#include <span>

namespace flowsim::engine::mangle {

// Lowers the MSS option of the TCP header at the start of `tcp` (header and options, as far
// as they are present) to `mss` if it is larger. Returns whether the segment changed.
bool lower_tcp_mss(std::span<std::uint8_t> tcp, std::uint16_t mss);

// get_tcpmss: the smaller of the two route MTUs less the IP and TCP headers (40 bytes for
// IPv4, 60 for IPv6), or 536 (TCP_MSS_DEFAULT) if that leaves nothing.
std::uint16_t tcpmss_for_mtu(std::uint32_t mtu, std::uint8_t family);

}  // namespace flowsim::engine::mangle
