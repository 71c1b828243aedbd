// SPDX-License-Identifier: Apache-2.0
// The running router changed under its flows: a link down, `conntrack -D`, a route or a
// neighbour's MAC changed, the ruleset reloaded, a device taken out of the flowtable. Each
// has the kernel's effect on conntrack and on the software and hardware flowtables, and no
// flow is left forwarding where the tables no longer point (no blackhole).
#include <gtest/gtest.h>

#include "engine/engine.hpp"
#include "engine/fake_flow_offload.hpp"
#include "engine/nft/ruleset.hpp"
#include "engine/test_frames.hpp"
#include "net/byte_order.hpp"

namespace flowsim::engine {
namespace {

using namespace std::chrono_literals;
using namespace testing;
using std::chrono::nanoseconds;

const Ipv4L4Spec kClient{};
const Ipv4L4Spec kWebServer{.dst_mac = kRouterWanMac, .src_mac = kGatewayMac, .src = v4("198.51.100.10"),
                            .dst = v4("203.0.113.2"), .ttl = 52};
const net::MacAddr kOtherGatewayMac = mac("02:00:00:00:02:fd");

class EngineControlTest : public ::testing::Test {
 protected:
  EngineControlTest() : engine_(home_router_config(kHomeRouterRules)) { engine_.set_offload(&hw_); }

  Verdict run(const std::vector<std::uint8_t>& bytes, unsigned ingress, nanoseconds now) {
    while (engine_.next_timer() <= now) engine_.run_timers(engine_.next_timer());
    frame_.assign(bytes);
    return engine_.process(frame_, ingress, now);
  }
  // The handshake of a masqueraded connection; its ACK offloads it (cookie 1 for the first).
  void handshake(TcpConversation& tcp, nanoseconds at) {
    ASSERT_TRUE(run(tcp.from_client(kSyn), kLan, at).forwarded());
    ASSERT_TRUE(run(tcp.from_server(kSyn | kAck), kWan, at + 1ms).forwarded());
    ASSERT_TRUE(run(tcp.from_client(kAck), kLan, at + 2ms).forwarded());
    ASSERT_EQ(engine_.flowtable()->size(), 1u);
    ASSERT_EQ(hw_.installed.size(), 1u);
  }
  std::string out_dst_mac() const { return to_hex(frame_.bytes().first(6)); }
  std::string dump(nanoseconds now) const { return engine_.conntrack_dump(now); }

