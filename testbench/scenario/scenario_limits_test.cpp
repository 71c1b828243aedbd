// SPDX-License-Identifier: Apache-2.0
// Scenario inputs that once hung, wrapped or exhausted the machine (issue 13's findings 1,
// 5, 6 and 8) get an exact "file:line:col: message"; every number is checked against what
// the model can represent (scenario_limits.hpp), and the range's ends are accepted.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "net/input_error.hpp"
#include "testbench/scenario/scenario.hpp"
#include "testbench/scenario/scenario_file_fixture.hpp"
#include "testbench/scenario/scenario_limits.hpp"

namespace flowsim::scenario {
namespace {

namespace fs = std::filesystem;

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

const std::string kPorts = R"(ports:
  - name: lan
    mac: "02:00:00:00:01:01"
    ipv4: 192.168.1.1/24
  - name: wan
    mac: "02:00:00:00:02:01"
    ipv4: 203.0.113.2/24
)";

class ScenarioLimitsTest : public ScenarioFileTest {
 protected:
  ScenarioLimitsTest() : ScenarioFileTest("flowsim_limits_") {}

  // In the (forked) child: the load must give `want`; exits 0 if it does.
  [[noreturn]] void check_in_bounded_child(const std::string& text, const std::string& want) {
    alarm(10);
    if (!kAddressSanitizer) {
      const rlimit limit{1u << 30, 1u << 30};
      setrlimit(RLIMIT_AS, &limit);
    }
    const std::string got = error_of(text);
    if (got != want) {
      std::fprintf(stderr, "got: %s\n", got.c_str());
      std::_Exit(1);
    }
    std::_Exit(0);
  }
};

// Finding 1. yaml-cpp 0.7.0's LoadAll never returned on these one-line files and grew by
// ~0.6 GB/s. The load runs in a child process held to 10 s and (outside AddressSanitizer,
// which reserves terabytes of address space) 1 GiB, so a regression fails here instead of
// exhausting the machine.
TEST_F(ScenarioLimitsTest, StrayFlowTokenIsASyntaxErrorNotAnEndlessParse) {
  const std::pair<std::string, std::string> cases[] = {
      {",", "F:1:1: YAML syntax error: unexpected ','"},
      {"!,", "F:1:2: YAML syntax error: unexpected ','"},
      {"&a,b", "F:1:3: YAML syntax error: unexpected ','"},
      {kPorts + "...\n,\n", "F:9:1: YAML syntax error: unexpected ','"},
  };
  for (const auto& [text, want] : cases) {
    EXPECT_EXIT(check_in_bounded_child(text, want), ::testing::ExitedWithCode(0), "") << text;
  }
}

TEST_F(ScenarioLimitsTest, SecondDocumentIsStillNamed) {
  EXPECT_EQ(error_of(kPorts + "---\nname: other\n"),
            "F:9:1: a scenario file holds one YAML document, this is a second one");
  EXPECT_EQ(error_of(kPorts + "---\n"), "F:8:1: a scenario file holds one YAML document, this is a second one");
}

// Finding 5: values beyond sc_time's 64-bit picosecond range were accepted and the replay
// hung.
TEST_F(ScenarioLimitsTest, TimesBeyondTheSimulatedRangeAreRefused) {
  EXPECT_EQ(error_of(kPorts + "asic: {clock_mhz: 1e-300}\n"),
            "F:8:19: asic.clock_mhz: 1e-300 is out of range 1..10000 (MHz)");
  EXPECT_EQ(error_of(kPorts + "asic: {clock_mhz: 10001}\n"),
            "F:8:19: asic.clock_mhz: 10001 is out of range 1..10000 (MHz)");
  EXPECT_EQ(error_of(kPorts + "asic: {clock_mhz: 1e400}\n"),
            "F:8:19: asic.clock_mhz: 1e400 is out of range 1..10000 (MHz)");
  EXPECT_EQ(error_of(kPorts + "asic: {clock_mhz: nan}\n"), "F:8:19: asic.clock_mhz: expected a number, got 'nan'");
  EXPECT_EQ(error_of(kPorts + "asic: {clock_mhz: -inf}\n"), "F:8:19: asic.clock_mhz: expected a number, got '-inf'");
  EXPECT_EQ(error_of(kPorts + "cpu: {ns_per_packet: 18446744073709551615}\n"),
            "F:8:22: cpu.ns_per_packet: 18446744073709551615 is out of range 0..1000000000 (ns)");
  EXPECT_EQ(error_of(kPorts + "cpu: {ns_per_packet: 18446744073709551616}\n"),
            "F:8:22: cpu.ns_per_packet: 18446744073709551616 is out of range 0..1000000000 (ns)");
}

// Finding 6: a flowtable timeout of 1,024,819,116 s overflowed the STATS poll interval
// (t * 9 / 10 in nanoseconds); Linux accepts up to 2^31-1, the model represents 213 days.
TEST_F(ScenarioLimitsTest, TimeoutsBeyondTheSimulatedRangeAreRefused) {
  EXPECT_EQ(error_of(kPorts + "engine: {timeouts: {flowtable_udp: 1024819116}}\n"),
            "F:8:36: engine.timeouts.flowtable_udp: 1024819116 is out of range 0..18446744 (s, the simulated time "
            "range)");
  EXPECT_EQ(error_of(kPorts + "engine: {timeouts: {tcp_established: 2147483647}}\n"),
            "F:8:38: engine.timeouts.tcp_established: 2147483647 is out of range 0..18446744 (s, the simulated time "
            "range)");
  const Scenario s = load(kPorts + "engine: {timeouts: {flowtable_udp: 18446744, tcp_close: 0}}\n");
  EXPECT_EQ(s.engine.timeouts.udp_offload, std::chrono::seconds(18446744));
  EXPECT_EQ(s.engine.timeouts.tcp[8], std::chrono::seconds(0));
  EXPECT_EQ(limits::kSimulatedSecondsMax, 18446744u);
}

// Finding 8: 4294967295 was accepted and silently cut to the register fields' 8 and 16 bits.
TEST_F(ScenarioLimitsTest, CoalescingValuesMustFitTheirRegisterFields) {
  EXPECT_EQ(error_of(kPorts + "cpu: {irq_coalesce_pkts: 4294967295}\n"),
            "F:8:26: cpu.irq_coalesce_pkts: 4294967295 is out of range 0..255 (packets, 0 = an interrupt per packet)");
  EXPECT_EQ(error_of(kPorts + "cpu: {irq_coalesce_us: 4294967295}\n"),
            "F:8:24: cpu.irq_coalesce_us: 4294967295 is out of range 0..65535 (us, 0 = no time limit)");
  const Scenario s = load(kPorts + "cpu: {irq_coalesce_pkts: 255, irq_coalesce_us: 65535}\n");
  EXPECT_EQ(s.cpu.irq_coalesce_pkts, 255u);
  EXPECT_EQ(s.cpu.irq_coalesce_us, 65535u);
  EXPECT_EQ(load(kPorts + "cpu: {irq_coalesce_pkts: 0, irq_coalesce_us: 0}\n").cpu.irq_coalesce_pkts, 0u);
}

TEST_F(ScenarioLimitsTest, QueueAndMeterSizesMustFitTheModel) {
  EXPECT_EQ(error_of(kPorts + "asic: {egress_queue_bytes: 4294967295}\n"),
            "F:8:28: asic.egress_queue_bytes: 4294967295 is out of range 1..67108864 (bytes)");
  EXPECT_EQ(error_of(kPorts + "asic: {punt_meter_pps: 1000000001}\n"),
            "F:8:24: asic.punt_meter_pps: 1000000001 is out of range 0..1000000000 (packets/s, 0 = no meter)");
  EXPECT_EQ(error_of(kPorts + "asic: {rx_ring_size: 8192}\n"), "F:8:22: asic.rx_ring_size: 8192 is out of range 2..4096");
  const Scenario s = load(kPorts + "asic: {egress_queue_bytes: 67108864, clock_mhz: 1, punt_meter_pps: 0}\n" +
                          "cpu: {ns_per_packet: 1000000000}\n");
  EXPECT_EQ(s.asic.egress_queue_bytes, 67108864u);
  EXPECT_EQ(s.asic.clock_mhz, 1.0);
  EXPECT_EQ(s.asic.punt_meter_pps, 0.0);
  EXPECT_EQ(s.cpu.ns_per_packet, 1'000'000'000u);
}

TEST_F(ScenarioLimitsTest, FaultsNameAKnownFaultAndATimeWithItsUnit) {
  const Scenario s = load(kPorts + "faults:\n  - {at: 1.5ms, fault: tx_ring_stall}\n  - at: 0s\n    fault: interrupt_lost\n");
  ASSERT_EQ(s.faults.size(), 2u);
  EXPECT_EQ(s.faults[0].at, std::chrono::microseconds(1500));
  EXPECT_EQ(s.faults[0].kind, model::FaultKind::kTxRingStall);
  EXPECT_EQ(s.faults[0].line, 9);
  EXPECT_EQ(s.faults[1].at, std::chrono::nanoseconds(0));
  EXPECT_EQ(s.faults[1].kind, model::FaultKind::kInterruptLost);
  EXPECT_EQ(load(kPorts + "faults: [{at: 250 us, fault: dma_write_lost}]\n").faults[0].at, std::chrono::microseconds(250));
  EXPECT_EQ(error_of(kPorts + "faults:\n  - {at: 5, fault: tx_ring_stall}\n"),
            "F:9:10: faults[0].at: expected a duration with a unit (ns, us, ms or s) like 1.5ms, got '5'");
  EXPECT_EQ(error_of(kPorts + "faults:\n  - {at: 1e30s, fault: tx_ring_stall}\n"),
            "F:9:10: faults[0].at: 1e30s is out of range 0..18446744000000000 (ns, the simulated time range)");
  EXPECT_EQ(error_of(kPorts + "faults:\n  - {at: -1ms, fault: tx_ring_stall}\n"),
            "F:9:10: faults[0].at: -1ms is out of range 0..18446744000000000 (ns, the simulated time range)");
  EXPECT_EQ(error_of(kPorts + "faults:\n  - {at: 1ms, fault: tx_hang}\n"),
            "F:9:22: faults[0].fault: unknown fault 'tx_hang'; allowed: register_reads_all_ones, dma_write_lost, "
            "rx_descriptor_corrupt, tx_ring_stall, interrupt_lost, entry_write_not_acked");
  EXPECT_EQ(error_of(kPorts + "faults:\n  - {fault: tx_ring_stall}\n"), "F:9:5: missing required key 'at' in faults[0]");
}

}  // namespace
}  // namespace flowsim::scenario
