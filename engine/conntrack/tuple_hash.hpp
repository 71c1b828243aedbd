// SPDX-License-Identifier: Apache-2.0
// Hash of a conntrack / flowtable tuple for the standard unordered containers. The kernel
// uses a seeded siphash/jhash against hash-flooding; here inputs come from trace files and
// the hash only needs to spread well and be cheap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "net/five_tuple.hpp"

namespace flowsim::engine::conntrack {

struct TupleHash {
  std::size_t operator()(const net::FiveTuple& t) const {
    std::uint64_t a = 0, b = 0, c = 0, d = 0;
    std::memcpy(&a, t.src.data(), 8);
    std::memcpy(&b, t.src.data() + 8, 8);
    std::memcpy(&c, t.dst.data(), 8);
    std::memcpy(&d, t.dst.data() + 8, 8);
    std::uint64_t h = a * 0x9e3779b97f4a7c15ULL;
    h ^= b + 0x7f4a7c159e3779b9ULL + (h << 6) + (h >> 2);
    h ^= c * 0xbf58476d1ce4e5b9ULL + (h << 6) + (h >> 2);
    h ^= d * 0x94d049bb133111ebULL + (h << 6) + (h >> 2);
    h ^= (std::uint64_t{t.src_port} << 32 | std::uint64_t{t.dst_port} << 16 | std::uint64_t{t.proto} << 8 | t.family) *
         0xd6e8feb86659fd93ULL;
    h ^= h >> 31;
    return static_cast<std::size_t>(h);
  }
};

}  // namespace flowsim::engine::conntrack
