// SPDX-License-Identifier: Apache-2.0
// The bundled default end to end at engine level: scenarios/home_router.yaml is loaded, its
// pcaps are merged by timestamp and fed straight into the Engine (no ASIC model, no driver),
// and the result must match traces/default/: each packet's verdict, the bytes and order of
// every frame leaving each port (expected_<port>.pcap, built independently by Scapy) and the
// counters of expected.json.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/drop_reason.hpp"
#include "engine/engine.hpp"
#include "testbench/pcap/pcap_reader.hpp"
#include "testbench/scenario/scenario.hpp"

namespace flowsim::scenario {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kHomeRouter = fs::path(FLOWSIM_SOURCE_DIR) / "scenarios" / "home_router.yaml";
const fs::path kTraceDir = fs::path(FLOWSIM_SOURCE_DIR) / "traces" / "default";

// The egress MAC pads short frames to the Ethernet minimum (60 bytes without FCS); the
// engine, like Linux, hands over the trimmed datagram. Captures show the padded frame.
constexpr std::size_t kMinFrame = 60;

std::string hex(const std::vector<std::uint8_t>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (std::uint8_t b : bytes) {
    s += kDigits[b >> 4];
    s += kDigits[b & 0xf];
  }
  return s;
}

std::vector<std::vector<std::uint8_t>> read_frames(const fs::path& path) {
  std::vector<std::vector<std::uint8_t>> frames;
  pcap::PcapReader reader(path);
  pcap::PcapRecord rec;
  while (reader.next(rec)) frames.push_back(rec.bytes);
  return frames;
}

struct Arrival {
  std::uint64_t timestamp_ns = 0;
  unsigned port = 0;
  std::uint64_t index = 0;  // 1-based within the port's pcap
  std::vector<std::uint8_t> bytes;
};

struct Replay {
  Scenario scenario;
  std::vector<Arrival> arrivals;
  std::vector<engine::Verdict> verdicts;                       // one per arrival
  std::vector<std::vector<std::vector<std::uint8_t>>> egress;  // per port, in send order
  engine::EngineStats stats;
};

Replay replay_default_trace() {
  Replay r;
  r.scenario = load_scenario(kHomeRouter);
  engine::Engine engine(to_engine_config(r.scenario));
  for (const TrafficSpec& t : r.scenario.traffic) {
    pcap::PcapReader reader(t.pcap);
    pcap::PcapRecord rec;
    while (reader.next(rec)) r.arrivals.push_back(Arrival{rec.timestamp_ns, t.port, rec.index, rec.bytes});
  }
  // The trace spaces every packet at least 1 us apart, so this order is the only one.
  std::stable_sort(r.arrivals.begin(), r.arrivals.end(),
                   [](const Arrival& a, const Arrival& b) { return a.timestamp_ns < b.timestamp_ns; });
  r.egress.resize(r.scenario.ports.size());
  net::PacketBuffer frame;
  for (const Arrival& a : r.arrivals) {
    frame.assign(a.bytes);
    const engine::Verdict v = engine.process(frame, a.port, std::chrono::nanoseconds(a.timestamp_ns));
    r.verdicts.push_back(v);
    if (v.forwarded()) {
      std::vector<std::uint8_t> out(frame.bytes().begin(), frame.bytes().end());
      if (out.size() < kMinFrame) out.resize(kMinFrame, 0);
      r.egress[v.egress_ifindex].push_back(std::move(out));
    }
  }
  r.stats = engine.stats();
  return r;
}

json expected_json() {
  std::ifstream in(kTraceDir / "expected.json");
  return json::parse(in);
}

TEST(DefaultTraceTest, EveryPacketGetsItsExpectedVerdict) {
  const Replay r = replay_default_trace();
  const json expected = expected_json();
  const json& packets = expected.at("packets");
  ASSERT_EQ(r.arrivals.size(), packets.size());
  for (std::size_t i = 0; i < r.arrivals.size(); ++i) {
    const json& e = packets[i];
    const Arrival& a = r.arrivals[i];
    const std::string what = "packet " + std::to_string(i + 1) + " (" + e.at("port").get<std::string>() + " #" +
                             std::to_string(e.at("index").get<int>()) + ", " + e.at("what").get<std::string>() + ")";
    ASSERT_EQ(r.scenario.ports[a.port].name, e.at("port").get<std::string>()) << what;
    ASSERT_EQ(a.index, e.at("index").get<std::uint64_t>()) << what;
    const engine::Verdict& v = r.verdicts[i];
    if (e.at("verdict") == "forward") {
      EXPECT_TRUE(v.forwarded()) << what << ": dropped as " << engine::to_string(v.reason);
      if (v.forwarded()) {
        EXPECT_EQ(r.scenario.ports[v.egress_ifindex].name, e.at("egress").get<std::string>()) << what;
      }
    } else {
      EXPECT_FALSE(v.forwarded()) << what << ": forwarded";
      if (!v.forwarded()) {
        EXPECT_EQ(engine::to_string(v.reason), e.at("reason").get<std::string>()) << what;
      }
    }
  }
}

TEST(DefaultTraceTest, EgressFramesMatchExpectedPcapsByteForByte) {
  const Replay r = replay_default_trace();
  for (unsigned port = 0; port < r.scenario.ports.size(); ++port) {
    const std::string name = r.scenario.ports[port].name;
    const auto expected = read_frames(kTraceDir / ("expected_" + name + ".pcap"));
    const auto& actual = r.egress[port];
    EXPECT_EQ(actual.size(), expected.size()) << "frames sent out of " << name;
    for (std::size_t i = 0; i < std::min(actual.size(), expected.size()); ++i) {
      EXPECT_EQ(hex(actual[i]), hex(expected[i])) << name << " egress frame " << i + 1;
    }
  }
}

TEST(DefaultTraceTest, CountersMatchExpectedJson) {
  const Replay r = replay_default_trace();
  const json expected = expected_json();
  const engine::EngineStats& s = r.stats;
  for (unsigned port = 0; port < r.scenario.ports.size(); ++port) {
    const std::string& name = r.scenario.ports[port].name;
    EXPECT_EQ(s.received_by_ifindex[port], expected.at("packets_in").at(name).get<std::uint64_t>()) << name;
    EXPECT_EQ(s.forwarded_by_ifindex[port], expected.at("forwarded").at(name).get<std::uint64_t>()) << name;
  }
  const json& dropped = expected.at("dropped");
  // Every reason is listed, zeros included, so a renamed or added reason shows up here.
  EXPECT_EQ(dropped.size(), engine::kDropReasonCount);
  for (const auto& [name, count] : dropped.items()) {
    const auto reason = engine::drop_reason_from_string(name);
    ASSERT_TRUE(reason.has_value()) << "unknown drop reason '" << name << "' in expected.json";
    EXPECT_EQ(s.dropped(*reason), count.get<std::uint64_t>()) << name;
  }
  EXPECT_EQ(s.received, expected.at("total").at("in").get<std::uint64_t>());
  EXPECT_EQ(s.forwarded, expected.at("total").at("forwarded").get<std::uint64_t>());
  EXPECT_EQ(s.dropped_total(), expected.at("total").at("dropped").get<std::uint64_t>());
}

}  // namespace
}  // namespace flowsim::scenario
