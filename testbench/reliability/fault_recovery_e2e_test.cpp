// SPDX-License-Identifier: Apache-2.0
// The model's injected faults (scenario `faults:`) against the real driver: each is
// detected, and every packet of the run stays accounted for. One replay per test: SystemC
// elaborates once per process.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "testbench/bench/test_frame.hpp"
#include "testbench/harness/replay_session.hpp"
#include "testbench/pcap/pcap_writer.hpp"
#include "testbench/reliability/home_router_variant.hpp"
#include "testbench/scenario/scenario.hpp"

namespace flowsim::testbench {
namespace {

std::uint64_t packets_in_default_trace() {
  std::ifstream in(std::filesystem::path(FLOWSIM_SOURCE_DIR) / "traces/default/expected.json");
  return nlohmann::json::parse(in)["total"]["in"].get<std::uint64_t>();
}

Report replay_with_fault(const std::string& name, const std::string& at, const std::string& fault) {
  const auto file = home_router_variant(name, {{"timing: recorded", "timing: recorded\nfaults:\n  - {at: " + at +
                                                                         ", fault: " + fault + "}"}});
  return run_replay(scenario::load_scenario(file), {});
}

using Counts = std::map<std::string, std::uint64_t>;

// What every fault run must show: all packets accounted for, the fault committed once, one
// reset for the expected cause and a successful recovery.
void expect_recovered(const Report& r, const std::string& fault, const std::string& cause) {
  EXPECT_TRUE(r.accounted()) << r.to_text();
  EXPECT_EQ(r.packets_in, packets_in_default_trace());
  EXPECT_EQ(r.faults, (Counts{{fault, 1}})) << r.to_text();
  EXPECT_EQ(r.resets, (Counts{{cause, 1}})) << r.to_text();
  EXPECT_EQ(r.recoveries, 1u);
  EXPECT_TRUE(r.warnings.empty()) << r.to_text();
  EXPECT_NE(r.to_text().find("device resets by detected cause (recovered 1)\n    " + cause), std::string::npos);
}

std::uint64_t count(const Counts& m, const std::string& key) {
  const auto it = m.find(key);
  return it == m.end() ? 0 : it->second;
}

// Finding 10: a descriptor naming a port the device does not have reached Engine::process,
// which threw std::out_of_range. The driver refuses it (the frame is dropped with a reason)
// and, since nothing else the device wrote can be believed, resets the device.
TEST(FaultRecovery, CorruptRxDescriptorIsRefusedAndTheDeviceReset) {
  const Report r = replay_with_fault("rx_corrupt", "0ms", "rx_descriptor_corrupt");
  expect_recovered(r, "rx_descriptor_corrupt", "bad_descriptor");
  EXPECT_EQ(r.drops.at("rx_bad_descriptor"), 1u);
  EXPECT_EQ(r.driver.at("rx_bad_descriptors"), 1u);
  // The first packet (ARP, not_ip) was the one; everything later is forwarded as without it.
  EXPECT_EQ(count(r.drops, "not_ip"), 0u);
  EXPECT_GT(r.forwarded_hw, 0u);
}

// The device stops answering register reads after the first TCP flow was offloaded: the
// watchdog (or the next interrupt) reads all ones, the driver resets the device, and the
// flow is written again, so its later packets are still forwarded by the hardware.
TEST(FaultRecovery, DeviceThatStopsAnsweringIsResetAndItsFlowsReinstalled) {
  const Report r = replay_with_fault("all_ones", "20ms", "register_reads_all_ones");
  expect_recovered(r, "register_reads_all_ones", "device_gone");
  EXPECT_GE(r.driver.at("flows_reinstalled"), 1u);
  EXPECT_EQ(r.driver.at("reinstall_failed"), 0u);
  EXPECT_GT(r.forwarded_hw, 0u);
}

// The RX write-back of the client's FIN (60 ms) is lost: RING_HEAD moves past a descriptor
// that never becomes DONE. The watchdog sees it; the reset drops that frame as device_reset.
TEST(FaultRecovery, LostRxWriteBackIsFoundByTheWatchdog) {
  const Report r = replay_with_fault("rx_writeback", "59ms", "dma_write_lost");
  expect_recovered(r, "dma_write_lost", "rx_write_back_lost");
  EXPECT_GE(count(r.drops, "device_reset"), 1u);
}

// The TX engine stops: the frames the CPU sends stay in the ring until the watchdog's TX
// timeout, the reset abandons them (dropped as device_reset) and later ones are sent again.
TEST(FaultRecovery, StalledTxRingIsAHangAndItsFramesAreDroppedAsDeviceReset) {
  const Report r = replay_with_fault("tx_stall", "50ms", "tx_ring_stall");
  expect_recovered(r, "tx_ring_stall", "tx_hang");
  EXPECT_GE(count(r.drops, "device_reset"), 1u);
  EXPECT_GE(r.driver.at("tx_abandoned"), 1u);
  EXPECT_GT(r.forwarded_sw, 0u);
}

// The interrupt for the client's FIN never rises: the watchdog finds the frame waiting,
// hands it up itself, and resets the device whose interrupt logic cannot be trusted.
TEST(FaultRecovery, LostInterruptIsPolledByTheWatchdog) {
  const Report r = replay_with_fault("irq_lost", "59ms", "interrupt_lost");
  expect_recovered(r, "interrupt_lost", "missed_interrupt");
  EXPECT_GE(r.driver.at("polled_without_irq"), 1u);
}

// The first flow-entry write is never acknowledged: the offload is refused as a device error
// (the flow stays in software), and the device is reset.
TEST(FaultRecovery, UnacknowledgedEntryWriteIsRefusedAndTheDeviceReset) {
  const Report r = replay_with_fault("entry_noack", "0ms", "entry_write_not_acked");
  expect_recovered(r, "entry_write_not_acked", "entry_ack_timeout");
  EXPECT_EQ(r.offload_refused.at("device_error"), 1u);
}

// A packet the software path fragments leaves as several frames, and only the first stands
// for the packet in the accounting. The TX ring stalls while three such packets wait in it:
// the reset drops each packet once (device_reset, its first fragment) and discounts the
// other fragments with one warning; a fourth packet after the recovery leaves in two
// fragments. (The abandoned fragments used to stay in the "extra fragments sent" count,
// which then hid the fourth packet: 4 in, 3 accounted for.)
TEST(FaultRecovery, FragmentsAbandonedByAResetCountOnceAsTheirPacket) {
  const std::filesystem::path dir = std::filesystem::path(FLOWSIM_BINARY_DIR) / "testbench/reliability/work/fragments";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    pcap::PcapWriter lan(dir / "lan.pcap");
    constexpr std::uint64_t t0 = 1'700'000'000'000'000'000ull;
    constexpr std::uint64_t kUs = 1000;
    // 192.168.1.100 -> 198.51.100.10, no DF, 1400-byte datagrams: two fragments at WAN MTU 1280.
    for (std::uint64_t at : {0 * kUs, 100 * kUs, 200 * kUs, 20'000 * kUs}) {
      lan.write(t0 + at, udp4_frame(0xc0a80164, 0xc633640a, 5000, 7000, 1400 - 28));
    }
  }
  auto s = scenario::load_scenario(home_router_variant(
      "tx_stall_fragments", {{"timing: recorded", "timing: recorded\nfaults:\n  - {at: 0ms, fault: tx_ring_stall}"}}));
  ASSERT_EQ(s.ports[1].name, "wan");
  s.ports[1].mtu = 1280;
  s.traffic = {scenario::TrafficSpec{"lan", 0, dir / "lan.pcap", 0}};
  const Report r = run_replay(s, {});
  EXPECT_TRUE(r.accounted()) << r.to_text();
  EXPECT_EQ(r.packets_in, 4u);
  EXPECT_EQ(r.forwarded_sw, 1u);
  EXPECT_EQ(r.drops, (Counts{{"device_reset", 3}})) << r.to_text();
  EXPECT_EQ(r.faults, (Counts{{"tx_ring_stall", 1}}));
  EXPECT_EQ(r.resets, (Counts{{"tx_hang", 1}}));
  EXPECT_EQ(r.recoveries, 1u);
  EXPECT_EQ(r.driver.at("tx_abandoned"), 6u);
  // Only the fourth packet's second fragment left: the three abandoned ones were not sent.
  EXPECT_EQ(r.fragments_sw, 1u);
  ASSERT_EQ(r.ports.at(1).tx_sw, 2u);
  EXPECT_EQ(r.warnings,
            std::vector<std::string>{"3 fragment(s) beyond the first of fragmented packets discarded by device resets"});
}

}  // namespace
}  // namespace flowsim::testbench
