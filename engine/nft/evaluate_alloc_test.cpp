// SPDX-License-Identifier: Apache-2.0
// Ruleset::evaluate must not allocate: it runs at every hook for every slow-path packet.
// The test binary links the counting global operator new (engine/testing/allocation_counter);
// the count must not move while both realistic rulesets evaluate packets through every hook.
#include <gtest/gtest.h>

#include <vector>

#include "engine/nft/nft_test_util.hpp"
#include "engine/nft/ruleset.hpp"
#include "engine/testing/allocation_counter.hpp"

namespace flowsim::engine::nft {
namespace {

using testing::packet;

TEST(EvaluateAllocationTest, EvaluateNeverAllocates) {
  std::vector<Ruleset> rulesets;
  rulesets.push_back(Ruleset::load(testing::testdata("home_router.nft")));
  rulesets.push_back(Ruleset::load(testing::testdata("fw4.json")));
  const std::vector<PacketInfo> packets = {
      packet({.in = "lan", .out = "wan"}),
      packet({.in = "br-lan", .out = "wan", .ct = kCtEstablished}),
      packet({.in = "br-lan", .out = "wan", .dst = "198.51.100.7"}),
      packet({.in = "wan", .out = "br-lan", .proto = 17, .src = "192.0.2.10", .dst = "192.168.1.101"}),
      packet({.in = "wan", .src = "192.0.2.10", .dst = "203.0.113.2", .dport = 8080}),
      packet({.in = "wan", .src = "2001:db8:ffff::1", .dst = "2001:db8:ffff::2", .dport = 22}),
      packet({.out = "wan", .src = "203.0.113.2"}),
  };
  const std::size_t before = flowsim::testing::allocation_count();
  std::size_t evaluated = 0;
  for (Ruleset& r : rulesets) {
    for (const PacketInfo& p : packets) {
      for (Hook hook : {Hook::kPrerouting, Hook::kInput, Hook::kForward, Hook::kOutput, Hook::kPostrouting}) {
        r.evaluate(hook, p);
        ++evaluated;
      }
    }
  }
  EXPECT_EQ(flowsim::testing::allocation_count(), before);
  EXPECT_EQ(evaluated, 70u);
}

}  // namespace
}  // namespace flowsim::engine::nft
