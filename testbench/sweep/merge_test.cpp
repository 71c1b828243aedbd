// SPDX-License-Identifier: Apache-2.0
// Merging shards: reports summed exactly, pcaps interleaved by timestamp with a stable
// tie-break.
#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include "testbench/pcap/pcap_reader.hpp"
#include "testbench/pcap/pcap_writer.hpp"
#include "testbench/sweep/pcap_merge.hpp"
#include "testbench/sweep/report_merge.hpp"

namespace flowsim::sweep {
namespace {

using Json = nlohmann::ordered_json;

Json shard_report(std::uint64_t in, std::uint64_t hw, std::uint64_t sw, std::uint64_t first, std::uint64_t last) {
  Json r;
  r["scenario"] = "s";
  r["hash_impl"] = "cpp";
  r["packets_in"] = in;
  r["forwarded_hw"] = hw;
  r["forwarded_sw"] = sw;
  r["dropped"] = in - hw - sw;
  r["accounted"] = true;
  r["offload_hit_rate"] = 0.0;
  r["drops"] = Json::object();
  if (in > hw + sw) r["drops"]["ttl_exceeded"] = in - hw - sw;
  r["flows"] = {{"added", 2}, {"torn_down", 1}};
  Json port;
  port["name"] = "wan";
  port["speed_bps"] = 10'000'000'000ull;
  port["rx_packets"] = in;
  port["rx_bytes"] = in * 100;
  port["tx_packets"] = hw + sw;
  port["tx_bytes"] = (hw + sw) * 100;
  port["tx_hw"] = hw;
  port["tx_sw"] = sw;
  port["theoretical_pps_64b"] = 14880952.38;
  port["theoretical_pps"] = 0.0;
  port["achieved_pps"] = 0.0;
  port["first_tx_ps"] = first;
  port["last_tx_end_ps"] = last;
  r["ports"] = Json::array({port});
  r["simulated_ns"] = last / 1000;
  r["warnings"] = Json::array({"w" + std::to_string(in)});
  r["latency_p99_ns"] = 5;  // a figure that cannot be summed
  return r;
}

TEST(ReportMergeTest, CountersAreSummedAndRatesRecomputedOverTheJointBusyInterval) {
  const Json m = merge_reports({shard_report(10, 6, 3, 2'000'000, 9'000'000), shard_report(20, 10, 10, 1'000'000, 5'000'000)});
  EXPECT_EQ(m["packets_in"], 30u);
  EXPECT_EQ(m["forwarded_hw"], 16u);
  EXPECT_EQ(m["forwarded_sw"], 13u);
  EXPECT_EQ(m["dropped"], 1u);
  EXPECT_EQ(m["drops"]["ttl_exceeded"], 1u);
  EXPECT_EQ(m["flows"]["added"], 4u);
  EXPECT_EQ(m["accounted"], true);
  EXPECT_DOUBLE_EQ(m["offload_hit_rate"].get<double>(), 16.0 / 30.0);
  const Json& p = m["ports"][0];
  EXPECT_EQ(p["tx_packets"], 29u);
  EXPECT_EQ(p["first_tx_ps"], 1'000'000u);
  EXPECT_EQ(p["last_tx_end_ps"], 9'000'000u);
  EXPECT_DOUBLE_EQ(p["achieved_pps"].get<double>(), 29 * 1e12 / 8'000'000.0);
  // 100-byte frames: 10G / ((100 + 24) * 8).
  EXPECT_DOUBLE_EQ(p["theoretical_pps"].get<double>(), 1e10 / (124.0 * 8));
  EXPECT_EQ(m["simulated_ns"], 9000u);
  EXPECT_EQ(m["warnings"], Json::array({"shard 0: w10", "shard 1: w20"}));
  EXPECT_EQ(m["shards"], 2u);
  EXPECT_EQ(m["not_merged"], Json::array({"latency_p99_ns"}));
  EXPECT_FALSE(m.contains("latency_p99_ns"));
  EXPECT_DOUBLE_EQ(report_throughput_pps(m), 29 * 1e12 / 8'000'000.0);
}

TEST(PcapMergeTest, InterleavesByTimestampFirstInputFirstOnTies) {
  const std::filesystem::path dir = std::filesystem::path(FLOWSIM_BINARY_DIR) / "testbench/sweep/pcap_merge_test";
  std::filesystem::create_directories(dir);
  auto frame = [](std::uint8_t tag) { return std::vector<std::uint8_t>(60, tag); };
  {
    pcap::PcapWriter a(dir / "a.pcap");
    a.write(100, frame(1));
    a.write(300, frame(2));
    a.write(300, frame(3));
    a.close();
    pcap::PcapWriter b(dir / "b.pcap");
    b.write(50, frame(4));
    b.write(300, frame(5));
    b.write(400, frame(6), 1514);
    b.close();
  }
  EXPECT_EQ(interleave_pcaps({dir / "a.pcap", dir / "b.pcap"}, dir / "m.pcap"), 6u);
  pcap::PcapReader r(dir / "m.pcap");
  pcap::PcapRecord rec;
  std::vector<std::pair<std::uint64_t, int>> got;
  while (r.next(rec)) got.emplace_back(rec.timestamp_ns, rec.bytes[0]);
  EXPECT_EQ(got, (std::vector<std::pair<std::uint64_t, int>>{{50, 4}, {100, 1}, {300, 2}, {300, 3}, {300, 5}, {400, 6}}));
  EXPECT_EQ(rec.wire_length, 1514u);  // a snaplen-cut record stays one
}

}  // namespace
}  // namespace flowsim::sweep
