// SPDX-License-Identifier: Apache-2.0
// The loosely-timed HAL (model_hal.hpp) against the chip: posted writes never make the CPU
// wait for the model, reads wait only when their value depends on the device's progress,
// a burst is one transaction with the cost of one access plus its transfer, the CPU's clock
// counts every access either way, and a bus error still reads as all ones.
#include "testbench/harness/model_hal.hpp"

#include <gtest/gtest.h>

#include <array>
#include <sstream>
#include <string>

#include "driver/trace_hal.hpp"
#include "hw/flowsim_hw.hpp"  // Generated.
#include "testbench/bench/asic_bench.hpp"
#include "testbench/bench/model_ops.hpp"
#include "testbench/bench/test_frame.hpp"

namespace flowsim::testbench {
namespace {

using namespace std::chrono_literals;
using hw::reg::EntryData;

std::chrono::nanoseconds sc_now() {
  return std::chrono::nanoseconds(static_cast<std::int64_t>(sc_core::sc_time_stamp().value() / 1000));
}

TEST(ModelHal, PostedWritesAdvanceTheCpuClockWithoutWaiting) {
  AsicBench b;
  std::chrono::nanoseconds cpu0{}, sc0{}, cpu1{}, sc1{};
  std::uint64_t syncs = 0;
  b.run([&] {
    bring_up(b.hal, 1);
    b.hal.sync();
    cpu0 = b.hal.now();
    sc0 = sc_now();
    syncs = b.hal.syncs();
    for (unsigned i = 0; i < 20; ++i) b.hal.write32(hw::reg::HashSeed::offset(), i);
    cpu1 = b.hal.now();
    sc1 = sc_now();
    syncs = b.hal.syncs() - syncs;
  });
  EXPECT_EQ(cpu1 - cpu0, 20 * 100ns);  // MmioTiming::write each
  EXPECT_EQ(sc1, sc0);                 // the SystemC clock did not move
  EXPECT_EQ(syncs, 0u);
  EXPECT_EQ(b.asic.register_value(hw::reg::HashSeed::offset()), 19u);  // applied when written
}

TEST(ModelHal, AReadWaitsOnlyWhenItsValueDependsOnTheDevicesProgress) {
  AsicBench b;
  std::uint64_t idle_syncs = 0, caps_syncs = 0, counter_syncs = 0;
  std::uint32_t rx_packets = 0;
  b.run([&] {
    bring_up(b.hal, 1);
    b.hal.sync();
    // Nothing else is pending: neither a configuration register nor a status one makes the
    // CPU wait, since the device cannot change before the CPU's time.
    b.hal.write32(hw::reg::HashSeed::offset(), 7);
    std::uint64_t s = b.hal.syncs();
    b.hal.read32(hw::reg::Caps::offset());
    b.hal.read32(hw::reg::IrqStatus::offset());
    idle_syncs = b.hal.syncs() - s;
    // A frame arrives 500 ns after the SystemC clock, while the CPU is already 1 us ahead:
    // a configuration register still reads without waiting, a counter (volatile) waits for
    // the device to get there and counts the frame.
    b.hal.sync();
    b.asic.inject(0, udp4_frame(0x0a000001, 0x0a000002, 1000, 53, 18), b.asic.now_ps() + 500'000);
    for (unsigned i = 0; i < 10; ++i) b.hal.write32(hw::reg::HashSeed::offset(), i);
    s = b.hal.syncs();
    b.hal.read32(hw::reg::Caps::offset());
    caps_syncs = b.hal.syncs() - s;
    rx_packets = b.hal.read32(hw::reg::PortRxPkts::offset(0));
    counter_syncs = b.hal.syncs() - s;
  });
  EXPECT_EQ(idle_syncs, 0u);
  EXPECT_EQ(caps_syncs, 0u);
  EXPECT_EQ(counter_syncs, 1u);
  EXPECT_EQ(rx_packets, 1u);
}

TEST(ModelHal, TheEntryWindowIsOneBurstWithTheSameAccessesInTheTrace) {
  AsicBench b;
  std::ostringstream log;
  driver::TraceHal trace(b.hal, log);
  EntryWords written{}, back{};
  for (unsigned w = 0; w < written.size(); ++w) written[w] = 0x1000 + w;
  std::chrono::nanoseconds write_cost{}, read_cost{};
  b.run([&] {
    bring_up(b.hal, 1);
    auto t0 = b.hal.now();
    trace.write_block(EntryData::offset(0), written);
    write_cost = b.hal.now() - t0;
    t0 = b.hal.now();
    trace.read_block(EntryData::offset(0), back);
    read_cost = b.hal.now() - t0;
  });
  EXPECT_EQ(back, written);
  // One access plus 31 words at 8 ns, instead of 32 accesses.
  EXPECT_EQ(write_cost, 100ns + 31 * 8ns);
  EXPECT_EQ(read_cost, 1000ns + 31 * 8ns);
  // The trace shows every word, in order, as word-by-word accesses would.
  std::istringstream lines(log.str());
  std::string line;
  unsigned writes = 0, reads = 0;
  while (std::getline(lines, line)) {
    char name[32] = {};
    std::snprintf(name, sizeof name, "ENTRY_DATA[%u]", line.find("  W  ") != std::string::npos ? writes : reads);
    ASSERT_NE(line.find(name), std::string::npos) << line;
    (line.find("  W  ") != std::string::npos ? writes : reads) += 1;
  }
  EXPECT_EQ(writes, 32u);
  EXPECT_EQ(reads, 32u);
}

TEST(ModelHal, ABurstOverAnAddressWithoutARegisterReadsAllOnes) {
  AsicBench b;
  std::array<std::uint32_t, 4> words{};
  b.run([&] {
    // Four words past the end of the register map: nobody answers, the burst fails whole.
    b.hal.read_block(0xfff0, words);
  });
  for (const auto w : words) EXPECT_EQ(w, 0xffffffffu);
  EXPECT_EQ(b.hal.bus_errors(), 1u);
  EXPECT_EQ(b.asic.bus_errors(), 1u);
}

}  // namespace
}  // namespace flowsim::testbench
