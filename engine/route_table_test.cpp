// SPDX-License-Identifier: Apache-2.0
// Longest-prefix match: overlapping prefixes, default routes, host routes, replacement and
// prefix lengths that do not fall on byte boundaries.
#include "engine/route_table.hpp"

#include <gtest/gtest.h>

#include "engine/test_frames.hpp"

namespace flowsim::engine {
namespace {

using testing::v4;
using testing::v4p;
using testing::v6;
using testing::v6p;

Route via_if(unsigned ifindex) { return Route{std::nullopt, ifindex}; }

unsigned ifindex_of(const RouteTable& t, net::Ipv4Addr a) {
  const Route* r = t.lookup(a);
  return r ? r->ifindex : 999;
}
unsigned ifindex_of(const RouteTable& t, const net::Ipv6Addr& a) {
  const Route* r = t.lookup(a);
  return r ? r->ifindex : 999;
}

TEST(RouteTableTest, EmptyTableHasNoRoute) {
  RouteTable t;
  EXPECT_EQ(t.lookup(v4("10.0.0.1")), nullptr);
  EXPECT_EQ(t.lookup(v6("2001:db8::1")), nullptr);
  EXPECT_EQ(t.size(), 0u);
}

TEST(RouteTableTest, Ipv4OverlappingPrefixesPickTheLongest) {
  RouteTable t;
  t.add(v4p("10.0.0.0/8"), via_if(1));
  t.add(v4p("10.1.0.0/16"), via_if(2));
  t.add(v4p("10.1.2.0/24"), via_if(3));
  t.add(v4p("10.1.2.3/32"), via_if(4));
  EXPECT_EQ(ifindex_of(t, v4("10.9.9.9")), 1u);
  EXPECT_EQ(ifindex_of(t, v4("10.1.9.9")), 2u);
  EXPECT_EQ(ifindex_of(t, v4("10.1.2.4")), 3u);
  EXPECT_EQ(ifindex_of(t, v4("10.1.2.3")), 4u);
  EXPECT_EQ(t.lookup(v4("11.0.0.1")), nullptr);
}

TEST(RouteTableTest, Ipv4DefaultRouteCatchesEverythingElse) {
  RouteTable t;
  t.add(v4p("0.0.0.0/0"), Route{v4("203.0.113.1"), 7});
  t.add(v4p("192.168.1.0/24"), via_if(0));
  const Route* r = t.lookup(v4("8.8.8.8"));
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->ifindex, 7u);
  ASSERT_TRUE(r->gateway.has_value());
  EXPECT_EQ(std::get<net::Ipv4Addr>(*r->gateway), v4("203.0.113.1"));
  EXPECT_EQ(ifindex_of(t, v4("255.255.255.255")), 7u);
  EXPECT_EQ(ifindex_of(t, v4("0.0.0.0")), 7u);
  EXPECT_EQ(ifindex_of(t, v4("192.168.1.77")), 0u);
}

TEST(RouteTableTest, Ipv4HostRouteMatchesOnlyItsAddress) {
  RouteTable t;
  t.add(v4p("198.51.100.7/32"), via_if(2));
  EXPECT_EQ(ifindex_of(t, v4("198.51.100.7")), 2u);
  EXPECT_EQ(t.lookup(v4("198.51.100.6")), nullptr);
  EXPECT_EQ(t.lookup(v4("198.51.100.8")), nullptr);
}

TEST(RouteTableTest, Ipv4OddLengths) {
  RouteTable t;
  t.add(v4p("172.16.0.0/12"), via_if(1));
  t.add(v4p("172.16.0.0/31"), via_if(2));
  EXPECT_EQ(ifindex_of(t, v4("172.31.255.255")), 1u);
  EXPECT_EQ(t.lookup(v4("172.32.0.0")), nullptr);
  EXPECT_EQ(ifindex_of(t, v4("172.16.0.1")), 2u);
  EXPECT_EQ(ifindex_of(t, v4("172.16.0.2")), 1u);
}

TEST(RouteTableTest, HostBitsOfTheAddedPrefixAreIgnored) {
  RouteTable t;
  t.add(v4p("192.168.1.1/24"), via_if(3));  // an interface address as given to `ip addr`
  EXPECT_EQ(ifindex_of(t, v4("192.168.1.200")), 3u);
  t.add(v6p("2001:db8:1::1/64"), via_if(4));
  EXPECT_EQ(ifindex_of(t, v6("2001:db8:1::abcd")), 4u);
}

TEST(RouteTableTest, AddingTheSamePrefixReplaces) {
  RouteTable t;
  EXPECT_TRUE(t.add(v4p("10.0.0.0/8"), via_if(1)));
  EXPECT_FALSE(t.add(v4p("10.0.0.0/8"), via_if(2)));
  EXPECT_FALSE(t.add(v4p("10.2.3.4/8"), via_if(3)));  // same prefix once masked
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(ifindex_of(t, v4("10.0.0.1")), 3u);
}

TEST(RouteTableTest, Ipv6OverlappingPrefixesPickTheLongest) {
  RouteTable t;
  t.add(v6p("::/0"), via_if(1));
  t.add(v6p("2001:db8::/32"), via_if(2));
  t.add(v6p("2001:db8:1::/48"), via_if(3));
  t.add(v6p("2001:db8:1:2::/64"), via_if(4));
  t.add(v6p("2001:db8:1:2::99/128"), via_if(5));
  EXPECT_EQ(ifindex_of(t, v6("2001:4860::8888")), 1u);
  EXPECT_EQ(ifindex_of(t, v6("2001:db8:ffff::1")), 2u);
  EXPECT_EQ(ifindex_of(t, v6("2001:db8:1:ffff::1")), 3u);
  EXPECT_EQ(ifindex_of(t, v6("2001:db8:1:2::1")), 4u);
  EXPECT_EQ(ifindex_of(t, v6("2001:db8:1:2::99")), 5u);
  EXPECT_EQ(ifindex_of(t, v6("2001:db8:1:2::98")), 4u);
}

TEST(RouteTableTest, Ipv6LengthsOffByteAndWordBoundaries) {
  RouteTable t;
  t.add(v6p("2001:db8:8000::/33"), via_if(1));       // bit 32 set
  t.add(v6p("2001:db8::8000:0:0:0/65"), via_if(2));  // bit 64 set: crosses into the low word
  t.add(v6p("2001:db8::2/127"), via_if(3));
  EXPECT_EQ(ifindex_of(t, v6("2001:db8:8000::1")), 1u);
  EXPECT_EQ(ifindex_of(t, v6("2001:db8:ffff::1")), 1u);
  EXPECT_EQ(t.lookup(v6("2001:db8:7fff::1")), nullptr);
  EXPECT_EQ(ifindex_of(t, v6("2001:db8::8000:0:0:1")), 2u);
  EXPECT_EQ(t.lookup(v6("2001:db8::7fff:0:0:1")), nullptr);
  EXPECT_EQ(ifindex_of(t, v6("2001:db8::2")), 3u);
  EXPECT_EQ(ifindex_of(t, v6("2001:db8::3")), 3u);
  EXPECT_EQ(t.lookup(v6("2001:db8::4")), nullptr);
}

TEST(RouteTableTest, FamiliesAreSeparate) {
  RouteTable t;
  t.add(v4p("0.0.0.0/0"), via_if(1));
  EXPECT_EQ(t.lookup(v6("::1")), nullptr);
  t.add(v6p("::/0"), via_if(2));
  EXPECT_EQ(ifindex_of(t, v4("1.2.3.4")), 1u);
  EXPECT_EQ(ifindex_of(t, v6("::1")), 2u);
  EXPECT_EQ(t.size(), 2u);
}

}  // namespace
}  // namespace flowsim::engine
