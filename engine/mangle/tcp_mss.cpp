// SPDX-License-Identifier: Apache-2.0
// The MSS rewrite (see tcp_mss.hpp).
#include "engine/mangle/tcp_mss.hpp"

#include "net/byte_order.hpp"
#include "net/checksum.hpp"

namespace flowsim::engine::mangle {
namespace {

constexpr std::size_t kTcpHeader = 20;
constexpr std::size_t kChecksumAt = 16;
constexpr std::uint8_t kOptEnd = 0;
constexpr std::uint8_t kOptNop = 1;
constexpr std::uint8_t kOptMss = 2;
constexpr std::uint8_t kOptMssLength = 4;

}  // namespace

bool lower_tcp_mss(std::span<std::uint8_t> tcp, std::uint16_t mss) {
  if (tcp.size() < kTcpHeader) return false;
  const std::size_t header = std::min<std::size_t>(static_cast<std::size_t>(tcp[12] >> 4) * 4, tcp.size());
  std::size_t i = kTcpHeader;
  while (i < header) {
    const std::uint8_t kind = tcp[i];
    if (kind == kOptEnd) return false;
    if (kind == kOptNop) {
      ++i;
      continue;
    }
    if (i + 1 >= header) return false;
    const std::uint8_t length = tcp[i + 1];
    if (length < 2 || i + length > header) return false;  // malformed: left alone, as the kernel does
    if (kind == kOptMss && length == kOptMssLength) {
      const std::uint16_t old = net::load_be16(tcp.data() + i + 2);
      if (old <= mss) return false;
      net::store_be16(tcp.data() + i + 2, mss);
      // The checksum sums 16-bit words from the header's start: a value at an odd offset
      // straddles two of them, which is the same sum with both values' bytes swapped.
      const bool odd = ((i + 2) & 1) != 0;
      auto swap = [](std::uint16_t v) { return static_cast<std::uint16_t>((v << 8) | (v >> 8)); };
      const std::uint16_t check = net::load_be16(tcp.data() + kChecksumAt);
      net::store_be16(tcp.data() + kChecksumAt,
                      net::csum_replace2(check, odd ? swap(old) : old, odd ? swap(mss) : mss));
      return true;
    }
    i += length;
  }
  return false;
}

std::uint16_t tcpmss_for_mtu(std::uint32_t mtu, std::uint8_t family) {
  const std::uint32_t headers = family == 4 ? 40 : 60;
  constexpr std::uint16_t kTcpMssDefault = 536;
  if (mtu <= headers || mtu > 0xffff) return kTcpMssDefault;
  return static_cast<std::uint16_t>(mtu - headers);
}

}  // namespace flowsim::engine::mangle
