// SPDX-License-Identifier: Apache-2.0
// Record Route on forward: the first free slot gets the address and the pointer moves on; a
// full option is left alone; NOPs and other options before it are skipped; lengths and
// pointers Linux refuses are reported, not written through.
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "net/ipv4_options.hpp"

namespace flowsim::net {
namespace {

using Bytes = std::vector<std::uint8_t>;
const Ipv4Addr kOut(0xcb007102);  // 203.0.113.2

TEST(Ipv4OptionsTest, RecordRouteFillsTheFirstFreeSlot) {
  Bytes o = {7, 15, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};  // three slots and END
  EXPECT_EQ(record_route(o, kOut), Ipv4OptionsEdit::kChanged);
  EXPECT_EQ(o, (Bytes{7, 15, 8, 203, 0, 113, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(record_route(o, Ipv4Addr(0x0a000301)), Ipv4OptionsEdit::kChanged);
  EXPECT_EQ(o, (Bytes{7, 15, 12, 203, 0, 113, 2, 10, 0, 3, 1, 0, 0, 0, 0, 0}));
}

TEST(Ipv4OptionsTest, AFullRecordRouteIsLeftAlone) {
  Bytes o = {7, 7, 8, 1, 2, 3, 4, 0};
  const Bytes before = o;
  EXPECT_EQ(record_route(o, kOut), Ipv4OptionsEdit::kUnchanged);
  EXPECT_EQ(o, before);
}

TEST(Ipv4OptionsTest, OtherOptionsAndNopsAreSkipped) {
  // NOP, a Router Alert (148, length 4), then Record Route with one slot.
  Bytes o = {1, 148, 4, 0, 0, 7, 7, 4, 0, 0, 0, 0};
  EXPECT_EQ(record_route(o, kOut), Ipv4OptionsEdit::kChanged);
  EXPECT_EQ(o, (Bytes{1, 148, 4, 0, 0, 7, 7, 8, 203, 0, 113, 2}));
  Bytes none = {1, 1, 1, 0};
  EXPECT_EQ(record_route(none, kOut), Ipv4OptionsEdit::kUnchanged);
  Bytes after_end = {0, 7, 7, 4, 0, 0, 0, 0};  // after END nothing is an option
  EXPECT_EQ(record_route(after_end, kOut), Ipv4OptionsEdit::kUnchanged);
}

TEST(Ipv4OptionsTest, BadLengthsAndPointersAreMalformed) {
  for (Bytes o : {Bytes{7, 1, 4, 0}, Bytes{7, 9, 4, 0}, Bytes{7, 7, 3, 0, 0, 0, 0, 0}, Bytes{7, 8, 6, 0, 0, 0, 0, 0},
                  Bytes{148}}) {
    const Bytes before = o;
    EXPECT_EQ(record_route(o, kOut), Ipv4OptionsEdit::kMalformed);
    EXPECT_EQ(o, before);
  }
}

}  // namespace
}  // namespace flowsim::net
