// SPDX-License-Identifier: Apache-2.0
// The bundled default end to end at engine level: scenarios/home_router.yaml is loaded (with
// its nft ruleset), its pcaps are merged by timestamp and fed straight into the Engine (no
// ASIC model, no driver, timers run every simulated second), and the result must match
// traces/default/: each packet's verdict and path (software fast path or slow path), the
// bytes and order of every frame forwarded out of each port (expected_<port>.pcap) and of
// every packet the router generated (expected_generated_<port>.pcap), both built
// independently by Scapy, and the counters of expected.json. The same trace through the
// ruleset's JSON twin gives the same result.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <span>
#include <string>
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
  std::vector<engine::Verdict> verdicts;                          // one per arrival
  std::vector<std::vector<std::vector<std::uint8_t>>> egress;     // per port, in send order
  std::vector<std::vector<std::vector<std::uint8_t>>> generated;  // per port, in send order
  engine::EngineStats stats;
  std::string conntrack;  // the dump after the last packet
};

std::vector<std::uint8_t> padded_copy(std::span<const std::uint8_t> bytes) {
  std::vector<std::uint8_t> out(bytes.begin(), bytes.end());
  if (out.size() < kMinFrame) out.resize(kMinFrame, 0);
  return out;
}

Replay replay_default_trace(const fs::path& ruleset = {}) {
  Replay r;
  r.scenario = load_scenario(kHomeRouter);
  if (!ruleset.empty()) r.scenario.ruleset = ruleset;
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
  r.generated.resize(r.scenario.ports.size());
  net::PacketBuffer frame;
  std::chrono::nanoseconds now{0};
  for (const Arrival& a : r.arrivals) {
    now = std::chrono::nanoseconds(a.timestamp_ns);
    // The flowtable and conntrack GC run every second of simulated time.
    while (engine.next_timer() <= now) engine.run_timers(engine.next_timer());
    frame.assign(a.bytes);
    const engine::Verdict v = engine.process(frame, a.port, now);
    r.verdicts.push_back(v);
    if (v.forwarded()) r.egress[v.egress_ifindex].push_back(padded_copy(frame.bytes()));
    if (v.generated) r.generated[v.egress_ifindex].push_back(padded_copy(frame.bytes()));
  }
  r.stats = engine.stats();
  r.conntrack = engine.conntrack_dump(now);
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
        EXPECT_EQ(v.fast_path ? "fast" : "slow", e.at("path").get<std::string>()) << what;
      }
    } else {
      EXPECT_FALSE(v.forwarded()) << what << ": forwarded";
      if (!v.forwarded()) {
        EXPECT_EQ(engine::to_string(v.reason), e.at("reason").get<std::string>()) << what;
        EXPECT_EQ(v.generated, e.contains("generated")) << what;
        if (v.generated && e.contains("generated")) {
          EXPECT_EQ(r.scenario.ports[v.egress_ifindex].name, e.at("generated").get<std::string>()) << what;
        }
      }
    }
  }
}

void expect_frames(const std::vector<std::vector<std::uint8_t>>& actual, const fs::path& file,
                   const std::string& what) {
  const auto expected = read_frames(file);
  EXPECT_EQ(actual.size(), expected.size()) << what;
  for (std::size_t i = 0; i < std::min(actual.size(), expected.size()); ++i) {
    EXPECT_EQ(hex(actual[i]), hex(expected[i])) << what << ", frame " << i + 1;
  }
}

TEST(DefaultTraceTest, EgressFramesMatchExpectedPcapsByteForByte) {
  const Replay r = replay_default_trace();
  for (unsigned port = 0; port < r.scenario.ports.size(); ++port) {
    const std::string name = r.scenario.ports[port].name;
    expect_frames(r.egress[port], kTraceDir / ("expected_" + name + ".pcap"), "frames forwarded out of " + name);
    expect_frames(r.generated[port], kTraceDir / ("expected_generated_" + name + ".pcap"),
                  "ICMP errors sent out of " + name);
  }
}

// The ruleset as `nft -j list ruleset` prints it: every verdict, frame and counter the same.
TEST(DefaultTraceTest, JsonRulesetGivesTheSameResultAsText) {
  const Replay text = replay_default_trace();
  const Replay json = replay_default_trace(fs::path(FLOWSIM_SOURCE_DIR) / "scenarios" / "home_router.json");
  ASSERT_EQ(text.verdicts.size(), json.verdicts.size());
  for (std::size_t i = 0; i < text.verdicts.size(); ++i) EXPECT_EQ(text.verdicts[i], json.verdicts[i]) << i;
  EXPECT_EQ(text.egress, json.egress);
  EXPECT_EQ(text.generated, json.generated);
  EXPECT_EQ(text.conntrack, json.conntrack);
  EXPECT_EQ(text.stats.drops, json.stats.drops);
  EXPECT_EQ(text.stats.slow_path, json.stats.slow_path);
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
  for (unsigned port = 0; port < r.scenario.ports.size(); ++port) {
    const std::string& name = r.scenario.ports[port].name;
    EXPECT_EQ(s.generated_by_ifindex[port], expected.at("generated").at(name).get<std::uint64_t>()) << name;
  }
  EXPECT_EQ(s.received, expected.at("total").at("in").get<std::uint64_t>());
  EXPECT_EQ(s.forwarded, expected.at("total").at("forwarded").get<std::uint64_t>());
  EXPECT_EQ(s.dropped_total(), expected.at("total").at("dropped").get<std::uint64_t>());
  EXPECT_EQ(s.generated, expected.at("total").at("generated").get<std::uint64_t>());
  EXPECT_EQ(s.fast_path, expected.at("total").at("fast_path").get<std::uint64_t>());
}

}  // namespace
}  // namespace flowsim::scenario
