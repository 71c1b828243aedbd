// SPDX-License-Identifier: Apache-2.0
// SipHash-2-4 (Aumasson & Bernstein, 2012), the keyed hash Linux uses to pick an IP ID
// generator per destination (lib/siphash.c; siphash_3u32 is SipHash of the three words laid
// out little-endian, 12 bytes).
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace flowsim::engine::ip {

struct SipKey {
  std::array<std::uint64_t, 2> k{};
};

// SipHash-2-4 of `data` (the reference algorithm: words read little-endian, the length in
// the top byte of the last block).
std::uint64_t siphash(std::span<const std::uint8_t> data, const SipKey& key);

// Linux siphash_3u32(first, second, third, key) on a little-endian machine, where the
// words are the raw memory of (for example) network-order addresses.
std::uint64_t siphash_3u32(std::uint32_t first, std::uint32_t second, std::uint32_t third, const SipKey& key);

}  // namespace flowsim::engine::ip
