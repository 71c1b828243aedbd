// SPDX-License-Identifier: Apache-2.0
// Block tests of the ASIC model, driven only through its register bus, its DMA into host
// memory and its Ethernet ports (testbench/bench), never through model internals.
#include <gtest/gtest.h>

#include <cstring>

#include "hw/flowsim_hw.hpp"  // Generated.
#include "net/byte_order.hpp"
#include "net/foe_hash.hpp"
#include "testbench/bench/asic_bench.hpp"
#include "testbench/bench/test_frame.hpp"

namespace flowsim::model {
namespace {

using hw::desc::RxDesc;
using hw::desc::TxDesc;
using namespace hw::reg;
using testbench::AsicBench;
using testbench::udp4_frame;

sc_core::sc_time ns(double v) { return sc_core::sc_time(v, sc_core::SC_NS); }

// Waits for BUSY to clear after power-on, then enables the datapath and the given ports.
void bring_up(AsicBench& b, unsigned ports) {
  while (GloCfg::kBusy.get(b.hal.read32(GloCfg::offset()))) b.hal.sleep(std::chrono::microseconds(1));
  for (unsigned p = 0; p < ports; ++p) b.hal.write32(PortCfg::offset(p), PortCfg::kEn.make(1));
  b.hal.write32(GloCfg::offset(), GloCfg::kEn.make(1));
}

struct Ring {
  driver::DmaRegion descs;
  driver::DmaRegion buffers;
  unsigned size;
  std::uint32_t buf_len;
  std::uint32_t word(unsigned desc, unsigned w) const { return net::load_le32(descs.host + desc * 32 + 4 * w); }
  void set_word(unsigned desc, unsigned w, std::uint32_t v) { net::store_le32(descs.host + desc * 32 + 4 * w, v); }
};

Ring make_ring(AsicBench& b, unsigned index, unsigned size, std::uint32_t buf_len, std::uint32_t tail) {
  Ring r{b.hal.alloc_dma(size * 32), b.hal.alloc_dma(size * buf_len), size, buf_len};
  for (unsigned i = 0; i < size; ++i) {
    const std::uint64_t buf = r.buffers.bus_addr + std::uint64_t{i} * buf_len;
    r.set_word(i, RxDesc::BufAddrLo::kWord, static_cast<std::uint32_t>(buf));
    r.set_word(i, RxDesc::BufAddrHi::kWord, static_cast<std::uint32_t>(buf >> 32));
    r.set_word(i, RxDesc::Len::kWord, RxDesc::Len::kBufLen.make(buf_len));
  }
  b.hal.write32(RingBaseLo::offset(index), static_cast<std::uint32_t>(r.descs.bus_addr));
  b.hal.write32(RingBaseHi::offset(index), static_cast<std::uint32_t>(r.descs.bus_addr >> 32));
  b.hal.write32(RingSize::offset(index), size);
  b.hal.write32(RingTail::offset(index), tail);
  return r;
}

TEST(Csr, IdentityAndAccessRules) {
  AsicBench b;
  b.run([&] {
    EXPECT_EQ(b.hal.read32(Id::offset()), 0x464c5753u);
    EXPECT_EQ(b.hal.read32(Version::offset()), 0x00000100u);
    EXPECT_EQ(Caps::kNumPorts.get(b.hal.read32(Caps::offset())), 3u);
    // Read-only: a write is ignored and counted.
    b.hal.write32(Id::offset(), 0);
    EXPECT_EQ(b.hal.read32(Id::offset()), 0x464c5753u);
    EXPECT_EQ(b.asic.bus_errors(), 1u);
    // Unmapped and unaligned offsets are bus errors; the HAL sees all ones.
    EXPECT_EQ(b.hal.read32(0x3f0), 0xffffffffu);
    EXPECT_EQ(b.hal.read32(GloCfg::offset() + 2), 0xffffffffu);
    EXPECT_EQ(b.hal.bus_errors(), 2u);
    EXPECT_EQ(b.asic.bus_errors(), 3u);
    // Read-write registers keep what is written.
    b.hal.write32(IrqMask::offset(), 0x5);
    EXPECT_EQ(b.hal.read32(IrqMask::offset()), 0x5u);
  });
}

TEST(Csr, BusyAfterPowerOnAndSoftReset) {
  AsicParams p = testbench::default_bench_params();
  p.reset_busy_ns = 20'000;
  AsicBench b(p);
  b.run([&] {
    EXPECT_EQ(GloCfg::kBusy.get(b.hal.read32(GloCfg::offset())), 1u);  // at t = 0 + MMIO time
    b.hal.sleep(std::chrono::microseconds(20));
    EXPECT_EQ(GloCfg::kBusy.get(b.hal.read32(GloCfg::offset())), 0u);
    b.hal.write32(IrqMask::offset(), 0x3);
    b.hal.write32(GloCfg::offset(), GloCfg::kSoftReset.make(1));
    const auto reset_at = sc_core::sc_time_stamp();
    // Reset puts every register back; SOFT_RESET itself reads as 0.
    const std::uint32_t glo = b.hal.read32(GloCfg::offset());
    EXPECT_EQ(GloCfg::kBusy.get(glo), 1u);
    EXPECT_EQ(GloCfg::kSoftReset.get(glo), 0u);
    EXPECT_EQ(b.hal.read32(IrqMask::offset()), 0u);
    while (GloCfg::kBusy.get(b.hal.read32(GloCfg::offset()))) b.hal.sleep(std::chrono::nanoseconds(100));
    const double busy_ns = (sc_core::sc_time_stamp() - reset_at).to_seconds() * 1e9;
    // The reset began when the write reached the chip, 100 ns (the posted write) before
    // reset_at; the poll that sees BUSY clear ends at most one poll period (1.1 us) plus
    // its own read (1 us) after the 20 us.
    EXPECT_GE(busy_ns, 20'000.0 - 100.0);
    EXPECT_LT(busy_ns, 20'000.0 - 100.0 + 2'100.0);
  });
}

TEST(CpuPort, PuntWritesFrameAndDescriptorByDma) {
  AsicBench b;
  Ring rx{};
  const auto frame = udp4_frame(0xc0a80164, 0xc6336401, 40000, 53);
  b.run([&] {
    bring_up(b, 3);
    rx = make_ring(b, 0, 8, 2048, 7);
    b.hal.write32(IrqCoalesce::offset(), IrqCoalesce::kMaxPkts.make(0));
    b.hal.write32(IrqMask::offset(), IrqStatus::kRxDone.mask());
    b.asic.receive(1, frame);
    wait(b.irq.posedge_event());
    EXPECT_EQ(b.hal.read32(RingHead::offset(0)), 1u);
  });
  const std::uint32_t info = rx.word(0, RxDesc::Info::kWord);
  EXPECT_EQ(RxDesc::Info::kReason.get(info), static_cast<std::uint32_t>(hw::PuntReason::kNoFlow));
  EXPECT_EQ(RxDesc::Info::kSrcPort.get(info), 1u);
  EXPECT_EQ(RxDesc::Info::kFoeIndex.get(info), 0x7fffu);
  EXPECT_EQ(RxDesc::Len::kPktLen.get(rx.word(0, RxDesc::Len::kWord)), frame.size());
  EXPECT_EQ(RxDesc::Status::kDone.get(rx.word(0, RxDesc::Status::kWord)), 1u);
  EXPECT_EQ(RxDesc::Status::kTruncated.get(rx.word(0, RxDesc::Status::kWord)), 0u);
  const auto tuple = net::FiveTuple::ipv4(net::Ipv4Addr(0xc0a80164), net::Ipv4Addr(0xc6336401), 17, 40000, 53);
  EXPECT_EQ(rx.word(0, RxDesc::Hash::kWord), net::foe_hash(net::foe_hash_words(tuple, 0)));
  EXPECT_EQ(std::vector<std::uint8_t>(rx.buffers.host, rx.buffers.host + frame.size()), frame);
  EXPECT_EQ(RxDesc::Status::kDone.get(rx.word(1, RxDesc::Status::kWord)), 0u);
  ASSERT_EQ(b.observer.punted.size(), 1u);
  EXPECT_EQ(b.observer.punted[0].reason, hw::PuntReason::kNoFlow);
}

TEST(MacRx, GiantIsDroppedByTheMacAndCounted) {
  // PORT_MTU 1500: frames up to 1518 bytes (header, one VLAN tag, 1500 of IP) pass the MAC; a
  // 1519-byte frame and a 9000-byte segmentation-offload leftover are giants.
  AsicBench b;
  const auto fits = udp4_frame(0xc0a80164, 0xc6336401, 40000, 53, 1518 - 42);
  const auto giant = udp4_frame(0xc0a80164, 0xc6336401, 40000, 53, 1519 - 42);
  const auto jumbo = udp4_frame(0xc0a80164, 0xc6336401, 40000, 53, 9000 - 42);
  ASSERT_EQ(fits.size(), 1518u);
  ASSERT_EQ(giant.size(), 1519u);
  std::uint32_t oversize = 0, rx_pkts = 0;
  b.run([&] {
    bring_up(b, 3);
    make_ring(b, 0, 8, 2048, 7);
    b.asic.receive(2, giant);
    b.asic.receive(2, fits);
    b.asic.receive(2, jumbo);
    b.hal.sleep(std::chrono::microseconds(50));
    oversize = b.hal.read32(PortRxOversize::offset(2));
    rx_pkts = b.hal.read32(PortRxPkts::offset(2));
  });
  EXPECT_EQ(oversize, 2u);
  EXPECT_EQ(rx_pkts, 3u);
  ASSERT_EQ(b.observer.dropped.size(), 2u);
  for (const auto& d : b.observer.dropped) EXPECT_EQ(d.drop, ModelDropReason::kOversizeFrame);
  EXPECT_EQ(to_string(ModelDropReason::kOversizeFrame), "oversize_frame");
  ASSERT_EQ(b.observer.punted.size(), 1u);  // the 1518-byte frame, whole (no punt_truncated)
  EXPECT_EQ(b.observer.punted[0].reason, hw::PuntReason::kNoFlow);
}

TEST(CpuPort, ExceptionsPuntWithTheirReason) {
  AsicBench b;
  auto ttl_options = udp4_frame(0x0a000001, 0x0a000002, 1, 2);
  ttl_options[14] = 0x46;  // IHL 6: options present (the header check is the parser's business)
  auto fragment = udp4_frame(0x0a000001, 0x0a000002, 1, 2);
  fragment[20] = 0x20;  // MF
  auto icmp = udp4_frame(0x0a000001, 0x0a000002, 1, 2);
  icmp[23] = 1;
  std::vector<std::uint8_t> arp(60, 0);
  arp[12] = 0x08;
  arp[13] = 0x06;
  std::vector<std::uint8_t> runt(10, 0xab);
  b.run([&] {
    bring_up(b, 3);
    make_ring(b, 0, 16, 2048, 15);
    for (const std::vector<std::uint8_t>* f : std::initializer_list<const std::vector<std::uint8_t>*>{&ttl_options, &fragment, &icmp, &arp, &runt}) {
      b.asic.receive(0, *f);
      b.hal.sleep(std::chrono::microseconds(2));
    }
  });
  ASSERT_EQ(b.observer.punted.size(), 5u);
  EXPECT_EQ(b.observer.punted[0].reason, hw::PuntReason::kOptionHeader);
  EXPECT_EQ(b.observer.punted[1].reason, hw::PuntReason::kIpv4Frag);
  EXPECT_EQ(b.observer.punted[2].reason, hw::PuntReason::kNotTcpUdp);
  EXPECT_EQ(b.observer.punted[3].reason, hw::PuntReason::kPpeBypass);
  EXPECT_EQ(b.observer.punted[4].reason, hw::PuntReason::kParseError);
}

TEST(CpuPort, FullRingDropsWithReasonAndCounts) {
  AsicBench b;
  const auto frame = udp4_frame(0x0a000001, 0x0a000002, 1, 2);
  b.run([&] {
    bring_up(b, 3);
    make_ring(b, 0, 4, 2048, 2);  // two free descriptors
    b.hal.write32(IrqMask::offset(), IrqStatus::kRxRingFull.mask());
    for (int i = 0; i < 4; ++i) b.asic.receive(0, frame);
    wait(b.irq.posedge_event());
    b.hal.sleep(std::chrono::microseconds(5));
    EXPECT_EQ(b.hal.read32(PuntDrops::offset()), 2u);
    EXPECT_EQ(IrqStatus::kRxRingFull.get(b.hal.read32(IrqStatus::offset())), 1u);
    b.hal.write32(IrqStatus::offset(), IrqStatus::kRxRingFull.mask());
    EXPECT_EQ(b.hal.read32(IrqStatus::offset()) & IrqStatus::kRxRingFull.mask(), 0u);
    EXPECT_FALSE(b.irq.read());
  });
  EXPECT_EQ(b.observer.punted.size(), 2u);
  ASSERT_EQ(b.observer.dropped.size(), 2u);
  EXPECT_EQ(b.observer.dropped[0].drop, ModelDropReason::kRxRingFull);
}

TEST(CpuPort, PuntMeterDropsWhatExceedsItsRate) {
  AsicBench b;  // meter 1 Mpps, burst 256 (AsicParams defaults)
  const auto frame = udp4_frame(0x0a000001, 0x0a000002, 1, 2);
  constexpr unsigned kFrames = 1000;  // back to back at 10G: 67.2 us, 14.9 Mpps of misses
  std::uint32_t head = 0, no_flow = 0;
  b.run([&] {
    bring_up(b, 3);
    make_ring(b, 0, 1024, 2048, 1023);
    for (unsigned i = 0; i < kFrames; ++i) b.asic.receive(0, frame);
    b.hal.sleep(std::chrono::microseconds(500));
    head = b.hal.read32(RingHead::offset(0));
    no_flow = b.hal.read32(ReasonCnt::offset(static_cast<unsigned>(hw::PuntReason::kNoFlow)));
  });
  // GCRA, 1 us per punt, 255 us of tolerance: the burst, then one per microsecond of the
  // 67.2 us the misses took.
  const std::size_t passed = b.observer.punted.size();
  EXPECT_GE(passed, 256u + 67u - 1u);
  EXPECT_LE(passed, 256u + 68u + 1u);
  EXPECT_EQ(head, passed);
  EXPECT_EQ(b.observer.dropped.size(), kFrames - passed);
  for (const auto& d : b.observer.dropped) EXPECT_EQ(d.drop, ModelDropReason::kPuntMeter);
  EXPECT_EQ(no_flow, kFrames);  // REASON_CNT counts what was meant for the CPU
}

TEST(CpuPort, InterruptCoalescingByCountAndByTime) {
  AsicBench b;
  const auto frame = udp4_frame(0x0a000001, 0x0a000002, 1, 2);
  b.run([&] {
    bring_up(b, 3);
    make_ring(b, 0, 16, 2048, 15);
    b.hal.write32(IrqCoalesce::offset(), IrqCoalesce::kMaxPkts.make(3) | IrqCoalesce::kMaxDelayUs.make(50));
    b.hal.write32(IrqMask::offset(), IrqStatus::kRxDone.mask());
    for (int i = 0; i < 3; ++i) b.asic.receive(0, frame);
    wait(b.irq.posedge_event());
    EXPECT_EQ(b.hal.read32(RingHead::offset(0)), 3u);  // count reached: one interrupt for three
    b.hal.write32(IrqStatus::offset(), IrqStatus::kRxDone.mask());
    b.asic.receive(0, frame);
    const auto sent = sc_core::sc_time_stamp();
    wait(b.irq.posedge_event());
    // One packet alone waits for the timer: 50 us after it was written to the ring.
    const double waited_us = (sc_core::sc_time_stamp() - sent).to_seconds() * 1e6;
    EXPECT_GT(waited_us, 50.0);
    EXPECT_LT(waited_us, 52.0);
  });
}

TEST(CpuPort, TxRingSendsOnTheNamedPortAndMarksDone) {
  AsicBench b;
  const auto frame = udp4_frame(0x0a000001, 0x0a000002, 1, 2, 100);
  const auto short_frame = udp4_frame(0x0a000001, 0x0a000002, 1, 2, 0);  // 42 bytes: padded to 60
  Ring tx{};
  b.run([&] {
    bring_up(b, 3);
    tx = make_ring(b, 1, 4, 2048, 0);
    std::memcpy(tx.buffers.host, frame.data(), frame.size());
    tx.set_word(0, TxDesc::Len::kWord, TxDesc::Len::kPktLen.make(static_cast<std::uint32_t>(frame.size())));
    tx.set_word(0, TxDesc::Ctrl::kWord, TxDesc::Ctrl::kDestPort.make(2));
    std::memcpy(tx.buffers.host + 2048, short_frame.data(), short_frame.size());
    tx.set_word(1, TxDesc::Len::kWord, TxDesc::Len::kPktLen.make(static_cast<std::uint32_t>(short_frame.size())));
    tx.set_word(1, TxDesc::Ctrl::kWord, TxDesc::Ctrl::kDestPort.make(0));
    tx.set_word(2, TxDesc::Len::kWord, TxDesc::Len::kPktLen.make(60));
    tx.set_word(2, TxDesc::Ctrl::kWord, TxDesc::Ctrl::kDestPort.make(7));  // no such port
    b.hal.write32(RingTail::offset(1), 3);
    b.hal.sleep(std::chrono::microseconds(20));
    EXPECT_EQ(b.hal.read32(RingHead::offset(1)), 3u);
    EXPECT_EQ(b.hal.read32(PortTxPkts::offset(2)), 1u);
    EXPECT_EQ(b.hal.read32(PortTxBytes::offset(0)), 60u);
  });
  for (unsigned i = 0; i < 3; ++i) EXPECT_EQ(TxDesc::Status::kDone.get(tx.word(i, TxDesc::Status::kWord)), 1u);
  ASSERT_EQ(b.observer.transmitted.size(), 2u);
  EXPECT_EQ(b.observer.transmitted[0].port, 2u);
  EXPECT_EQ(b.observer.transmitted[0].bytes, frame);
  EXPECT_EQ(b.observer.transmitted[0].origin, FrameOrigin::kCpu);
  auto padded = short_frame;
  padded.resize(60, 0);
  EXPECT_EQ(b.observer.transmitted[1].bytes, padded);
  ASSERT_EQ(b.observer.dropped.size(), 1u);
  EXPECT_EQ(b.observer.dropped[0].drop, ModelDropReason::kTxBadPort);
}

TEST(MacTx, SerialisesAtLineRateAndTailDrops) {
  AsicParams p = testbench::default_bench_params();
  p.dma_latency_ns = 0;          // frames reach the egress queue together
  p.egress_queue_bytes = 120;    // room for two 60-byte frames waiting behind the one on the wire
  AsicBench b(p);
  const auto frame = udp4_frame(0x0a000001, 0x0a000002, 1, 2);  // 60 bytes: 84 on the wire
  Ring tx{};
  b.run([&] {
    bring_up(b, 3);
    tx = make_ring(b, 1, 8, 2048, 0);
    for (unsigned i = 0; i < 7; ++i) {
      std::memcpy(tx.buffers.host + i * 2048, frame.data(), frame.size());
      tx.set_word(i, TxDesc::Len::kWord, TxDesc::Len::kPktLen.make(60));
      tx.set_word(i, TxDesc::Ctrl::kWord, TxDesc::Ctrl::kDestPort.make(i < 5 ? 0 : 2));
    }
    b.hal.write32(RingTail::offset(1), 7);
    b.hal.sleep(std::chrono::microseconds(5));
    EXPECT_EQ(b.hal.read32(PortTxDrops::offset(0)), 2u);
  });
  std::vector<sc_core::sc_time> port0, port2;
  for (const auto& f : b.observer.transmitted) (f.port == 0 ? port0 : port2).push_back(f.time);
  ASSERT_EQ(port0.size(), 3u);
  ASSERT_EQ(port2.size(), 2u);
  // 10 GbE: 84 bytes = 672 bits = 67.2 ns per 60-byte frame, back to back.
  EXPECT_EQ(port0[1] - port0[0], ns(67.2));
  EXPECT_EQ(port0[2] - port0[0], ns(134.4));
  // 2.5 GbE port: 268.8 ns per frame.
  EXPECT_EQ(port2[1] - port2[0], ns(268.8));
  ASSERT_EQ(b.observer.dropped.size(), 2u);
  EXPECT_EQ(b.observer.dropped[0].drop, ModelDropReason::kEgressQueueFull);
  EXPECT_EQ(b.observer.dropped[1].drop, ModelDropReason::kEgressQueueFull);
  EXPECT_EQ(wire_time(1514, 10'000'000'000), ns(1230.4));
}

}  // namespace
}  // namespace flowsim::model
