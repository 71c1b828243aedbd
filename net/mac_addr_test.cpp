// SPDX-License-Identifier: Apache-2.0
// MacAddr: parsing, formatting and the multicast bit.
#include <string_view>

#include <gtest/gtest.h>

#include "net/mac_addr.hpp"

namespace flowsim::net {
namespace {

TEST(MacAddr, ParsesColonAndDashForms) {
  const MacAddr expected({0x02, 0x00, 0x5e, 0x10, 0xab, 0x01});
  EXPECT_EQ(MacAddr::parse("02:00:5e:10:ab:01"), expected);
  EXPECT_EQ(MacAddr::parse("02-00-5E-10-AB-01"), expected);
  EXPECT_EQ(expected.to_string(), "02:00:5e:10:ab:01");
  EXPECT_EQ(MacAddr::parse("ff:ff:ff:ff:ff:ff")->to_string(), "ff:ff:ff:ff:ff:ff");
}

TEST(MacAddr, RejectsEverythingElse) {
  for (const std::string_view bad : {"", "02:00:5e:10:ab", "02:00:5e:10:ab:01:", "02:00:5e:10:ab:0g",
                                     "0200.5e10.ab01", "02:00:5e:10:ab:1", "02 00 5e 10 ab 01", "020:0:5e:10:ab:01"}) {
    EXPECT_FALSE(MacAddr::parse(bad).has_value()) << '"' << bad << '"';
  }
}

TEST(MacAddr, BytesAndMulticast) {
  const MacAddr m = *MacAddr::parse("01:00:5e:00:00:fb");
  EXPECT_TRUE(m.is_multicast());
  EXPECT_FALSE(MacAddr::parse("02:00:00:00:00:01")->is_multicast());
  std::uint8_t buf[6] = {};
  m.write_to(buf);
  EXPECT_EQ(MacAddr::from_bytes(buf), m);
  EXPECT_EQ(buf[5], 0xfb);
}

}  // namespace
}  // namespace flowsim::net
