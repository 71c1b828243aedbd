// SPDX-License-Identifier: Apache-2.0
// FiveTuple: the shared IPv4/IPv6 layout (IPv4 in the first four bytes, the rest zero),
// reversal for the reply direction, ordering and the text form used in messages.
#include <gtest/gtest.h>

#include "net/five_tuple.hpp"

namespace flowsim::net {
namespace {

TEST(FiveTuple, Ipv4Layout) {
  const FiveTuple t = FiveTuple::ipv4(Ipv4Addr(0xc0a8010a), Ipv4Addr(0xcb007105), 6, 51000, 443);
  EXPECT_EQ(t.src, (std::array<std::uint8_t, 16>{192, 168, 1, 10}));
  EXPECT_EQ(t.dst, (std::array<std::uint8_t, 16>{203, 0, 113, 5}));
  EXPECT_EQ(t.src_v4(), Ipv4Addr(0xc0a8010a));
  EXPECT_EQ(t.dst_v4(), Ipv4Addr(0xcb007105));
  EXPECT_EQ(t.family, 4);
  EXPECT_EQ(t.proto, 6);
  EXPECT_EQ(t.to_string(), "proto 6 192.168.1.10:51000 -> 203.0.113.5:443");
}

TEST(FiveTuple, Ipv6Layout) {
  const Ipv6Addr s = *Ipv6Addr::parse("2001:db8::1");
  const Ipv6Addr d = *Ipv6Addr::parse("2001:db8::2");
  const FiveTuple t = FiveTuple::ipv6(s, d, 17, 546, 547);
  EXPECT_EQ(t.src, s.bytes());
  EXPECT_EQ(t.src_v6(), s);
  EXPECT_EQ(t.dst_v6(), d);
  EXPECT_EQ(t.family, 6);
  EXPECT_EQ(t.to_string(), "proto 17 [2001:db8::1]:546 -> [2001:db8::2]:547");
}

TEST(FiveTuple, ReversedSwapsAddressesAndPorts) {
  const FiveTuple t = FiveTuple::ipv4(Ipv4Addr(1), Ipv4Addr(2), 17, 3, 4);
  const FiveTuple r = t.reversed();
  EXPECT_EQ(r, FiveTuple::ipv4(Ipv4Addr(2), Ipv4Addr(1), 17, 4, 3));
  EXPECT_EQ(r.reversed(), t);
  EXPECT_NE(r, t);
}

TEST(FiveTuple, FamiliesNeverCompareEqual) {
  // IPv4 0.0.0.1 and IPv6 0:1:: have the same 16 bytes; the family keeps them apart.
  std::array<std::uint8_t, 16> v6{};
  v6[3] = 1;
  const FiveTuple a = FiveTuple::ipv4(Ipv4Addr(1), Ipv4Addr(1), 6, 1, 1);
  const FiveTuple b = FiveTuple::ipv6(Ipv6Addr(v6), Ipv6Addr(v6), 6, 1, 1);
  EXPECT_EQ(a.src, b.src);
  EXPECT_NE(a, b);
  EXPECT_LT(FiveTuple::ipv4(Ipv4Addr(1), Ipv4Addr(1), 6, 1, 1), FiveTuple::ipv4(Ipv4Addr(1), Ipv4Addr(1), 6, 1, 2));
}

}  // namespace
}  // namespace flowsim::net
