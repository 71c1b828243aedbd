// SPDX-License-Identifier: Apache-2.0
// The aging scanner through its registers: BIND entries age by class (UDP, TCP, FIN) after
// their BIND_AGE delta of idle TIMESTAMP seconds, hits keep them alive, UNBIND entries age
// unless they reached MIN_PACKETS, STATIC entries never age; AGED_ENTRIES and IRQ AGED report
// it. And the scanner's cost: it plans no event while nothing can age, so a simulation with
// nothing else to do ends.
#include <gtest/gtest.h>

#include "hw/flowsim_hw.hpp"  // Generated.
#include "net/tcp_header.hpp"
#include "testbench/bench/asic_bench.hpp"
#include "testbench/bench/model_ops.hpp"
#include "testbench/bench/test_frame.hpp"

namespace flowsim::model {
namespace {

using hw::desc::FoeEntry;
using Ib1 = FoeEntry::Ib1;
using namespace hw::reg;
using testbench::AsicBench;
using testbench::EntrySpec;

constexpr std::uint32_t kHost = 0xc0a80164;    // 192.168.1.100
constexpr std::uint32_t kServer = 0xc6336401;  // 198.51.100.1

EntrySpec bound(std::uint8_t proto, std::uint16_t sport) {
  EntrySpec s;
  s.type = Ib1::kTypeIpv4Route;
  s.orig = net::FiveTuple::ipv4(net::Ipv4Addr(kHost), net::Ipv4Addr(kServer), proto, sport, 53);
  s.dest_port = 1;
  s.in_port = 0;
  return s;
}

std::uint32_t state_of(driver::Hal& hal, const EntrySpec& s) {
  return testbench::entry_state(testbench::read_entry(hal, testbench::entry_index(s.orig)));
}

void sleep_until(driver::Hal& hal, double seconds) {
  const auto target = std::chrono::nanoseconds(static_cast<std::int64_t>(seconds * 1e9));
  if (hal.now() < target) hal.sleep(target - hal.now());
}

TEST(Aging, BindEntriesAgeByClassAndStaticOnesNever) {
  AsicBench b;
  const EntrySpec udp = bound(17, 1000), tcp = bound(6, 1001), fin = bound(6, 1002);
  const EntrySpec pinned = [] {
    EntrySpec s = bound(17, 1003);
    s.is_static = true;
    return s;
  }();
  std::vector<std::uint32_t> at_2_5, at_3_5, at_5_5;
  std::uint32_t aged_3_5 = 0, aged_5_5 = 0, irq_status = 0;
  bool irq_line = false;
  b.run([&] {
    testbench::bring_up(b.hal, 3);
    testbench::make_rx_ring(b.hal, 8);
    b.hal.write32(BindAge0::offset(), BindAge0::kDeltaUdp.make(2) | BindAge0::kDeltaNonL4.make(1));
    b.hal.write32(BindAge1::offset(), BindAge1::kDeltaTcp.make(4) | BindAge1::kDeltaTcpFin.make(1));
    b.hal.write32(IrqMask::offset(), IrqStatus::kAged.mask());
    for (const auto* s : {&udp, &tcp, &fin, &pinned}) {
      testbench::write_entry(b.hal, testbench::entry_index(s->orig), testbench::encode_entry(*s));
    }
    // A FIN moves `fin` to the FIN state at second 0; it then ages with DELTA_TCP_FIN = 1.
    b.asic.receive(0, testbench::tcp4_frame(kHost, kServer, 1002, 53, net::TcpHeader::kFin | net::TcpHeader::kAck));
    sleep_until(b.hal, 1.5);
    // Stamped at second 0, delta 1: invalid at the scan of second 2.
    const bool fin_alive_1_5 = state_of(b.hal, fin) == Ib1::kStateFin;
    EXPECT_TRUE(fin_alive_1_5);
    sleep_until(b.hal, 2.5);
    for (const auto* s : {&udp, &tcp, &fin, &pinned}) at_2_5.push_back(state_of(b.hal, *s));
    sleep_until(b.hal, 3.5);
    for (const auto* s : {&udp, &tcp, &fin, &pinned}) at_3_5.push_back(state_of(b.hal, *s));
    aged_3_5 = b.hal.read32(AgedEntries::offset());
    irq_status = b.hal.read32(IrqStatus::offset());
    irq_line = b.irq.read();
    sleep_until(b.hal, 5.5);
    for (const auto* s : {&udp, &tcp, &fin, &pinned}) at_5_5.push_back(state_of(b.hal, *s));
    aged_5_5 = b.hal.read32(AgedEntries::offset());
  });
  using V = std::vector<std::uint32_t>;
  // UDP: stamp 0, delta 2 -> gone at second 3. TCP: delta 4 -> second 5. FIN: second 2.
  EXPECT_EQ(at_2_5, (V{Ib1::kStateBind, Ib1::kStateBind, Ib1::kStateInvalid, Ib1::kStateBind}));
  EXPECT_EQ(at_3_5, (V{Ib1::kStateInvalid, Ib1::kStateBind, Ib1::kStateInvalid, Ib1::kStateBind}));
  EXPECT_EQ(at_5_5, (V{Ib1::kStateInvalid, Ib1::kStateInvalid, Ib1::kStateInvalid, Ib1::kStateBind}));
  EXPECT_EQ(aged_3_5, 2u);
  EXPECT_EQ(aged_5_5, 3u);
  EXPECT_EQ(IrqStatus::kAged.get(irq_status), 1u);
  EXPECT_TRUE(irq_line);
  EXPECT_EQ(b.asic.register_value(TbUsed::offset()), 1u);
  // Only the STATIC entry is left: no scan is planned, the simulation is over.
  EXPECT_FALSE(sc_core::sc_pending_activity());
}

TEST(Aging, HitsKeepAnEntryAlive) {
  AsicBench b;
  const EntrySpec udp = bound(17, 2000);
  std::uint32_t at_5_5 = 0, at_6_5 = 0;
  b.run([&] {
    testbench::bring_up(b.hal, 3);
    b.hal.write32(BindAge0::offset(), BindAge0::kDeltaUdp.make(2));
    testbench::write_entry(b.hal, testbench::entry_index(udp.orig), testbench::encode_entry(udp));
    for (const double t : {1.5, 3.2}) {
      sleep_until(b.hal, t);
      b.asic.receive(0, testbench::udp4_frame(kHost, kServer, 2000, 53));
    }
    // Last hit in second 3: idle > 2 from the scan of second 6.
    sleep_until(b.hal, 5.5);
    at_5_5 = state_of(b.hal, udp);
    sleep_until(b.hal, 6.5);
    at_6_5 = state_of(b.hal, udp);
  });
  EXPECT_EQ(b.observer.transmitted.size(), 2u);
  EXPECT_EQ(at_5_5, Ib1::kStateBind);
  EXPECT_EQ(at_6_5, Ib1::kStateInvalid);
  EXPECT_EQ(b.asic.register_value(AgedEntries::offset()), 1u);
}

TEST(Aging, UnbindEntriesAgeUnlessTheyReachedMinPackets) {
  AsicBench b;
  const EntrySpec once = bound(17, 3000), often = bound(17, 3001);
  std::uint32_t once_state = 0, often_state = 0;
  b.run([&] {
    testbench::bring_up(b.hal, 3);
    testbench::make_rx_ring(b.hal, 16);
    b.hal.write32(TbCfg::offset(), TbCfg::kBindMode.make(1) | TbCfg::kAgeEn.make(1) | TbCfg::kMibEn.make(1));
    b.hal.write32(UnbindAge::offset(), UnbindAge::kDelta.make(1) | UnbindAge::kMinPackets.make(3));
    b.asic.receive(0, testbench::udp4_frame(kHost, kServer, 3000, 53));
    for (int i = 0; i < 3; ++i) b.asic.receive(0, testbench::udp4_frame(kHost, kServer, 3001, 53));
    sleep_until(b.hal, 2.5);
    once_state = state_of(b.hal, once);
    often_state = state_of(b.hal, often);
  });
  EXPECT_EQ(once_state, Ib1::kStateInvalid);
  EXPECT_EQ(often_state, Ib1::kStateUnbind);
  EXPECT_EQ(b.asic.register_value(AgedEntries::offset()), 1u);
}

TEST(Aging, SimulationEndsOnceTheLastEntryAged) {
  AsicBench b;
  const EntrySpec udp = bound(17, 4000);
  b.run(
      [&] {
        testbench::bring_up(b.hal, 3);
        b.hal.write32(BindAge0::offset(), BindAge0::kDeltaUdp.make(1));
        testbench::write_entry(b.hal, testbench::entry_index(udp.orig), testbench::encode_entry(udp));
      },
      sc_core::sc_time(1000, sc_core::SC_SEC));  // let the bench run as long as anything is planned
  // Stamped at second 0, delta 1: the one scan is at second 2, then nothing is left to plan.
  EXPECT_EQ(sc_core::sc_time_stamp(), sc_core::sc_time(2, sc_core::SC_SEC));
  EXPECT_FALSE(sc_core::sc_pending_activity());
  EXPECT_EQ(b.asic.register_value(TbUsed::offset()), 0u);
  EXPECT_EQ(b.asic.register_value(AgedEntries::offset()), 1u);
}

TEST(Aging, NothingIsPlannedWhileNothingCanAge) {
  AsicBench b;
  EntrySpec pinned = bound(17, 5000);
  pinned.is_static = true;
  const EntrySpec udp = bound(17, 5001);
  b.run(
      [&] {
        testbench::bring_up(b.hal, 3);
        testbench::write_entry(b.hal, testbench::entry_index(pinned.orig), testbench::encode_entry(pinned));
        // AGE_EN off: a normal entry is not aged either.
        b.hal.write32(TbCfg::offset(), TbCfg::kMibEn.make(1));
        testbench::write_entry(b.hal, testbench::entry_index(udp.orig), testbench::encode_entry(udp));
      },
      sc_core::sc_time(1000, sc_core::SC_SEC));
  EXPECT_LT(sc_core::sc_time_stamp(), sc_core::sc_time(1, sc_core::SC_MS));
  EXPECT_FALSE(sc_core::sc_pending_activity());
  EXPECT_EQ(b.asic.register_value(TbUsed::offset()), 2u);
}

}  // namespace
}  // namespace flowsim::model
