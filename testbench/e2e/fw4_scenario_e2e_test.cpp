// SPDX-License-Identifier: Apache-2.0
// scenarios/home_router_fw4.yaml end to end: the bundled trace (LAN clients to the Internet,
// the two port forwards from the WAN, one packet per drop reason) through the model, the
// driver and the engine running OpenWrt firewall4's default ruleset. Everything is accounted
// for as with the hand-written ruleset of home_router.yaml (58 in, 43 forwarded, 15 dropped,
// the same four flows offloaded to hardware), except that fw4 answers the two unsolicited WAN
// packets its handle_reject chain gets (ruleset_reject) where home_router.nft drops them; the
// port forwards' dnat rules count their connections' first packets, and the flowtable's
// "wlan0" is a software-only device. One replay per process (SystemC elaborates once).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "testbench/harness/replay_session.hpp"
#include "testbench/scenario/scenario.hpp"

namespace flowsim::testbench {
namespace {

const std::filesystem::path kSource = FLOWSIM_SOURCE_DIR;

TEST(Fw4Scenario, DefaultTraceThroughFirewall4OffloadsAndCounts) {
  const scenario::Scenario s = scenario::load_scenario(kSource / "scenarios/home_router_fw4.yaml");
  EXPECT_EQ(s.software_devices, (std::vector<std::string>{"wlan0"}));
  const std::filesystem::path out = std::filesystem::path(FLOWSIM_BINARY_DIR) / "testbench/e2e/fw4_work";
  std::filesystem::remove_all(out);
  ReplayOptions o;
  o.out_dir = out;
  const Report r = run_replay(s, o);
  EXPECT_TRUE(r.accounted());
  EXPECT_EQ(r.packets_in, 58u);
  EXPECT_EQ(r.forwarded_hw, 18u);
  EXPECT_EQ(r.forwarded_sw, 25u);
  EXPECT_EQ(r.dropped, 15u);
  EXPECT_EQ(r.drops.at("ruleset_reject"), 2u);
  EXPECT_EQ(r.drops.count("ruleset_drop") == 0 || r.drops.at("ruleset_drop") == 0, true);
  EXPECT_EQ(r.flows, (std::map<std::string, std::uint64_t>{
                         {"added", 4}, {"hw_lost", 0}, {"hw_offloaded", 4}, {"torn_down", 3}}));
  std::ifstream in(out / "ruleset.txt");
  std::stringstream listing;
  listing << in.rdbuf();
  const std::string list = listing.str();
  // Each port forward's connection: its SYN (52 and 40 bytes) ran the nat chains once.
  EXPECT_NE(list.find("tcp dport 8080 counter packets 1 bytes 52 dnat ip to 192.168.1.100:80"), std::string::npos)
      << list;
  EXPECT_NE(list.find("tcp dport 2222 counter packets 1 bytes 40 dnat ip to 192.168.1.200:22"), std::string::npos)
      << list;
  EXPECT_NE(list.find("devices = { br-lan, wan, wlan0 }"), std::string::npos) << list;
}

}  // namespace
}  // namespace flowsim::testbench
