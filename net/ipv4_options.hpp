// SPDX-License-Identifier: Apache-2.0
// IPv4 options (RFC 791 §3.1) as Linux walks them in ip_options_compile: END (0) ends the
// list, NOP (1) is one byte, every other option is type, length (>= 2, within the header),
// data. What a router does to them on forward (ip_forward_options) is here too.
#pragma once

#include <cstdint>
#include <span>

#include "net/ipv4_addr.hpp"

namespace flowsim::net {

namespace ipv4_option {
inline constexpr std::uint8_t kEnd = 0;
inline constexpr std::uint8_t kNop = 1;
inline constexpr std::uint8_t kRecordRoute = 7;
inline constexpr std::uint8_t kTimestamp = 68;
inline constexpr std::uint8_t kLooseSourceRoute = 131;
inline constexpr std::uint8_t kStrictSourceRoute = 137;
}  // namespace ipv4_option

enum class Ipv4OptionsEdit {
  kUnchanged,  // nothing to record (no Record Route option, or no room left in it)
  kChanged,    // the header changed: its checksum must be computed again
  kMalformed,  // a length or pointer Linux refuses (it drops the packet with an ICMP parameter problem)
};

// Record Route on forward: if the options hold a Record Route option with a free slot,
// writes `outgoing` (the address of the interface the packet leaves by) into it and advances
// its pointer by 4, as ip_options_compile (pointer) and ip_forward_options (address) do
// together. `options` is the bytes after the fixed 20-byte header.
Ipv4OptionsEdit record_route(std::span<std::uint8_t> options, Ipv4Addr outgoing);

}  // namespace flowsim::net
