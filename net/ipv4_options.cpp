// SPDX-License-Identifier: Apache-2.0
#include "net/ipv4_options.hpp"

#include "net/byte_order.hpp"

namespace flowsim::net {

Ipv4OptionsEdit record_route(std::span<std::uint8_t> options, Ipv4Addr outgoing) {
  std::size_t at = 0;
  while (at < options.size()) {
    const std::uint8_t type = options[at];
    if (type == ipv4_option::kEnd) break;
    if (type == ipv4_option::kNop) {
      ++at;
      continue;
    }
    if (options.size() - at < 2) return Ipv4OptionsEdit::kMalformed;
    const std::size_t len = options[at + 1];
    if (len < 2 || len > options.size() - at) return Ipv4OptionsEdit::kMalformed;
    if (type == ipv4_option::kRecordRoute) {
      if (len < 3) return Ipv4OptionsEdit::kMalformed;
      // The pointer counts from the option's first byte, 1-based: 4 is the first slot.
      const std::size_t pointer = options[at + 2];
      if (pointer < 4) return Ipv4OptionsEdit::kMalformed;
      if (pointer > len) return Ipv4OptionsEdit::kUnchanged;  // full: nothing is recorded
      if (pointer + 3 > len) return Ipv4OptionsEdit::kMalformed;
      store_be32(options.data() + at + pointer - 1, outgoing.value());
      options[at + 2] = static_cast<std::uint8_t>(pointer + 4);
      return Ipv4OptionsEdit::kChanged;
    }
    at += len;
  }
  return Ipv4OptionsEdit::kUnchanged;
}

}  // namespace flowsim::net
