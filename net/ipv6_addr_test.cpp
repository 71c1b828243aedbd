// SPDX-License-Identifier: Apache-2.0
// Ipv6Addr and Ipv6Prefix: parsing of every RFC 4291 text form and of invalid text, the
// RFC 5952 canonical output, the 32-bit words the hash takes, and prefix containment.
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "net/ipv6_addr.hpp"

namespace flowsim::net {
namespace {

Ipv6Addr addr(std::string_view text) { return Ipv6Addr::parse(text).value(); }

TEST(Ipv6Addr, ParsesAllTextForms) {
  const std::array<std::uint8_t, 16> db8_1 = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_EQ(Ipv6Addr::parse("2001:db8::1"), Ipv6Addr(db8_1));
  EXPECT_EQ(Ipv6Addr::parse("2001:0DB8:0000:0000:0000:0000:0000:0001"), Ipv6Addr(db8_1));
  EXPECT_EQ(Ipv6Addr::parse("2001:db8:0:0:0:0:0:1"), Ipv6Addr(db8_1));
  EXPECT_EQ(Ipv6Addr::parse("::"), Ipv6Addr());
  const std::array<std::uint8_t, 16> mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1};
  EXPECT_EQ(Ipv6Addr::parse("::ffff:192.0.2.1"), Ipv6Addr(mapped));
  EXPECT_EQ(Ipv6Addr::parse("::ffff:c000:201"), Ipv6Addr(mapped));
}

TEST(Ipv6Addr, RejectsEverythingElse) {
  for (const std::string_view bad :
       {"", ":", ":::", "2001:db8::1::2", "12345::", "g::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "2001:db8::1%eth0",
        " ::1", "::1 ", "2001:db8::/32", "192.0.2.1", "::ffff:192.0.2.256", "1:2:3:4:5:6:7:8::",
        "0000:0000:0000:0000:0000:0000:0000:0000:0000:0000:0000"}) {
    EXPECT_FALSE(Ipv6Addr::parse(bad).has_value()) << '"' << bad << '"';
  }
  // A NUL inside the view must not cut the text short.
  EXPECT_FALSE(Ipv6Addr::parse(std::string_view("::1\0zz", 6)).has_value());
}

TEST(Ipv6Addr, FormatsCanonically) {
  // RFC 5952 §4: lower case, no leading zeros, the longest run of two or more zero words
  // compressed (the first on a tie), a single zero word not compressed.
  EXPECT_EQ(addr("2001:0DB8:0000:0000:0000:0000:0000:0001").to_string(), "2001:db8::1");
  EXPECT_EQ(addr("2001:db8:0:0:1:0:0:1").to_string(), "2001:db8::1:0:0:1");
  EXPECT_EQ(addr("fe80:0:0:1:0:0:0:1").to_string(), "fe80:0:0:1::1");
  EXPECT_EQ(addr("2001:db8:0:1:1:1:1:1").to_string(), "2001:db8:0:1:1:1:1:1");
  EXPECT_EQ(addr("0:0:0:0:0:0:0:0").to_string(), "::");
  EXPECT_EQ(addr("0:0:0:0:0:0:0:1").to_string(), "::1");
  EXPECT_EQ(addr("1:0:0:0:0:0:0:0").to_string(), "1::");
  EXPECT_EQ(addr("2001:DB8:AAAA:BBBB:CCCC:DDDD:EEEE:FFFF").to_string(), "2001:db8:aaaa:bbbb:cccc:dddd:eeee:ffff");
  EXPECT_EQ(addr("::ffff:c000:201").to_string(), "::ffff:192.0.2.1");  // §5: IPv4-mapped
  // ::/96 (the deprecated IPv4-compatible block) stays hex, unlike glibc's inet_ntop().
  EXPECT_EQ(addr("::2:3").to_string(), "::2:3");
  EXPECT_EQ(addr("::c000:201").to_string(), "::c000:201");
  EXPECT_EQ(addr("::1:0").to_string(), "::1:0");
  EXPECT_EQ(addr("::ffff").to_string(), "::ffff");
}

TEST(Ipv6Addr, BytesAndWords) {
  const Ipv6Addr a = addr("2001:db8:1234:5678:9abc:def0:fedc:ba98");
  EXPECT_EQ(a.word(0), 0x20010db8u);
  EXPECT_EQ(a.word(1), 0x12345678u);
  EXPECT_EQ(a.word(2), 0x9abcdef0u);
  EXPECT_EQ(a.word(3), 0xfedcba98u);
  std::uint8_t buf[18] = {};
  a.write_to(buf + 1);
  EXPECT_EQ(buf[0], 0);
  EXPECT_EQ(buf[1], 0x20);
  EXPECT_EQ(buf[16], 0x98);
  EXPECT_EQ(buf[17], 0);
  EXPECT_EQ(Ipv6Addr::from_bytes(buf + 1), a);
}

TEST(Ipv6Prefix, ParsesAndFormats) {
  const auto p = Ipv6Prefix::parse("2001:db8::/32");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->addr(), addr("2001:db8::"));
  EXPECT_EQ(p->length(), 32u);
  EXPECT_EQ(p->to_string(), "2001:db8::/32");
  EXPECT_EQ(Ipv6Prefix::parse("::1"), Ipv6Prefix(addr("::1"), 128));
  EXPECT_EQ(Ipv6Prefix::parse("2001:DB8:0:0::1/64")->to_string(), "2001:db8::1/64");
  for (const std::string_view bad : {"2001:db8::/129", "2001:db8::/", "2001:db8::/x", "/64", "2001:db8::/64/1",
                                     "2001:db8:::/64", "2001:db8::/-1"}) {
    EXPECT_FALSE(Ipv6Prefix::parse(bad).has_value()) << '"' << bad << '"';
  }
}

TEST(Ipv6Prefix, Containment) {
  const Ipv6Prefix p32 = *Ipv6Prefix::parse("2001:db8::/32");
  EXPECT_TRUE(p32.contains(addr("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff")));
  EXPECT_FALSE(p32.contains(addr("2001:db9::")));
  // /31: 2001:db8 and 2001:db9 differ only in bit 32, outside the prefix; 2001:dba does not.
  const Ipv6Prefix p31 = *Ipv6Prefix::parse("2001:db8::/31");
  EXPECT_TRUE(p31.contains(addr("2001:db9::1")));
  EXPECT_FALSE(p31.contains(addr("2001:dba::")));
  const Ipv6Prefix p60 = *Ipv6Prefix::parse("2001:db8:0:10::/60");
  EXPECT_TRUE(p60.contains(addr("2001:db8:0:1f::1")));
  EXPECT_FALSE(p60.contains(addr("2001:db8:0:20::")));
  EXPECT_TRUE(Ipv6Prefix::parse("::/0")->contains(addr("fe80::1")));
  const Ipv6Prefix host = *Ipv6Prefix::parse("2001:db8::1/128");
  EXPECT_TRUE(host.contains(addr("2001:db8::1")));
  EXPECT_FALSE(host.contains(addr("2001:db8::")));
}

}  // namespace
}  // namespace flowsim::net
