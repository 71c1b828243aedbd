// SPDX-License-Identifier: Apache-2.0
// The calendar queue against a reference (a std::set ordered by due time and push order):
// the same items come out in the same order for near, far (overflow) and same-time items,
// pushes into the bucket being taken, and long idle gaps.
#include "model/time_wheel.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <set>
#include <tuple>

namespace flowsim::model {
namespace {

using Wheel = TimeWheel<std::uint64_t>;
constexpr std::uint64_t kBucketPs = std::uint64_t{1} << Wheel::kShiftPs;
constexpr std::uint64_t kSpanPs = kBucketPs * Wheel::kBuckets;

struct Reference {
  std::set<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>> items;  // due, seq, payload
  std::uint64_t seq = 0;
  void push(std::uint64_t due, std::uint64_t v) { items.insert({due, seq++, v}); }
  std::pair<std::uint64_t, std::uint64_t> pop() {
    const auto [due, seq_, v] = *items.begin();
    items.erase(items.begin());
    return {due, v};
  }
};

// Pushes a random mix relative to the last item taken, pops some, repeats; every pop must
// equal the reference's.
void run_random(std::uint32_t seed, std::uint64_t max_ahead_ps, int rounds) {
  std::mt19937_64 rng(seed);
  Wheel wheel;
  Reference ref;
  std::uint64_t now = 0, payload = 0;
  for (int round = 0; round < rounds; ++round) {
    const int pushes = static_cast<int>(rng() % 8);
    for (int i = 0; i < pushes; ++i) {
      std::uint64_t ahead = rng() % max_ahead_ps;
      if (rng() % 4 == 0) ahead = 0;                     // due now: same time as others
      if (rng() % 8 == 0) ahead %= kBucketPs;            // within the current bucket
      if (rng() % 16 == 0) ahead += kSpanPs * (1 + rng() % 3);  // beyond the wheel
      wheel.push(now + ahead, payload);
      ref.push(now + ahead, payload);
      ++payload;
    }
    const int pops = static_cast<int>(rng() % 8);
    for (int i = 0; i < pops && !ref.items.empty(); ++i) {
      ASSERT_FALSE(wheel.empty());
      const auto [due, v] = ref.pop();
      ASSERT_EQ(wheel.next_due(), due) << "round " << round;
      std::uint64_t got_due = 0;
      ASSERT_EQ(wheel.pop(&got_due), v) << "round " << round;
      ASSERT_EQ(got_due, due);
      now = due;
    }
    ASSERT_EQ(wheel.size(), ref.items.size());
  }
  while (!ref.items.empty()) {
    const auto [due, v] = ref.pop();
    std::uint64_t got_due = 0;
    ASSERT_EQ(wheel.pop(&got_due), v);
    ASSERT_EQ(got_due, due);
  }
  EXPECT_TRUE(wheel.empty());
  EXPECT_EQ(wheel.late_pushes(), 0u);
}

TEST(TimeWheel, NearFutureItemsComeOutInTimeAndPushOrder) { run_random(1, 4 * kBucketPs, 20000); }

TEST(TimeWheel, ItemsAcrossTheWholeWheelAndBeyond) { run_random(2, 2 * kSpanPs, 20000); }

TEST(TimeWheel, SameDueTimeKeepsPushOrder) {
  Wheel wheel;
  for (std::uint64_t i = 0; i < 100; ++i) wheel.push(5000, i);
  for (std::uint64_t i = 0; i < 100; ++i) EXPECT_EQ(wheel.pop(), i);
}

TEST(TimeWheel, PushIntoTheBucketBeingTaken) {
  Wheel wheel;
  wheel.push(100, 1);
  wheel.push(300, 3);
  EXPECT_EQ(wheel.pop(), 1u);  // bucket 0 is being taken, 300 is still in it
  wheel.push(200, 2);
  wheel.push(300, 4);  // same time as 3, pushed later
  EXPECT_EQ(wheel.pop(), 2u);
  EXPECT_EQ(wheel.pop(), 3u);
  EXPECT_EQ(wheel.pop(), 4u);
  EXPECT_TRUE(wheel.empty());
}

TEST(TimeWheel, LongIdleGapsJumpStraightToTheNextItem) {
  Wheel wheel;
  const std::uint64_t hour_ps = 3'600'000'000'000'000ull;
  wheel.push(hour_ps, 1);
  wheel.push(2 * hour_ps, 2);
  wheel.push(10, 0);
  EXPECT_EQ(wheel.pop(), 0u);
  EXPECT_EQ(wheel.next_due(), hour_ps);
  EXPECT_EQ(wheel.pop(), 1u);
  wheel.push(hour_ps + 5, 3);  // near the present again
  EXPECT_EQ(wheel.pop(), 3u);
  EXPECT_EQ(wheel.pop(), 2u);
}

TEST(TimeWheel, NextIsWhatPopTakes) {
  // Near and far items, ties in push order: next() always names the item pop() returns.
  Wheel wheel;
  const std::uint64_t far_ps = 1'000'000'000ull;
  for (unsigned i = 0; i < 8; ++i) wheel.push((i % 3) * 20000 + (i % 2) * far_ps, i);
  while (!wheel.empty()) {
    const unsigned want = wheel.next();
    EXPECT_EQ(wheel.pop(), want);
  }
}

TEST(TimeWheel, AnItemInThePastIsTakenNowAndCounted) {
  Wheel wheel;
  wheel.push(1000, 1);
  EXPECT_EQ(wheel.pop(), 1u);
  wheel.push(10, 2);
  std::uint64_t due = 0;
  EXPECT_EQ(wheel.pop(&due), 2u);
  EXPECT_EQ(due, 1000u);
  EXPECT_EQ(wheel.late_pushes(), 1u);
}

}  // namespace
}  // namespace flowsim::model
