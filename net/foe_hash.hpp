// SPDX-License-Identifier: Apache-2.0
// The FOE hash, the reference for the hardware hash unit (rtl/foe_hash.sv) and for the driver:
// MediaTek's mtk_ppe_hash_entry (shared/spec/hardware.md §1.3) with flowsim's HASH_SEED XORed
// into hv1. It stops at the 32-bit value; the flow table applies its bucket mask itself.
// rtl/spec/flowsim_hw.yaml holds the shared test vectors (hw::hash::kVectors).
#pragma once

#include <cstdint>

#include "net/byte_order.hpp"
#include "net/five_tuple.hpp"

namespace flowsim::net {

// The three input words of the hash unit (host order).
struct FoeHashWords {
  std::uint32_t hv1;
  std::uint32_t hv2;
  std::uint32_t hv3;

  friend constexpr bool operator==(const FoeHashWords&, const FoeHashWords&) = default;
};

// The hash unit's input from the flow-entry key words: ports word = sport << 16 | dport.
// IPv4: hv1 = ports ^ seed, hv2 = dst, hv3 = src.
constexpr FoeHashWords foe_hash_words_ipv4(std::uint32_t src, std::uint32_t dst, std::uint32_t ports,
                                           std::uint32_t seed) {
  return {ports ^ seed, dst, src};
}
// IPv6, with s[i], d[i] the addresses' 32-bit words, most significant first:
//   hv1 = s[3] ^ d[3] ^ ports ^ seed, hv2 = s[2] ^ d[2] ^ d[0], hv3 = s[1] ^ d[1] ^ s[0].
constexpr FoeHashWords foe_hash_words_ipv6(const std::uint32_t (&s)[4], const std::uint32_t (&d)[4],
                                           std::uint32_t ports, std::uint32_t seed) {
  return {s[3] ^ d[3] ^ ports ^ seed, s[2] ^ d[2] ^ d[0], s[1] ^ d[1] ^ s[0]};
}

// The hash unit's input for a tuple, as the parser builds it (family != 6 is IPv4).
constexpr FoeHashWords foe_hash_words(const FiveTuple& t, std::uint32_t seed) {
  const std::uint32_t ports = (std::uint32_t{t.src_port} << 16) | t.dst_port;
  if (t.family != 6) return foe_hash_words_ipv4(load_be32(t.src.data()), load_be32(t.dst.data()), ports, seed);
  std::uint32_t s[4]{};
  std::uint32_t d[4]{};
  for (unsigned i = 0; i < 4; ++i) {
    s[i] = load_be32(t.src.data() + 4 * i);
    d[i] = load_be32(t.dst.data() + 4 * i);
  }
  return foe_hash_words_ipv6(s, d, ports, seed);
}

// The 32-bit hash: hv1 selects hv2 where 1 and hv3 where 0, rotated left by 8, XORed with all
// three words, then folded once (h ^= h >> 16). Bucket = foe_hash(w) & (buckets - 1).
constexpr std::uint32_t foe_hash(FoeHashWords w) {
  std::uint32_t h = (w.hv1 & w.hv2) | (~w.hv1 & w.hv3);
  h = (h << 8) | (h >> 24);
  h ^= w.hv1 ^ w.hv2 ^ w.hv3;
  h ^= h >> 16;
  return h;
}

}  // namespace flowsim::net
