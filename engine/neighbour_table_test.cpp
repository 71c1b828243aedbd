// SPDX-License-Identifier: Apache-2.0
// Static neighbour entries: per interface, per family, replace semantics.
#include "engine/neighbour_table.hpp"

#include <gtest/gtest.h>

#include "engine/test_frames.hpp"

namespace flowsim::engine {
namespace {

using testing::mac;
using testing::v4;
using testing::v6;

TEST(NeighbourTableTest, LookupIsPerInterface) {
  NeighbourTable t;
  t.add(0, v4("192.168.1.100"), mac("02:00:00:00:01:64"));
  EXPECT_EQ(t.lookup(0, v4("192.168.1.100")), mac("02:00:00:00:01:64"));
  EXPECT_EQ(t.lookup(1, v4("192.168.1.100")), std::nullopt);
  EXPECT_EQ(t.lookup(0, v4("192.168.1.101")), std::nullopt);
}

TEST(NeighbourTableTest, FamiliesDoNotCollide) {
  NeighbourTable t;
  // 10.0.0.1 and a:1:: share their first four bytes.
  t.add(0, v4("10.0.0.1"), mac("02:00:00:00:00:04"));
  t.add(0, v6("a00:1::"), mac("02:00:00:00:00:06"));
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(t.lookup(0, v4("10.0.0.1")), mac("02:00:00:00:00:04"));
  EXPECT_EQ(t.lookup(0, v6("a00:1::")), mac("02:00:00:00:00:06"));
}

TEST(NeighbourTableTest, AddReplaces) {
  NeighbourTable t;
  EXPECT_TRUE(t.add(2, v6("2001:db8::1"), mac("02:00:00:00:00:01")));
  EXPECT_FALSE(t.add(2, v6("2001:db8::1"), mac("02:00:00:00:00:02")));
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(t.lookup(2, v6("2001:db8::1")), mac("02:00:00:00:00:02"));
}

TEST(NeighbourTableTest, VariantOverloadsMatchTheTypedOnes) {
  NeighbourTable t;
  const std::variant<net::Ipv4Addr, net::Ipv6Addr> a = v4("203.0.113.1");
  const std::variant<net::Ipv4Addr, net::Ipv6Addr> b = v6("2001:db8:ffff::1");
  t.add(1, a, mac("02:00:00:00:02:fe"));
  t.add(1, b, mac("02:00:00:00:02:fd"));
  EXPECT_EQ(t.lookup(1, v4("203.0.113.1")), mac("02:00:00:00:02:fe"));
  EXPECT_EQ(t.lookup(1, b), mac("02:00:00:00:02:fd"));
}

}  // namespace
}  // namespace flowsim::engine
