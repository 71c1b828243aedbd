// SPDX-License-Identifier: Apache-2.0
// The software flowtable at the ends of its timeout range (issue 13, finding 6): a flowtable
// timeout near the sysctl maximum (2^31 - 1 s) once overflowed the STATS poll interval
// (t * 9 / 10 in signed nanoseconds), so hardware statistics were never polled and a flow the
// hardware had lost stayed marked as offloaded.
#include <gtest/gtest.h>

#include "engine/engine.hpp"
#include "engine/fake_flow_offload.hpp"
#include "engine/flowtable/flowtable.hpp"
#include "engine/test_frames.hpp"

namespace flowsim::engine {
namespace {

using namespace std::chrono_literals;
using namespace testing;
using std::chrono::nanoseconds;

const Ipv4L4Spec kClient{};
const Ipv4L4Spec kWebServer{.dst_mac = kRouterWanMac, .src_mac = kGatewayMac, .src = v4("198.51.100.10"),
                            .dst = v4("203.0.113.2"), .ttl = 52};

void expect_stats_polled_after_a_tenth_of(std::chrono::seconds timeout) {
  EngineConfig config = home_router_config(kHomeRouterRules);
  config.conntrack_timeouts.tcp_offload = timeout;
  Engine engine(std::move(config));
  FakeFlowOffload hw;
  engine.set_offload(&hw);
  net::PacketBuffer frame;
  auto run = [&](const std::vector<std::uint8_t>& bytes, unsigned ingress, nanoseconds now) {
    while (engine.next_timer() <= now) engine.run_timers(engine.next_timer());
    frame.assign(bytes);
    return engine.process(frame, ingress, now);
  };
  TcpConversation tcp(kClient, kWebServer, 40000, 443);
  ASSERT_TRUE(run(tcp.from_client(kSyn), kLan, 1s).forwarded());
  ASSERT_TRUE(run(tcp.from_server(kSyn | kAck), kWan, 1s + 10ms).forwarded());
  ASSERT_TRUE(run(tcp.from_client(kAck), kLan, 1s + 20ms).forwarded());
  ASSERT_EQ(hw.installed.size(), 1u);
  hw.installed.clear();  // the hardware lost the entry

  // Just before a tenth of the timeout has passed, nothing is asked; just after, STATS finds
  // the entry gone and the flow is software-only again.
  const nanoseconds tenth = nanoseconds(timeout) / 10;
  engine.run_timers(1s + 20ms + tenth - 2s);
  EXPECT_EQ(hw.stats_calls, 0u);
  engine.run_timers(1s + 20ms + tenth + 2s);
  EXPECT_EQ(hw.stats_calls, 2u);
  EXPECT_EQ(engine.flowtable()->stats().hw_lost, 1u);
}

TEST(FlowtableLimitsTest, StatsArePolledWithTheDefaultTimeout) { expect_stats_polled_after_a_tenth_of(30s); }

TEST(FlowtableLimitsTest, StatsArePolledWithTheLargestSysctlTimeout) {
  expect_stats_polled_after_a_tenth_of(std::chrono::seconds(2'147'483'647));
}

TEST(FlowtableLimitsTest, StatsArePolledWithTheFirstTimeoutThatOverflowed) {
  expect_stats_polled_after_a_tenth_of(std::chrono::seconds(1'024'819'116));
}

}  // namespace
}  // namespace flowsim::engine
