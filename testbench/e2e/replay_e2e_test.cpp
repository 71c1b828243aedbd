// SPDX-License-Identifier: Apache-2.0
// The thin path end to end: the bundled trace replayed through the model, the real driver
// and the engine, compared byte for byte with the egress frames Scapy built independently
// (traces/default/expected_*.pcap) and counter for counter with expected.json.
// One replay per test: SystemC elaborates once per process.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/test_frames.hpp"
#include "hw/flowsim_hw.hpp"  // Generated.
#include "testbench/bench/asic_bench.hpp"
#include "testbench/bench/test_frame.hpp"
#include "testbench/harness/replay_session.hpp"
#include "testbench/pcap/pcap_reader.hpp"
#include "testbench/pcap/pcap_writer.hpp"
#include "testbench/scenario/scenario.hpp"

namespace flowsim::testbench {
namespace {

const std::filesystem::path kSource = FLOWSIM_SOURCE_DIR;
// CTest runs this suite twice, also with FLOWSIM_TEST_RTL set, and both runs at once: each
// writes its outputs to its own folder.
std::filesystem::path work_dir() {
  const char* rtl = std::getenv("FLOWSIM_TEST_RTL");
  return std::filesystem::path(FLOWSIM_BINARY_DIR) / "testbench/e2e" / (rtl ? std::string("work.rtl_") + rtl : "work");
}
const std::filesystem::path kWork = work_dir();

std::vector<pcap::PcapRecord> read_all(const std::filesystem::path& file) {
  std::vector<pcap::PcapRecord> out;
  pcap::PcapReader reader(file);
  pcap::PcapRecord r;
  while (reader.next(r)) out.push_back(r);
  return out;
}

ReplayOptions options_for(const std::filesystem::path& out) {
  ReplayOptions o;
  o.out_dir = out;
  return o;
}

// The bundled scenario, with the datapath blocks FLOWSIM_TEST_RTL names as RTL (CTest runs
// this suite with and without it).
scenario::Scenario home_router() {
  auto s = scenario::load_scenario(kSource / "scenarios/home_router.yaml");
  s.asic.rtl = test_rtl_blocks().value_or(s.asic.rtl);
  return s;
}

nlohmann::json expected_counters() {
  std::ifstream in(kSource / "traces/default/expected.json");
  return nlohmann::json::parse(in);
}

// Every frame the router sent on `port`, in order, equals the frame Scapy says it must send.
void expect_egress_matches(const std::filesystem::path& out, const std::string& port) {
  const auto got = read_all(out / (port + ".pcap"));
  const auto want = read_all(kSource / "traces/default" / ("expected_" + port + ".pcap"));
  ASSERT_EQ(got.size(), want.size()) << port;
  for (std::size_t i = 0; i < got.size(); ++i) {
    // The router's own ICMP packets carry an ID from Linux's generator; the expectation shows 0.
    const std::vector<std::uint8_t> bytes = engine::testing::is_expected_router_icmp(want[i].bytes)
                                                ? engine::testing::with_generated_ip_id_zeroed(got[i].bytes)
                                                : got[i].bytes;
    EXPECT_EQ(bytes, want[i].bytes) << port << " frame #" << i + 1;
    EXPECT_EQ(got[i].wire_length, got[i].bytes.size());
  }
}

void expect_default_outcome(const Report& r, const std::filesystem::path& out) {
  const nlohmann::json want = expected_counters();
  EXPECT_TRUE(r.accounted());
  EXPECT_EQ(r.packets_in, want["total"]["in"].get<std::uint64_t>());
  // The hardware forwards exactly the packets that Linux would send through its software
  // flowtable (the trace marks them "fast"): the flow is offloaded when `flow add` runs, so
  // every later packet of it misses the CPU. The rest of the forwarded ones took the slow path.
  const auto fast = want["total"]["fast_path"].get<std::uint64_t>();
  EXPECT_EQ(r.forwarded_hw, fast);
  EXPECT_EQ(r.forwarded_sw, want["total"]["forwarded"].get<std::uint64_t>() - fast);
  EXPECT_EQ(r.generated_sw, want["total"]["generated"].get<std::uint64_t>());
  EXPECT_EQ(r.dropped, want["total"]["dropped"].get<std::uint64_t>());
  std::map<std::string, std::uint64_t> want_drops;
  for (const auto& [reason, n] : want["dropped"].items()) {
    if (n.get<std::uint64_t>() > 0) want_drops[reason] = n.get<std::uint64_t>();
  }
  EXPECT_EQ(r.drops, want_drops);
  for (const auto& p : r.ports) {
    EXPECT_EQ(p.rx_packets, want["packets_in"][p.name].get<std::uint64_t>()) << p.name;
    EXPECT_EQ(p.tx_packets, want["forwarded"][p.name].get<std::uint64_t>() + want["generated"][p.name].get<std::uint64_t>())
        << p.name;
  }
  // Every packet was either forwarded by the hardware or punted to the CPU, with the reason
  // the trace's packets call for (traces/default/expected.json, in trace order):
  //  - ppe_bypass 1: the ARP request (not IP);
  //  - not_tcp_udp 8: the IPv4 echo requests and replies (2 + 2), the IPv6 ones (2), the echo
  //    to the router and the neighbour solicitation;
  //  - parse_error 1: the IPv4 packet whose total length runs past the frame;
  //  - hit_ttl_1 1: the TTL-1 ACK of the bound port-forward flow;
  //  - hit_bind_tcp_fin 7: for each of the two TCP sessions the client's FIN (its entry moves
  //    to FIN), the server's FIN (the other entry) and the last ACK (a FIN entry punts
  //    everything until DESTROY, which the GC sends within the second), and the port
  //    forward's RST;
  //  - no_flow 22: every other packet, none of whose flows was bound yet: the IPv4 and IPv6
  //    handshakes (6), the three DNS queries and the answer that offloads them (4), the two
  //    traceroute probes (2), the seven TCP/UDP packets the router drops for input or forward
  //    policy, no neighbour, the DF jumbo, another host's MAC, the DHCP broadcast and the
  //    VLAN tag (7), and the port forward's handshake (3).
  // The DNS answer with a bad IPv4 header checksum never reaches the CPU: the driver sets
  // GLO_CFG.IP4_CS_DROP (as mtk_ppe_start does) and the chip drops it as ip_checksum.
  EXPECT_EQ(r.punts, (std::map<std::string, std::uint64_t>{{"hit_bind_tcp_fin", 7},
                                                           {"hit_ttl_1", 1},
                                                           {"no_flow", 22},
                                                           {"not_tcp_udp", 8},
                                                           {"parse_error", 1},
                                                           {"ppe_bypass", 1}}));
  EXPECT_EQ(r.forwarded_hw + 40 + r.drops.at("ip_checksum"), r.packets_in);
  expect_egress_matches(out, "lan");
  expect_egress_matches(out, "wan");
}

TEST(Replay, DefaultScenarioGivesExactBytesAndCounters) {
  const auto scenario = home_router();
  const auto out = kWork / "default";
  std::filesystem::remove_all(out);
  const Report r = run_replay(scenario, options_for(out));
  expect_default_outcome(r, out);
  EXPECT_EQ(r.rtl_blocks, test_rtl_blocks().value_or(model::RtlBlocks::none()).to_string());
  EXPECT_EQ(r.register_bus_errors, 0u);
  EXPECT_EQ(r.dma_errors, 0u);
  EXPECT_TRUE(r.warnings.empty());

  // Four flows were offloaded (the IPv4 and IPv6 TCP sessions, the DNS exchange, the port
  // forward), each with its two entries written; the FINs and the RST tore the three TCP
  // flows down and the GC's DESTROY deleted their six entries before the end (1.1 s); the
  // DNS flow lives on (UDP, 30 s); nothing was refused, lost or aged.
  EXPECT_EQ(r.flows, (std::map<std::string, std::uint64_t>{
                         {"added", 4}, {"hw_lost", 0}, {"hw_offloaded", 4}, {"torn_down", 3}}));
  EXPECT_EQ(r.driver.at("entries_written"), 8u);
  EXPECT_EQ(r.driver.at("entries_deleted"), 6u);
  EXPECT_EQ(r.driver.at("entries_reclaimed"), 0u);
  EXPECT_TRUE(r.offload_refused.empty());

  // Output timestamps are in trace time: the first frame out of the WAN port is the SYN
  // that entered the LAN port at 1700000000.001 s, a few microseconds of model time later
  // (wire, pipeline, DMA, driver, software path, DMA, wire).
  const auto wan_out = read_all(out / "wan.pcap");
  ASSERT_FALSE(wan_out.empty());
  const std::uint64_t syn_in_ns = 1'700'000'000'001'000'000ull;
  EXPECT_GT(wan_out[0].timestamp_ns, syn_in_ns + 2'000);
  EXPECT_LT(wan_out[0].timestamp_ns, syn_in_ns + 50'000);

  // The CPU pcap carries every punted frame with its punt tag after the MAC addresses:
  // every packet the hardware neither forwarded nor dropped itself (the bad checksum).
  const auto cpu = read_all(out / "cpu.pcap");
  ASSERT_EQ(cpu.size(), r.packets_in - r.forwarded_hw - 1);
  const auto lan_in = read_all(kSource / "traces/default/lan.pcap");
  EXPECT_EQ(cpu[0].bytes[12], 0x88);
  EXPECT_EQ(cpu[0].bytes[13], 0xb5);
  EXPECT_EQ(cpu[0].bytes[15], static_cast<std::uint8_t>(hw::PuntReason::kPpeBypass));  // the ARP request
  EXPECT_EQ(cpu[0].bytes[16], 0);                                                   // from port 0 (lan)
  EXPECT_EQ(std::vector<std::uint8_t>(cpu[0].bytes.begin() + 20, cpu[0].bytes.end()),
            std::vector<std::uint8_t>(lan_in[0].bytes.begin() + 12, lan_in[0].bytes.end()));
}

TEST(Replay, RtlHashUnitGivesIdenticalResults) {
  auto scenario = home_router();
  scenario.asic.rtl = model::RtlBlocks::parse("hash").value();
  const auto out = kWork / "rtl";
  std::filesystem::remove_all(out);
  const Report r = run_replay(scenario, options_for(out));
  EXPECT_EQ(r.rtl_blocks, "hash");
  expect_default_outcome(r, out);
}

TEST(Replay, TruncatedCaptureRecordIsCountedNeverForwarded) {
  // Two copies of the trace's first forwarded LAN frame (the SYN); the second one's record
  // holds only 40 of its bytes, as a capture with a small snaplen would.
  const auto lan_in = read_all(kSource / "traces/default/lan.pcap");
  const auto dir = kWork / "truncated";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    pcap::PcapWriter w(dir / "in.pcap");
    const auto& syn = lan_in[1].bytes;
    w.write(1'000'000'000, syn);
    w.write(1'000'100'000, std::span(syn).first(40), static_cast<std::uint32_t>(syn.size()));
  }
  auto scenario = home_router();
  scenario.traffic = {scenario::TrafficSpec{"lan", 0, dir / "in.pcap", 0}};
  const Report r = run_replay(scenario, options_for(dir / "out"));
  EXPECT_TRUE(r.accounted());
  EXPECT_EQ(r.captured, 2u);
  EXPECT_EQ(r.packets_in, 1u);
  EXPECT_EQ(r.forwarded_sw, 1u);
  EXPECT_TRUE(r.drops.empty());
  EXPECT_EQ(r.not_injected, (std::map<std::string, std::uint64_t>{{"truncated_capture", 1}}));
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("in.pcap: packet #2: captured 40 of"), std::string::npos) << r.warnings[0];
}

}  // namespace
}  // namespace flowsim::testbench

namespace flowsim::testbench {
namespace {

// A minimum-size UDP/IPv4 frame between the trace's hosts, with their MACs on the wire.
std::vector<std::uint8_t> udp_frame(const char* src_mac, const char* dst_mac, const char* src_ip, const char* dst_ip,
                                    std::uint16_t sport, std::uint16_t dport) {
  const FrameMacs macs{net::MacAddr::parse(src_mac).value(), net::MacAddr::parse(dst_mac).value()};
  return udp4_frame(net::Ipv4Addr::parse(src_ip)->value(), net::Ipv4Addr::parse(dst_ip)->value(), sport, dport, 18,
                    64, macs);
}

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// One UDP exchange through the home router: a request from LAN host A, the server's reply
// (to the masqueraded address) 1 ms later — which establishes the connection, so the
// reply's `flow add @ft` offloads it — then `followers` more requests, one per `gap`.
scenario::Scenario udp_flow_scenario(const std::filesystem::path& dir, int followers,
                                     std::chrono::nanoseconds gap = std::chrono::seconds(1)) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  constexpr std::uint64_t t0 = 1'700'000'000'000'000'000ull;
  {
    pcap::PcapWriter lan(dir / "lan.pcap");
    const auto req = udp_frame("02:00:00:00:01:64", "02:00:00:00:01:01", "192.168.1.100", "198.51.100.10", 5000, 7000);
    lan.write(t0, req);
    for (int i = 0; i < followers; ++i) lan.write(t0 + 2'000'000 + std::uint64_t(i) * std::uint64_t(gap.count()), req);
    pcap::PcapWriter wan(dir / "wan.pcap");
    wan.write(t0 + 1'000'000,
              udp_frame("02:00:00:00:02:fe", "02:00:00:00:02:01", "198.51.100.10", "203.0.113.2", 7000, 5000));
  }
  auto s = home_router();
  s.traffic = {scenario::TrafficSpec{"lan", 0, dir / "lan.pcap", 0}, scenario::TrafficSpec{"wan", 1, dir / "wan.pcap", 0}};
  return s;
}

TEST(Replay, HardwareOnlyFlowIsKeptAliveByStatsBeyondTheFlowtableTimeout) {
  // 45 s of traffic that only the hardware sees: the software flowtable's 30 s timeout
  // would expire the flow (OpenWrt #17915) unless STATS polling reports the hardware's use.
  const auto dir = kWork / "keepalive";
  const auto s = udp_flow_scenario(dir, 46);
  const Report r = run_replay(s, options_for(dir / "out"));
  EXPECT_TRUE(r.accounted());
  EXPECT_EQ(r.packets_in, 48u);
  EXPECT_EQ(r.forwarded_hw, 46u);  // every request after the reply
  EXPECT_EQ(r.forwarded_sw, 2u);
  EXPECT_EQ(r.flows.at("added"), 1u);
  EXPECT_EQ(r.flows.at("hw_offloaded"), 1u);
  EXPECT_EQ(r.flows.at("torn_down"), 0u);
  EXPECT_EQ(r.flows.at("hw_lost"), 0u);
  const std::string ct = read_text(dir / "out/conntrack.txt");
  EXPECT_NE(ct.find("udp      17 src=192.168.1.100 dst=198.51.100.10 sport=5000 dport=7000"), std::string::npos) << ct;
  EXPECT_NE(ct.find("[HW_OFFLOAD]"), std::string::npos) << ct;
}

TEST(Replay, IdleFlowAgesOutOfHardwareAndSoftware) {
  // Five seconds of traffic, then silence for 70 s: the hardware ages the entry out (UDP
  // delta 12 s), STATS then finds it gone, the software flowtable times out (30 s) and
  // the flow returns to conntrack.
  const auto dir = kWork / "idle";
  const auto s = udp_flow_scenario(dir, 5);
  ReplayOptions o = options_for(dir / "out");
  o.drain = std::chrono::seconds(70);
  const Report r = run_replay(s, o);
  EXPECT_TRUE(r.accounted());
  EXPECT_EQ(r.forwarded_hw, 5u);
  EXPECT_EQ(r.flows.at("hw_offloaded"), 1u);
  EXPECT_EQ(r.flows.at("torn_down"), 1u);
  EXPECT_EQ(r.driver.at("entries_written"), 2u);
  // Both directions' entries were aged by the hardware, each in its own scan (the reply's
  // entry was never hit after it was written at 1 ms: idle from second 0; the request's was
  // last hit at 4 s), and the driver took both back when it learnt of them; nothing was
  // left for DESTROY to delete, and STATS found the flow gone from the hardware once.
  EXPECT_EQ(r.driver.at("aged_irqs"), 2u);
  EXPECT_EQ(r.driver.at("entries_reclaimed"), 2u);
  EXPECT_EQ(r.driver.at("entries_deleted"), 0u);
  EXPECT_EQ(r.flows.at("hw_lost"), 1u);
  // The GC tore the flow down 30 s after its last use in hardware (STATS lastused, 4 s;
  // teardown at the 35 s GC pass) and flow_offload_fixup_ct set the conntrack timeout to UDP's
  // replied timeout minus the flowtable's (120 - 30 = 90 s), to 125 s. The run ends a drain
  // period after the last packet settled (74 s + 10 ms: the driver's watchdog keeps simulated
  // time going until then), and conntrack lists the 50.99 s left rounded down, as Linux does.
  EXPECT_EQ(read_text(dir / "out/conntrack.txt"),
            "ipv4     2 udp      17 50 src=192.168.1.100 dst=198.51.100.10 sport=5000 dport=7000 "
            "src=198.51.100.10 dst=203.0.113.2 sport=7000 dport=5000 mark=0 use=2\n");
}

}  // namespace
}  // namespace flowsim::testbench

namespace flowsim::testbench {
namespace {

TEST(Replay, LearnModeBindsAFlowOnceTheHardwareHasCountedBindRatePackets) {
  // MediaTek's way: the engine's REPLACE only parks the entry in the driver; the hardware
  // learns the tuple on a miss and counts hits; the hit that brings the count to BIND_RATE
  // (30) is punted as hit_unbind_rate_reached with the entry index, the driver binds its
  // parked entry there, and from the next packet on the hardware forwards alone.
  // BIND_RATE is a rate: an UNBIND entry that has not counted enough packets within
  // UNBIND_AGE's 3 s is forgotten, so a 1 pps flow would never bind; this one sends 100 pps.
  const auto dir = kWork / "learn";
  auto s = udp_flow_scenario(dir, 46, std::chrono::milliseconds(10));  // 47 requests, one reply
  s.asic.learn_mode = true;
  const Report r = run_replay(s, options_for(dir / "out"));
  EXPECT_TRUE(r.accounted());
  EXPECT_EQ(r.driver.at("learn_binds"), 1u);  // the reply direction saw one packet only
  EXPECT_EQ(r.punts.at("un_hit"), 2u);        // the first packet of each direction
  EXPECT_EQ(r.punts.at("hit_unbind_rate_reached"), 1u);
  EXPECT_EQ(r.forwarded_hw, 47u - 30u);  // requests 31..47
  EXPECT_EQ(r.forwarded_sw, 31u);        // requests 1..30 and the reply
}

}  // namespace
}  // namespace flowsim::testbench
