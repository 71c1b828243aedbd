// SPDX-License-Identifier: Apache-2.0
// Bob Jenkins' lookup3 hash as the kernel's jhash2 (include/linux/jhash.h), over 32-bit
// words. NAT uses it to pick an address from a multi-address range, so that the choice is
// the one a Linux router on a little-endian CPU makes for the same tuple.
#pragma once

#include <cstdint>
#include <span>

namespace flowsim::engine::nat {

constexpr std::uint32_t kJhashInitval = 0xdeadbeef;

constexpr std::uint32_t rol32(std::uint32_t w, unsigned s) { return (w << s) | (w >> (32 - s)); }

constexpr std::uint32_t jhash2(std::span<const std::uint32_t> k, std::uint32_t initval) {
  std::uint32_t a, b, c;
  a = b = c = kJhashInitval + (static_cast<std::uint32_t>(k.size()) << 2) + initval;
  std::size_t i = 0;
  std::size_t length = k.size();
  while (length > 3) {
    a += k[i];
    b += k[i + 1];
    c += k[i + 2];
    // __jhash_mix
    a -= c; a ^= rol32(c, 4); c += b;
    b -= a; b ^= rol32(a, 6); a += c;
    c -= b; c ^= rol32(b, 8); b += a;
    a -= c; a ^= rol32(c, 16); c += b;
    b -= a; b ^= rol32(a, 19); a += c;
    c -= b; c ^= rol32(b, 4); b += a;
    length -= 3;
    i += 3;
  }
  switch (length) {
    case 3: c += k[i + 2]; [[fallthrough]];
    case 2: b += k[i + 1]; [[fallthrough]];
    case 1:
      a += k[i];
      // __jhash_final
      c ^= b; c -= rol32(b, 14);
      a ^= c; a -= rol32(c, 11);
      b ^= a; b -= rol32(a, 25);
      c ^= b; c -= rol32(b, 16);
      a ^= c; a -= rol32(c, 4);
      b ^= a; b -= rol32(a, 14);
      c ^= b; c -= rol32(b, 24);
      break;
    case 0: break;
  }
  return c;
}

// reciprocal_scale: maps a 32-bit hash onto [0, ep_ro).
constexpr std::uint32_t reciprocal_scale(std::uint32_t val, std::uint32_t ep_ro) {
  return static_cast<std::uint32_t>((std::uint64_t{val} * ep_ro) >> 32);
}

}  // namespace flowsim::engine::nat
