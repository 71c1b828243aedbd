// SPDX-License-Identifier: Apache-2.0
// The C++ hash against the shared vectors of rtl/spec/flowsim_hw.yaml: net::foe_hash_words on
// the vectors' tuples and on hand-computed ones, net::foe_hash and FoeHashCpp on every vector.
#include "model/rtl_twin/foe_hash_cpp.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "hw/flowsim_hw.hpp"  // Generated.
#include "net/five_tuple.hpp"
#include "net/foe_hash.hpp"
#include "net/ipv4_addr.hpp"
#include "net/ipv6_addr.hpp"

namespace flowsim::model {
namespace {

using net::FoeHashWords;
using net::FiveTuple;

FiveTuple tuple_of(const hw::hash::Tuple& t) {
  FiveTuple f;
  f.family = t.family;
  f.src = t.src;
  f.dst = t.dst;
  f.src_port = t.src_port;
  f.dst_port = t.dst_port;
  f.proto = t.proto;
  return f;
}

net::Ipv6Addr v6(const char* text) {
  auto a = net::Ipv6Addr::parse(text);
  EXPECT_TRUE(a.has_value()) << text;
  return a.value_or(net::Ipv6Addr{});
}

// The hash is constexpr all the way, so the driver may build tables of it at compile time.
constexpr FiveTuple kConstTuple{{10, 0, 0, 1}, {10, 0, 0, 2}, 1234, 80, 6, 4};
static_assert(net::foe_hash_words(kConstTuple, 0) == FoeHashWords{0x04d20050, 0x0a000002, 0x0a000001});
static_assert(net::foe_hash({0, 0, 0}) == 0);

TEST(FoeHashWords, Ipv4ByHand) {
  const auto t = FiveTuple::ipv4(net::Ipv4Addr(0xc0a8010a), net::Ipv4Addr(0x5db8d822), 6, 51234, 443);
  // ports = 51234 << 16 | 443 = 0xc822'01bb; dst 93.184.216.34; src 192.168.1.10.
  EXPECT_EQ(net::foe_hash_words(t, 0), (FoeHashWords{0xc82201bb, 0x5db8d822, 0xc0a8010a}));
  EXPECT_EQ(net::foe_hash_words(t, 0x12345678),
            (FoeHashWords{0xc82201bb ^ 0x12345678, 0x5db8d822, 0xc0a8010a}));
}

TEST(FoeHashWords, Ipv6ByHand) {
  const auto t = FiveTuple::ipv6(v6("1:2:3:4:5:6:7:8"), v6("9:a:b:c:d:e:f:10"), 6, 1, 2);
  // s = 00010002 00030004 00050006 00070008, d = 0009000a 000b000c 000d000e 000f0010.
  // hv1 = s3^d3^ports = 00070008^000f0010^00010002, hv2 = s2^d2^d0, hv3 = s1^d1^s0.
  EXPECT_EQ(net::foe_hash_words(t, 0), (FoeHashWords{0x0009001a, 0x00010002, 0x0009000a}));
}

TEST(FoeHashWords, Ipv6MatchesIpv6AddrWords) {
  const auto s = v6("2001:db8:1234:5678:9abc:def0:1357:9bdf");
  const auto d = v6("fe80::aaaa:5555:0:ffff");
  const auto t = FiveTuple::ipv6(s, d, 17, 5353, 53);
  const std::uint32_t ports = (5353u << 16) | 53u;
  const std::uint32_t seed = 0xdeadbeef;
  EXPECT_EQ(net::foe_hash_words(t, seed),
            (FoeHashWords{s.word(3) ^ d.word(3) ^ ports ^ seed, s.word(2) ^ d.word(2) ^ d.word(0),
                          s.word(1) ^ d.word(1) ^ s.word(0)}));
}

TEST(FoeHash, KnownValues) {
  // Two values worked out by hand (the vector table has the rest).
  // hv1 = ~0, hv2 = hv3 = 0: select = 0, rotate = 0, xor = ~0, fold: ~0 ^ 0x0000ffff.
  EXPECT_EQ(net::foe_hash({0xffffffff, 0, 0}), 0xffff0000u);
  // hv1 = 0, hv3 = 1: select = 1, rotate = 0x100, xor 1 -> 0x101, fold (no upper half) -> 0x101.
  EXPECT_EQ(net::foe_hash({0, 0, 1}), 0x00000101u);
}

TEST(FoeHash, SharedVectors) {
  for (const auto& v : hw::hash::kVectors) {
    EXPECT_EQ(net::foe_hash({v.hv1, v.hv2, v.hv3}), v.hash) << v.name;
    if (v.tuple.family != 0) {
      EXPECT_EQ(net::foe_hash_words(tuple_of(v.tuple), v.seed), (FoeHashWords{v.hv1, v.hv2, v.hv3}))
          << v.name;
    }
  }
}

TEST(FoeHashCpp, SharedVectors) {
  std::vector<FoeHashWords> in;
  for (const auto& v : hw::hash::kVectors) {
    in.push_back({v.hv1, v.hv2, v.hv3});
  }
  std::vector<std::uint32_t> out(in.size());
  FoeHashCpp engine;
  engine.compute(in, out);
  for (std::size_t i = 0; i < in.size(); ++i) {
    EXPECT_EQ(out[i], hw::hash::kVectors[i].hash) << hw::hash::kVectors[i].name;
  }
  EXPECT_EQ(engine.name(), "cpp");
}

TEST(FoeHashCpp, RejectsMismatchedSpans) {
  FoeHashCpp engine;
  std::vector<FoeHashWords> in(3);
  std::vector<std::uint32_t> out(2);
  EXPECT_THROW(engine.compute(in, out), std::invalid_argument);
}

}  // namespace
}  // namespace flowsim::model
