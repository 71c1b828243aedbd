// SPDX-License-Identifier: Apache-2.0
// Ipv4Addr and Ipv4Prefix: parsing of valid and invalid text, formatting, masks and
// containment.
#include <string_view>

#include <gtest/gtest.h>

#include "net/ipv4_addr.hpp"

namespace flowsim::net {
namespace {

TEST(Ipv4Addr, ParsesDottedQuads) {
  EXPECT_EQ(Ipv4Addr::parse("192.0.2.1"), Ipv4Addr(0xc0000201));
  EXPECT_EQ(Ipv4Addr::parse("0.0.0.0"), Ipv4Addr(0));
  EXPECT_EQ(Ipv4Addr::parse("255.255.255.255"), Ipv4Addr(0xffffffff));
  EXPECT_EQ(Ipv4Addr::parse("10.0.0.0"), Ipv4Addr(0x0a000000));
  EXPECT_EQ(Ipv4Addr::parse("0.1.2.3"), Ipv4Addr(0x00010203));
}

TEST(Ipv4Addr, RejectsEverythingElse) {
  for (const std::string_view bad :
       {"", "1", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1.2.3.256", "1.2.3.-4", "1..2.3", ".1.2.3", "1.2.3.",
        " 1.2.3.4", "1.2.3.4 ", "a.b.c.d", "1.2.3.4/8", "0x1.2.3.4", "+1.2.3.4", "1.2.3.0004", "1.2.3.4\n",
        "::1", "1,2,3,4",
        // Leading zeros are rejected: inet_aton() would read "010" as octal 8.
        "010.0.0.1", "1.2.3.04", "00.0.0.0"}) {
    EXPECT_FALSE(Ipv4Addr::parse(bad).has_value()) << '"' << bad << '"';
  }
  EXPECT_FALSE(Ipv4Addr::parse(std::string_view("1.2.3.4\0", 8)).has_value());
}

TEST(Ipv4Addr, FormatsAndRoundTrips) {
  EXPECT_EQ(Ipv4Addr(0xc0000201).to_string(), "192.0.2.1");
  EXPECT_EQ(Ipv4Addr(0).to_string(), "0.0.0.0");
  EXPECT_EQ(Ipv4Addr(0xffffffff).to_string(), "255.255.255.255");
  for (const char* text : {"198.51.100.7", "10.0.255.1", "100.64.0.0", "1.0.0.0"}) {
    EXPECT_EQ(Ipv4Addr::parse(text)->to_string(), text);
  }
}

TEST(Ipv4Addr, OrdersNumerically) {
  EXPECT_LT(Ipv4Addr(0x0a000001), Ipv4Addr(0x0a000002));
  EXPECT_LT(*Ipv4Addr::parse("9.255.255.255"), *Ipv4Addr::parse("10.0.0.0"));
}

TEST(Ipv4Prefix, ParsesPrefixesAndBareAddresses) {
  const auto p = Ipv4Prefix::parse("10.0.0.0/8");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->addr(), Ipv4Addr(0x0a000000));
  EXPECT_EQ(p->length(), 8u);
  EXPECT_EQ(p->mask(), 0xff000000u);
  EXPECT_EQ(Ipv4Prefix::parse("192.0.2.1"), Ipv4Prefix(Ipv4Addr(0xc0000201), 32));
  EXPECT_EQ(Ipv4Prefix::parse("0.0.0.0/0"), Ipv4Prefix(Ipv4Addr(0), 0));
  EXPECT_EQ(Ipv4Prefix::parse("192.168.1.77/24")->addr(), Ipv4Addr(0xc0a8014d)) << "host bits are kept";
}

TEST(Ipv4Prefix, RejectsBadPrefixes) {
  for (const std::string_view bad : {"10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8x", "10.0.0.0/ 8",
                                     "10.0.0/8", "/8", "10.0.0.0/8/8", "10.0.0.0//8", "256.0.0.0/8", ""}) {
    EXPECT_FALSE(Ipv4Prefix::parse(bad).has_value()) << '"' << bad << '"';
  }
}

TEST(Ipv4Prefix, MasksAndContainment) {
  EXPECT_EQ(Ipv4Prefix(Ipv4Addr(0), 0).mask(), 0u);
  EXPECT_EQ(Ipv4Prefix(Ipv4Addr(0), 1).mask(), 0x80000000u);
  EXPECT_EQ(Ipv4Prefix(Ipv4Addr(0), 31).mask(), 0xfffffffeu);
  EXPECT_EQ(Ipv4Prefix(Ipv4Addr(0), 32).mask(), 0xffffffffu);

  const Ipv4Prefix lan = *Ipv4Prefix::parse("192.168.1.0/24");
  EXPECT_TRUE(lan.contains(*Ipv4Addr::parse("192.168.1.0")));
  EXPECT_TRUE(lan.contains(*Ipv4Addr::parse("192.168.1.255")));
  EXPECT_FALSE(lan.contains(*Ipv4Addr::parse("192.168.2.0")));
  EXPECT_FALSE(lan.contains(*Ipv4Addr::parse("192.168.0.255")));
  EXPECT_TRUE(Ipv4Prefix::parse("0.0.0.0/0")->contains(*Ipv4Addr::parse("203.0.113.9")));
  const Ipv4Prefix host = *Ipv4Prefix::parse("203.0.113.9");
  EXPECT_TRUE(host.contains(*Ipv4Addr::parse("203.0.113.9")));
  EXPECT_FALSE(host.contains(*Ipv4Addr::parse("203.0.113.8")));
  const Ipv4Prefix odd = *Ipv4Prefix::parse("100.64.0.0/10");  // 100.64.0.0 - 100.127.255.255
  EXPECT_TRUE(odd.contains(*Ipv4Addr::parse("100.127.255.255")));
  EXPECT_FALSE(odd.contains(*Ipv4Addr::parse("100.128.0.0")));
  EXPECT_FALSE(odd.contains(*Ipv4Addr::parse("100.63.255.255")));
}

TEST(Ipv4Prefix, Formats) {
  EXPECT_EQ(Ipv4Prefix::parse("10.0.0.0/8")->to_string(), "10.0.0.0/8");
  EXPECT_EQ(Ipv4Prefix::parse("192.0.2.1")->to_string(), "192.0.2.1/32");
  EXPECT_EQ(Ipv4Prefix(Ipv4Addr(0xc0a8014d), 24).to_string(), "192.168.1.77/24");
}

}  // namespace
}  // namespace flowsim::net
