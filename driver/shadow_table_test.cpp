// SPDX-License-Identifier: Apache-2.0
// The shadow table's bookkeeping: ways per bucket, bound/stale/free entries, parked flows.
#include "driver/shadow_table.hpp"

#include <gtest/gtest.h>

namespace flowsim::driver {
namespace {

using net::FlowDirection;
using State = DirectionRecord::State;
using SlotState = ShadowTable::SlotState;

TEST(ShadowTable, WaysFillPerBucketAndFreeAgain) {
  ShadowTable t;
  t.reset({16, 4, false});
  ASSERT_EQ(t.geometry().buckets(), 4u);
  for (std::uint64_t c = 1; c <= 2; ++c) {
    FlowRecord& f = t.add(c);
    f.dir[0].bucket = f.dir[1].bucket = 2;
  }
  t.bind(1, FlowDirection::kOriginal, *t.free_index(2));
  t.bind(1, FlowDirection::kReply, *t.free_index(2));
  t.bind(2, FlowDirection::kOriginal, *t.free_index(2));
  EXPECT_EQ(t.free_index(2), 11u);
  t.bind(2, FlowDirection::kReply, 11);
  EXPECT_FALSE(t.free_index(2));
  EXPECT_EQ(t.free_index(3), 12u);
  EXPECT_EQ(t.used(), 4u);
  EXPECT_EQ(t.slot(9).cookie, 1u);
  EXPECT_EQ(t.slot(9).dir, FlowDirection::kReply);

  t.unbind(1, FlowDirection::kReply, SlotState::kStale);
  EXPECT_EQ(t.slot(9).state, SlotState::kStale);
  EXPECT_FALSE(t.free_index(2));  // a stale way is not reused until invalidated
  t.free(9);
  EXPECT_EQ(t.free_index(2), 9u);
  t.remove(2);
  EXPECT_EQ(t.used(), 1u);
  EXPECT_EQ(t.find(2), nullptr);
  EXPECT_EQ(t.find(1)->dir[0].state, State::kBound);
  EXPECT_EQ(t.find(1)->dir[1].state, State::kAbsent);
}

TEST(ShadowTable, ParkedFlowsWaitInTheirBucketUntilBound) {
  ShadowTable t;
  t.reset({8, 2, false});
  FlowRecord& f = t.add(7);
  f.dir[0].bucket = 1;
  f.dir[1].bucket = 3;
  t.park(7, FlowDirection::kOriginal);
  t.park(7, FlowDirection::kReply);
  EXPECT_EQ(t.parked_count(), 2u);
  ASSERT_EQ(t.parked(1).size(), 1u);
  EXPECT_EQ(t.parked(1)[0].cookie, 7u);
  t.bind(7, FlowDirection::kOriginal, 3);  // the hardware chose way 1 of bucket 1
  EXPECT_TRUE(t.parked(1).empty());
  EXPECT_EQ(t.parked_count(), 1u);
  // Aged: back to its bucket's list, the way is free.
  t.park(7, FlowDirection::kOriginal);
  EXPECT_EQ(t.slot(3).state, SlotState::kFree);
  EXPECT_EQ(t.parked(1).size(), 1u);
  t.remove(7);
  EXPECT_EQ(t.parked_count(), 0u);
  EXPECT_TRUE(t.parked(3).empty());
  EXPECT_EQ(t.used(), 0u);
}

}  // namespace
}  // namespace flowsim::driver