  Engine engine_;
  FakeFlowOffload hw_;
  net::PacketBuffer frame_;
};

std::string mac_hex(const net::MacAddr& m) { return to_hex(m.bytes()); }

TEST_F(EngineControlTest, LinkDownTearsDownItsFlowsAndUpBringsTheRoutesBack) {
  TcpConversation tcp(kClient, kWebServer, 40000, 443);
  handshake(tcp, 1s);
  engine_.set_link(kWan, false, 2s);
  // The netdev notifier's cleanup and the GC it flushes: torn down and destroyed at once.
  EXPECT_EQ(hw_.destroyed, std::vector<std::uint64_t>{1});
  EXPECT_EQ(engine_.flowtable()->size(), 0u);
  EXPECT_EQ(engine_.flowtable()->stats().flows_torn_down, 1u);
  EXPECT_EQ(dump(2s).find("OFFLOAD"), std::string::npos);
  // Without the WAN link there is no route to the Internet.
  EXPECT_EQ(run(tcp.from_client(kPsh | kAck, 10), kLan, 3s).reason, DropReason::kNoRoute);
  engine_.set_link(kWan, true, 4s);
  // The default route is back: the connection goes on through the slow path and is
  // offloaded again (its conntrack entry survived).
  const Verdict v = run(tcp.from_client(kPsh | kAck, 10), kLan, 5s);
  EXPECT_EQ(v, Verdict::forward(kWan));
  EXPECT_EQ(engine_.flowtable()->size(), 1u);
  EXPECT_EQ(hw_.installed.size(), 1u);
  EXPECT_EQ(hw_.replaced.size(), 2u);
}

TEST_F(EngineControlTest, ConntrackDeleteKillsTheEntryAndTheGcTearsTheFlowDownWithinASecond) {
  TcpConversation tcp(kClient, kWebServer, 40000, 443);
  handshake(tcp, 1s);
  TcpConversation other(kClient, kWebServer, 40001, 443);
  ASSERT_TRUE(run(other.from_client(kSyn), kLan, 1500ms).forwarded());
  conntrack::CtFilter f;
  f.proto = 6;
  f.orig_sport = 40000;
  EXPECT_EQ(engine_.delete_conntrack(f, 1600ms), 1u);
  // Until the GC runs the hardware keeps the flow (as in the kernel: the GC notices the
  // dying entry); the software path already refuses it.
  EXPECT_TRUE(hw_.destroyed.empty());
  const Verdict v = run(tcp.from_client(kPsh | kAck, 10), kLan, 1700ms);
  EXPECT_FALSE(v.fast_path);
  EXPECT_EQ(engine_.stats().slow(SlowPathReason::kFlowTeardown), 1u);
  run(tcp.from_client(kAck), kLan, 3s);  // the GC at 2 s ran on the way
  EXPECT_EQ(hw_.destroyed, std::vector<std::uint64_t>{1});
  // `conntrack -F`: every entry goes (the one picked up again mid-stream and the other).
  EXPECT_EQ(engine_.delete_conntrack({}, 3s), 2u);
  EXPECT_EQ(dump(3s), "");
}

TEST_F(EngineControlTest, RouteChangeMidFlowMovesTheFlowToTheNewNextHopWithoutABlackhole) {
  TcpConversation tcp(kClient, kWebServer, 40000, 443);
  handshake(tcp, 1s);
  engine_.set_neighbour({v4("203.0.113.254"), kOtherGatewayMac, kWan}, 1500ms);
  EXPECT_TRUE(hw_.destroyed.empty());  // an unused neighbour changes nothing
  EXPECT_EQ(engine_.change_route(Engine::RouteOp::kReplace, {v4p("0.0.0.0/0"), v4("203.0.113.254"), kWan}, 2s),
            std::nullopt);
  // The flow's cached next hop is no longer the table's: torn down and destroyed now.
  EXPECT_EQ(hw_.destroyed, std::vector<std::uint64_t>{1});
  const Verdict v = run(tcp.from_client(kPsh | kAck, 10), kLan, 3s);
  EXPECT_EQ(v, Verdict::forward(kWan));
  EXPECT_EQ(out_dst_mac(), mac_hex(kOtherGatewayMac));
  // Offloaded again, toward the new gateway's MAC.
  ASSERT_EQ(hw_.installed.size(), 1u);
  EXPECT_EQ(mac_hex(hw_.installed.begin()->second.dir[0].dst_mac), mac_hex(kOtherGatewayMac));
  // `ip route` errors as the tool prints them; the table is unchanged then.
  EXPECT_EQ(engine_.change_route(Engine::RouteOp::kAdd, {v4p("0.0.0.0/0"), v4("203.0.113.1"), kWan}, 4s),
            "RTNETLINK answers: File exists");
  EXPECT_EQ(engine_.change_route(Engine::RouteOp::kDelete, {v4p("10.0.0.0/8"), std::nullopt, kWan}, 4s),
            "RTNETLINK answers: No such process");
  EXPECT_EQ(engine_.change_route(Engine::RouteOp::kChange, {v4p("10.0.0.0/8"), std::nullopt, kWan}, 4s),
            "RTNETLINK answers: No such file or directory");
  EXPECT_EQ(hw_.installed.size(), 1u);
}

TEST_F(EngineControlTest, NeighbourMacChangeReinstallsTheHardwareFlowWithTheNewMac) {
  TcpConversation tcp(kClient, kWebServer, 40000, 443);
  handshake(tcp, 1s);
  engine_.set_neighbour({v4("203.0.113.1"), kOtherGatewayMac, kWan}, 2s);
  EXPECT_EQ(hw_.destroyed, std::vector<std::uint64_t>{1});
  EXPECT_EQ(run(tcp.from_client(kPsh | kAck, 10), kLan, 3s), Verdict::forward(kWan));
  EXPECT_EQ(out_dst_mac(), mac_hex(kOtherGatewayMac));
  ASSERT_EQ(hw_.installed.size(), 1u);
  EXPECT_EQ(mac_hex(hw_.installed.begin()->second.dir[0].dst_mac), mac_hex(kOtherGatewayMac));
  EXPECT_EQ(engine_.delete_neighbour({v4("203.0.113.9"), kOtherGatewayMac, kWan}, 4s),
            "RTNETLINK answers: No such file or directory");
}

TEST_F(EngineControlTest, RulesetReloadFreesTheFlowtableAndStartsWithZeroCounters) {
  TcpConversation tcp(kClient, kWebServer, 40000, 443);
  handshake(tcp, 1s);
  const std::string counted = without_lines(kHomeRouterRules, "iifname \"lan\" oifname \"wan\" accept") +
                              "table inet extra {\n\tchain forward {\n\t\ttype filter hook forward priority 10; "
                              "policy accept;\n\t\tcounter\n\t}\n}\n";
  engine_.replace_ruleset(std::make_shared<nft::Ruleset>(nft::Ruleset::parse_text(counted, "reload.nft")), 2s);
  EXPECT_EQ(hw_.destroyed, std::vector<std::uint64_t>{1});
  ASSERT_NE(engine_.flowtable(), nullptr);
  EXPECT_EQ(engine_.flowtable()->size(), 0u);
  EXPECT_NE(engine_.ruleset()->list().find("counter packets 0 bytes 0"), std::string::npos);
  // The connection lives on in conntrack; its next packet meets the new ruleset (counted)
  // and is offloaded into the new flowtable, to hardware again.
  EXPECT_EQ(run(tcp.from_client(kPsh | kAck, 10), kLan, 3s), Verdict::forward(kWan));
  EXPECT_NE(engine_.ruleset()->list().find("counter packets 1 bytes 50"), std::string::npos)
      << engine_.ruleset()->list();
  EXPECT_EQ(engine_.flowtable()->size(), 1u);
  EXPECT_EQ(hw_.installed.size(), 1u);
}

TEST_F(EngineControlTest, ADeviceRemovedFromTheFlowtableLosesItsHookAndItsFlows) {
  TcpConversation tcp(kClient, kWebServer, 40000, 443);
  handshake(tcp, 1s);
  EXPECT_EQ(engine_.remove_flowtable_device(kWan, 2s), std::nullopt);
  EXPECT_EQ(hw_.destroyed, std::vector<std::uint64_t>{1});
  EXPECT_EQ(engine_.flowtable()->size(), 0u);
  // Packets entering through wan no longer meet the flowtable's hook.
  run(tcp.from_server(kPsh | kAck, 10), kWan, 3s);
  EXPECT_EQ(engine_.stats().slow(SlowPathReason::kNoFlowtable), 1u);
  EXPECT_EQ(engine_.remove_flowtable_device(kWan, 3s),
            "Error: Could not process rule: No such file or directory (wan is not a device of the flowtable)");
}

}  // namespace
}  // namespace flowsim::engine
