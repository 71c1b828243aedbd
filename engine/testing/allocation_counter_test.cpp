// SPDX-License-Identifier: Apache-2.0
// The allocation counter the no-allocation tests rely on: every form of global new is
// counted once, and what each allocates is freed by the matching delete without complaint
// (under AddressSanitizer a form left to the default allocator aborted 59 tests when
// std::stable_sort's nothrow new met the replaced delete).
#include "engine/testing/allocation_counter.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <new>
#include <vector>

namespace flowsim::testing {
namespace {

struct alignas(64) CacheLine {
  std::uint8_t bytes[64];
};

// Where each allocation escapes to, so that the compiler cannot elide a new/delete pair.
void* volatile g_sink = nullptr;

template <typename T>
T* escape(T* p) {
  g_sink = p;
  return static_cast<T*>(g_sink);
}

TEST(AllocationCounterTest, EveryFormOfNewIsCountedOnce) {
  std::size_t before = allocation_count();
  auto expect_one_more = [&](const char* form) {
    const std::size_t now = allocation_count();
    EXPECT_EQ(now, before + 1) << form;
    before = allocation_count();
  };
  delete escape(new int(1));
  expect_one_more("new");
  delete[] escape(new int[3]);
  expect_one_more("new[]");
  delete escape(new (std::nothrow) int(1));
  expect_one_more("nothrow new");
  delete[] escape(new (std::nothrow) int[3]);
  expect_one_more("nothrow new[]");
  delete escape(new CacheLine);
  expect_one_more("aligned new");
  delete[] escape(new CacheLine[3]);
  expect_one_more("aligned new[]");
  delete escape(new (std::nothrow) CacheLine);
  expect_one_more("aligned nothrow new");
  delete[] escape(new (std::nothrow) CacheLine[3]);
  expect_one_more("aligned nothrow new[]");
}

TEST(AllocationCounterTest, AlignedNewIsAligned) {
  const auto p = std::make_unique<CacheLine>();
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p.get()) % 64, 0u);
}

// std::stable_sort takes its buffer with nothrow new and gives it back with delete.
TEST(AllocationCounterTest, StableSortBufferIsCounted) {
  std::vector<int> v(1000);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<int>((i * 7919) % 1000);
  const std::size_t before = allocation_count();
  std::stable_sort(v.begin(), v.end());
  EXPECT_TRUE(std::is_sorted(v.begin(), v.end()));
  EXPECT_GT(allocation_count(), before);
}

}  // namespace
}  // namespace flowsim::testing
