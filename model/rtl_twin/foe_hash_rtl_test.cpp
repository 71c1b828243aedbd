// SPDX-License-Identifier: Apache-2.0
// The Verilated hash unit against the shared vectors and, bit for bit, against its C++ twin on
// random inputs in batches of many sizes; also its latency contract and the lifetime of its
// VerilatedContext (TOOLCHAIN.md trap 7).
#include "model/rtl_twin/foe_hash_rtl.hpp"

#include <gtest/gtest.h>

#include <random>
#include <stdexcept>
#include <vector>

#include "hw/flowsim_hw.hpp"  // Generated.
#include "model/rtl_twin/foe_hash_cpp.hpp"
#include "verilated.h"

namespace flowsim::model {
namespace {

using net::FoeHashWords;

std::vector<FoeHashWords> vector_inputs() {
  std::vector<FoeHashWords> in;
  for (const auto& v : hw::hash::kVectors) {
    in.push_back({v.hv1, v.hv2, v.hv3});
  }
  return in;
}

TEST(FoeHashRtl, SharedVectorsInOneBatch) {
  const auto in = vector_inputs();
  std::vector<std::uint32_t> out(in.size());
  FoeHashRtl rtl;
  rtl.compute(in, out);
  for (std::size_t i = 0; i < in.size(); ++i) {
    EXPECT_EQ(out[i], hw::hash::kVectors[i].hash) << hw::hash::kVectors[i].name;
  }
  EXPECT_EQ(rtl.name(), "rtl");
}

TEST(FoeHashRtl, SharedVectorsOneByOne) {
  FoeHashRtl rtl;
  for (const auto& v : hw::hash::kVectors) {
    const FoeHashWords in[] = {{v.hv1, v.hv2, v.hv3}};
    std::uint32_t out[1] = {~v.hash};
    rtl.compute(in, out);
    EXPECT_EQ(out[0], v.hash) << v.name;
  }
}

// Random words, with a share of edge patterns so that the select and the fold see them too.
FoeHashWords random_words(std::mt19937& rng) {
  static constexpr std::uint32_t kPatterns[] = {0x00000000, 0xffffffff, 0xaaaaaaaa, 0x55555555,
                                                0x0000ffff, 0xffff0000, 0x80000000, 0x00000001};
  auto word = [&rng]() -> std::uint32_t {
    switch (rng() % 8) {
      case 0: return kPatterns[rng() % std::size(kPatterns)];
      case 1: return std::uint32_t{1} << (rng() % 32);
      default: return static_cast<std::uint32_t>(rng());
    }
  };
  return {word(), word(), word()};
}

TEST(FoeHashRtl, EqualsCppOnRandomBatches) {
  std::mt19937 rng(0x466c5753);  // fixed seed: reproducible
  FoeHashRtl rtl;
  FoeHashCpp cpp;
  // Fixed sizes first (1 and the pipeline's edges), then random ones.
  std::vector<std::size_t> sizes = {1, 1, 2, 3, hw::hash::kLatencyCycles + 1, 7, 64, 1000, 4096};
  std::size_t total = 0;
  std::size_t mismatches = 0;
  for (std::size_t batch = 0; total < 120000; ++batch) {
    const std::size_t n = batch < sizes.size() ? sizes[batch] : 1 + rng() % 5000;
    std::vector<FoeHashWords> in(n);
    for (auto& w : in) {
      w = random_words(rng);
    }
    std::vector<std::uint32_t> want(n), got(n, 0xdeadbeef);
    cpp.compute(in, want);
    rtl.compute(in, got);
    for (std::size_t i = 0; i < n; ++i) {
      if (got[i] != want[i] && ++mismatches <= 5) {
        ADD_FAILURE() << std::hex << "batch " << batch << " (size " << std::dec << n << ") input " << i
                      << std::hex << ": hv1 " << in[i].hv1 << " hv2 " << in[i].hv2 << " hv3 " << in[i].hv3
                      << ": rtl " << got[i] << ", cpp " << want[i];
      }
    }
    total += n;
  }
  EXPECT_EQ(mismatches, 0u) << "of " << total << " inputs";
  EXPECT_GE(total, 100000u);
}

TEST(FoeHashRtl, BatchTakesSizePlusLatencyCycles) {
  FoeHashRtl rtl;
  const std::uint64_t start = rtl.cycles();
  std::vector<FoeHashWords> in(10);
  std::vector<std::uint32_t> out(10);
  rtl.compute(in, out);
  EXPECT_EQ(rtl.cycles() - start, 10u + hw::hash::kLatencyCycles);
  rtl.compute({}, {});  // an empty batch costs nothing
  EXPECT_EQ(rtl.cycles() - start, 10u + hw::hash::kLatencyCycles);
}

TEST(FoeHashRtl, RejectsMismatchedSpans) {
  FoeHashRtl rtl;
  std::vector<FoeHashWords> in(3);
  std::vector<std::uint32_t> out(4);
  EXPECT_THROW(rtl.compute(in, out), std::invalid_argument);
}

TEST(FoeHashRtl, ContextsComeAndGo) {
  VerilatedContext* const before = Verilated::threadContextp();
  const auto in = vector_inputs();
  std::vector<std::uint32_t> out(in.size());
  {
    FoeHashRtl first;
    EXPECT_EQ(Verilated::threadContextp(), before) << "the thread's context was taken over";
    FoeHashRtl second;  // two alive at once, each with its own context
    first.compute(in, out);
    second.compute(in, out);
    EXPECT_EQ(out.back(), hw::hash::kVectors.back().hash);
  }
  // Both destroyed: the thread's context must still be a live one, and a new model must work.
  EXPECT_EQ(Verilated::threadContextp(), before);
  FoeHashRtl third;
  third.compute(in, out);
  EXPECT_EQ(out.front(), hw::hash::kVectors.front().hash);
}

}  // namespace
}  // namespace flowsim::model
