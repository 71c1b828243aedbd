// SPDX-License-Identifier: Apache-2.0
// Every packet of a replay stays accounted for at the edges of the model's parameters
// (issue 13, findings 7 and 8): router-generated frames dropped at a full egress queue are
// counted apart from the input packets, and the run does not end while punted packets wait
// for a coalesced interrupt. One replay per test: SystemC elaborates once per process.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "testbench/harness/replay_session.hpp"
#include "testbench/reliability/home_router_variant.hpp"
#include "testbench/scenario/scenario.hpp"

namespace flowsim::testbench {
namespace {

nlohmann::json expected_totals() {
  std::ifstream in(std::filesystem::path(FLOWSIM_SOURCE_DIR) / "traces/default/expected.json");
  return nlohmann::json::parse(in)["total"];
}

std::uint64_t sum(const std::map<std::string, std::uint64_t>& m) {
  std::uint64_t n = 0;
  for (const auto& [k, v] : m) n += v;
  return n;
}

// Finding 7: with a one-byte egress queue every frame is tail-dropped, the router's own ICMP
// errors too; they were counted as drops of input packets ("58 in, 62 accounted").
TEST(Accounting, GeneratedFramesDroppedAtAFullEgressQueueAreNotInputDrops) {
  const auto s = scenario::load_scenario(home_router_variant("egress_1", {{"egress_queue_bytes: 262144",
                                                                            "egress_queue_bytes: 1"}}));
  const Report r = run_replay(s, {});
  const nlohmann::json want = expected_totals();
  EXPECT_TRUE(r.accounted()) << r.to_text();
  EXPECT_EQ(r.packets_in, want["in"].get<std::uint64_t>());
  EXPECT_EQ(r.forwarded_hw + r.forwarded_sw, 0u);
  EXPECT_EQ(r.dropped, r.packets_in);
  EXPECT_EQ(r.drops.at("egress_queue_full"), want["forwarded"].get<std::uint64_t>());
  EXPECT_EQ(r.generated_sw, 0u);
  EXPECT_EQ(r.generated_dropped,
            (std::map<std::string, std::uint64_t>{{"egress_queue_full", want["generated"].get<std::uint64_t>()}}));
  EXPECT_NE(r.to_text().find("generated, not sent, by reason\n    egress_queue_full"), std::string::npos);
}

// Finding 8: interrupts coalesced to the register fields' limits (255 packets or 65.535 ms).
// The run must wait for the last interrupt; it once ended with "56 of 58 accounted".
TEST(Accounting, RunWaitsForTheLastCoalescedInterrupt) {
  const auto s = scenario::load_scenario(home_router_variant(
      "coalesce_max", {{"irq_coalesce_pkts: 8", "irq_coalesce_pkts: 255"}, {"irq_coalesce_us: 20", "irq_coalesce_us: 65535"}}));
  const Report r = run_replay(s, {});
  const nlohmann::json want = expected_totals();
  EXPECT_TRUE(r.accounted()) << r.to_text();
  EXPECT_EQ(r.packets_in, want["in"].get<std::uint64_t>());
  EXPECT_EQ(r.generated_sw, want["generated"].get<std::uint64_t>());
  EXPECT_TRUE(r.generated_dropped.empty());
  EXPECT_EQ(r.forwarded_hw + r.forwarded_sw + r.dropped, r.packets_in);
  EXPECT_EQ(sum(r.drops), r.dropped);
  EXPECT_TRUE(r.warnings.empty());
}

}  // namespace
}  // namespace flowsim::testbench
