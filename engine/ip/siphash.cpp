// SPDX-License-Identifier: Apache-2.0
#include "engine/ip/siphash.hpp"

#include <bit>

namespace flowsim::engine::ip {
namespace {

struct State {
  std::uint64_t v0, v1, v2, v3;

  explicit State(const SipKey& key)
      : v0(0x736f6d6570736575ULL ^ key.k[0]),
        v1(0x646f72616e646f6dULL ^ key.k[1]),
        v2(0x6c7967656e657261ULL ^ key.k[0]),
        v3(0x7465646279746573ULL ^ key.k[1]) {}

  void round() {
    v0 += v1;
    v1 = std::rotl(v1, 13);
    v1 ^= v0;
    v0 = std::rotl(v0, 32);
    v2 += v3;
    v3 = std::rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = std::rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = std::rotl(v1, 17);
    v1 ^= v2;
    v2 = std::rotl(v2, 32);
  }
  void compress(std::uint64_t m) {
    v3 ^= m;
    round();
    round();
    v0 ^= m;
  }
  std::uint64_t finish(std::uint64_t last) {
    compress(last);
    v2 ^= 0xff;
    round();
    round();
    round();
    round();
    return v0 ^ v1 ^ v2 ^ v3;
  }
};

std::uint64_t load_le64(const std::uint8_t* p, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v |= std::uint64_t{p[i]} << (8 * i);
  return v;
}

}  // namespace

std::uint64_t siphash(std::span<const std::uint8_t> data, const SipKey& key) {
  State s(key);
  const std::size_t whole = data.size() / 8 * 8;
  for (std::size_t i = 0; i < whole; i += 8) s.compress(load_le64(data.data() + i, 8));
  const std::uint64_t last = (std::uint64_t{data.size() & 0xff} << 56) | load_le64(data.data() + whole, data.size() - whole);
  return s.finish(last);
}

std::uint64_t siphash_3u32(std::uint32_t first, std::uint32_t second, std::uint32_t third, const SipKey& key) {
  State s(key);
  s.compress(std::uint64_t{second} << 32 | first);
  return s.finish((std::uint64_t{12} << 56) | third);
}

}  // namespace flowsim::engine::ip
