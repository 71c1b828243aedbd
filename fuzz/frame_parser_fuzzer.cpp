// SPDX-License-Identifier: Apache-2.0
// The frame parser (net/frame_parser) on arbitrary bytes: it must never read outside the
// frame (ASan), and what it reports must lie inside the frame it was given.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "net/frame_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using flowsim::net::L3Kind;
  using flowsim::net::ParseError;
  const std::span<const std::uint8_t> frame(data, size);
  const flowsim::net::ParsedFrame p = flowsim::net::parse_frame(frame);
  if (p.error != ParseError::kNone) {
    if (flowsim::net::to_string(p.error).empty()) std::abort();  // every error has a name
    return 0;
  }
  if (p.vlan_count > 2) std::abort();
  if (p.l3 == L3Kind::kIpv4 || p.l3 == L3Kind::kIpv6) {
    if (p.l3_offset >= size || p.l3_offset + std::size_t{p.l3_length} > size) std::abort();
    if (p.l4_complete && (p.l4_offset <= p.l3_offset || p.l4_offset >= size)) std::abort();
  }
  return 0;
}
