// SPDX-License-Identifier: Apache-2.0
// The PPPoE WAN end to end (scenarios/pppoe_wan.yaml): the trace replayed through the model,
// the real driver and the engine; every frame that leaves compared byte for byte with Scapy's
// (traces/pppoe/expected_*.pcap: on the WAN port in PPPoE session 0x1234 to the access
// concentrator, masqueraded to 100.64.0.2), and the hardware's share counted exactly.
// One replay per process: SystemC elaborates once.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "testbench/bench/asic_bench.hpp"
#include "testbench/harness/replay_session.hpp"
#include "testbench/pcap/pcap_reader.hpp"
#include "testbench/scenario/scenario.hpp"

namespace flowsim::testbench {
namespace {

const std::filesystem::path kSource = FLOWSIM_SOURCE_DIR;

std::filesystem::path work_dir() {
  const char* rtl = std::getenv("FLOWSIM_TEST_RTL");
  return std::filesystem::path(FLOWSIM_BINARY_DIR) / "testbench/e2e" /
         (rtl ? std::string("pppoe.rtl_") + rtl : "pppoe");
}

std::vector<std::vector<std::uint8_t>> frames_of(const std::filesystem::path& file) {
  std::vector<std::vector<std::uint8_t>> out;
  pcap::PcapReader reader(file);
  pcap::PcapRecord r;
  while (reader.next(r)) out.push_back(r.bytes);
  return out;
}

void expect_egress_matches(const std::filesystem::path& out, const std::string& port) {
  const auto got = frames_of(out / (port + ".pcap"));
  const auto want = frames_of(kSource / "traces/pppoe" / ("expected_" + port + ".pcap"));
  ASSERT_EQ(got.size(), want.size()) << port;
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], want[i]) << port << " frame #" << i + 1;
}

TEST(PppoeReplay, TheHardwarePushesAndPopsTheSessionAndTheBytesAreScapys) {
  auto s = scenario::load_scenario(kSource / "scenarios/pppoe_wan.yaml");
  s.asic.rtl = test_rtl_blocks().value_or(s.asic.rtl);
  const auto out = work_dir();
  std::filesystem::remove_all(out);
  ReplayOptions o;
  o.out_dir = out;
  const Report r = run_replay(s, o);
  EXPECT_TRUE(r.accounted());
  // 76 packets: the TCP handshake (3), 40 segments down and 20 ACKs up, the FINs and the last
  // ACK (3), five DNS questions and answers (10). In hardware: everything after `flow add`
  // (the handshake's ACK; the first DNS answer) except what the chip punts for the FIN
  // entries: 60 + 8.
  EXPECT_EQ(r.packets_in, 76u);
  EXPECT_EQ(r.forwarded_hw, 68u);
  EXPECT_EQ(r.forwarded_sw, 8u);
  EXPECT_EQ(r.dropped, 0u);
  EXPECT_EQ(r.punts, (std::map<std::string, std::uint64_t>{{"hit_bind_tcp_fin", 3}, {"no_flow", 5}}));
  EXPECT_EQ(r.flows.at("added"), 2u);
  EXPECT_EQ(r.flows.at("hw_offloaded"), 2u);
  EXPECT_TRUE(r.offload_refused.empty());
  EXPECT_NE(r.to_text().find("offload hit rate 89.5 %"), std::string::npos) << r.to_text();
  expect_egress_matches(out, "lan");
  expect_egress_matches(out, "wan");
}

}  // namespace
}  // namespace flowsim::testbench
