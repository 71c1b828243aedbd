// SPDX-License-Identifier: Apache-2.0
// The RTL block selection: names, "all", "none", lists, and what is rejected.
#include "model/rtl_twin/rtl_blocks.hpp"

#include <gtest/gtest.h>

namespace flowsim::model {
namespace {

TEST(RtlBlocks, ParsesNamesListsAllAndNone) {
  EXPECT_EQ(RtlBlocks::parse("all"), RtlBlocks::all());
  EXPECT_EQ(RtlBlocks::parse("none"), RtlBlocks::none());
  const auto two = RtlBlocks::parse("lookup,parser");
  ASSERT_TRUE(two.has_value());
  EXPECT_TRUE(two->has(RtlBlocks::kParser));
  EXPECT_TRUE(two->has(RtlBlocks::kLookup));
  EXPECT_FALSE(two->has(RtlBlocks::kHash));
  EXPECT_FALSE(two->has(RtlBlocks::kRewrite));
  EXPECT_EQ(two->to_string(), "parser,lookup");  // pipeline order
  EXPECT_EQ(RtlBlocks::parse("parser,hash,lookup,rewrite"), RtlBlocks::all());
  EXPECT_EQ(RtlBlocks::all().to_string(), "all");
  EXPECT_EQ(RtlBlocks::none().to_string(), "none");
  EXPECT_FALSE(RtlBlocks::none().any());
}

TEST(RtlBlocks, RejectsUnknownNamesAndEmptyItems) {
  EXPECT_FALSE(RtlBlocks::parse("egress").has_value());
  EXPECT_FALSE(RtlBlocks::parse("parser,").has_value());
  EXPECT_FALSE(RtlBlocks::parse(",hash").has_value());
  EXPECT_FALSE(RtlBlocks::parse("").has_value());
  EXPECT_FALSE(RtlBlocks::parse("Parser").has_value());
  EXPECT_FALSE(RtlBlocks::block_named("all").has_value());
}

}  // namespace
}  // namespace flowsim::model
